#pragma once
// Choosing the OpenBLAS kernel ("core") the matrix products run on.
//
// Debian 12's OpenBLAS 0.3.21 is built with DYNAMIC_ARCH: at load time it reads cpuid and picks a
// kernel set. On CPUs it does not know (new or virtualised ones) it falls back to the generic
// "Prescott" kernels and sgemm runs ~2.5x slower (lw_bench, AMD EPYC). OpenBLAS
// reads OPENBLAS_CORETYPE only when the library loads, so a better kernel needs a fresh process:
// select_blas_kernel() re-executes the program (execv of /proc/self/exe, same argv) with
// OPENBLAS_CORETYPE=<core>, at most once, guarded by the marker variable LW_BLAS_KERNEL_REEXEC.
// The new kernel is then checked against a naive double-precision product; if it is wrong the
// program is re-executed once more on OpenBLAS's default kernel, and says so.
//
// Which kernel (precedence, first match wins):
//   1. OPENBLAS_CORETYPE already set by the user     -> kept as it is, never overridden
//   2. mode argument (the drivers' --blas-kernel), if not empty
//   3. environment LW_BLAS_KERNEL, if set
//   4. "auto"
// Modes: "default" keeps OpenBLAS's own pick; "<core>" (e.g. "Haswell", case-insensitive) asks for
// that core, which the CPU must support; "auto" (the static preference order below) re-executes
// only when OpenBLAS's pick belongs to a lower instruction-set tier than the best core the CPU
// runs:
//   avx512f+bw+vl+dq+cd -> SkylakeX  (0.3.21 ignores OPENBLAS_CORETYPE=Cooperlake/SapphireRapids,
//                                     "Core not found"; Cooperlake's sgemm measures as SkylakeX's)
//   avx2+fma            -> Haswell
//   avx                 -> Sandybridge
//   otherwise           -> OpenBLAS's default
// A core name missing from the table (a newer OpenBLAS) is kept.
// Measured (lw_bench, 784-1000-1000-1000-10 MLP, batch 128, 1 thread, AMD EPYC Zen 4 VM):
// Haswell 108, Zen 103, SkylakeX 102, Cooperlake 102, Sandybridge 90, Prescott 40 GFLOP/s. The
// AVX2 and AVX-512 cores are within a few percent, so auto never swaps between them; it only lifts
// a lower-tier default.
// Tiers: 4 = SkylakeX, Cooperlake, SapphireRapids; 3 = Haswell, Zen; 2 = Sandybridge, Bulldozer,
// Piledriver, Steamroller, Excavator; 1 = the SSE cores (Prescott, Core2, Nehalem, ...).
#include <iostream>
#include <set>
#include <string>
#include <string_view>

namespace lw {

struct CpuFeatures {
  std::string vendor;           // e.g. "AuthenticAMD", "GenuineIntel"
  std::set<std::string> flags;  // /proc/cpuinfo names: "avx2", "fma", "avx512f", "avx512_bf16", ...
  bool has(std::string_view flag) const { return flags.count(std::string(flag)) != 0; }
};

// Parses the text of /proc/cpuinfo (first processor's "vendor_id" and "flags" lines).
CpuFeatures parse_cpuinfo(const std::string& cpuinfo_text);
// This machine's features: /proc/cpuinfo, or the compiler's cpuid builtins when it is unreadable.
CpuFeatures cpu_features();

// OpenBLAS 0.3.21 x86-64 core names in their canonical spelling; "" if `name` is none of them
// (case-insensitive).
std::string canonical_core_name(std::string_view name);
int core_tier(std::string_view core);  // 0 for an unknown name
bool cpu_runs_core(const CpuFeatures& cpu, std::string_view core);
std::string preferred_core(const CpuFeatures& cpu);  // "" when nothing beats the SSE default

struct KernelRequest {
  CpuFeatures cpu;
  std::string current_core;   // what OpenBLAS chose in this process, lw::blas_core()
  std::string mode;           // "auto", "default" or a core name (already resolved, see above)
  std::string user_coretype;  // OPENBLAS_CORETYPE as set by the user; "" when unset
};

struct KernelDecision {
  std::string coretype;  // re-execute with OPENBLAS_CORETYPE=coretype; "" = keep the running kernel
  std::string reason;    // how the kernel was chosen, e.g. "auto: OpenBLAS default kept"
};

// The pure decision. Throws std::invalid_argument for an unknown mode or core name, or a core the
// CPU cannot run.
KernelDecision decide_blas_kernel(const KernelRequest& request);

// Entry point, first thing in main(): decides, may re-execute (then never returns), checks the
// products and prints one line on stderr, e.g.
//   blas: OpenBLAS 0.3.21, kernel SkylakeX (auto: default was Prescott), 2 threads
// argv must be main's (null-terminated); with argc == 0 or argv == nullptr it never re-executes.
// Call it before MPI_Init: a re-executed MPI process could not join its job. log: where the line
// goes; null for none (MPI ranks other than 0).
void select_blas_kernel(int argc, char** argv, const std::string& mode,
                        std::ostream* log = &std::cerr);

// How the running kernel was chosen, for results files, e.g. "SkylakeX (auto: default was
// Prescott)".
std::string blas_kernel_note();

// The reference check: sgemm N/N, N/T, T/N and dgemm N/N, N/T, T/N on random odd and blocked
// shapes (alpha, beta != 0 included) against a naive triple loop in double. True when every entry
// is within a few ulps * k of the reference.
bool blas_products_correct();

}  // namespace lw
