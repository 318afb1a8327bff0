#pragma once
#include <optional>
#include <string>
#include <string_view>

// LW_VECTOR_CLONES before a function definition compiles it for AVX-512, AVX2 and baseline x86-64
// and picks the widest the CPU runs when the program loads (GCC/Clang target_clones, x86-64
// Linux; elsewhere nothing), with every call inside inlined (flatten) so helpers get the same
// instruction set. For the hot loop's element-wise kernels, which the compiler
// vectorises: the baseline build only has 4-wide SSE2.
// Bit-identical results across clones need the file compiled with -ffp-contract=off (no fusing
// into FMA, which only the wider clones have); the CMakeLists next to such a file sets it.
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define LW_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))  // no flatten in clang 14
#elif defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define LW_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default"), flatten))
#else
#define LW_VECTOR_CLONES
#endif

// SimdPath: a kernel compiled for each instruction set and dispatched by hand (LW_TARGET_AVX512,
// LW_TARGET_AVX2 on a function definition), where a clone needs its own code (for the register
// budget of its width, say), or a benchmark times every path on one machine. simd_path() is the
// widest path the CPU runs, or the one LW_SIMD names (avx512, avx2, baseline) if the CPU runs it.
// Kernels dispatched this way give the same bits on every path (compiled -ffp-contract=off).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__linux__)
#define LW_HAVE_SIMD_PATHS 1
#define LW_TARGET_AVX512 __attribute__((target("avx512f")))
#define LW_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define LW_HAVE_SIMD_PATHS 0
#define LW_TARGET_AVX512
#define LW_TARGET_AVX2
#endif

namespace lw {

enum class SimdPath { baseline, avx2, avx512 };
std::string to_string(SimdPath path);
std::optional<SimdPath> parse_simd_path(std::string_view name);  // nullopt: not a path's name
bool cpu_runs(SimdPath path);
SimdPath widest_simd_path();  // of the CPU
// widest_simd_path(), or LW_SIMD's path when the CPU runs it (read once; an unknown or
// unsupported name is said on stderr once and ignored).
SimdPath simd_path();

}  // namespace lw
