#pragma once
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
