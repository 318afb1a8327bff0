#include "layerwise/core/blas_kernel.hpp"

#include <strings.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/check.hpp"

namespace lw {
namespace {

constexpr const char* kMarker = "LW_BLAS_KERNEL_REEXEC";  // "<kind>,<default core>[,<failed core>]"

struct CoreInfo {
  const char* name;
  int tier;
};

// OpenBLAS 0.3.21 DYNAMIC_ARCH x86-64 cores (driver/others/dynamic.c), with instruction-set tiers.
constexpr std::array<CoreInfo, 26> kCores{{
    {"Katmai", 1},       {"Coppermine", 1},     {"Northwood", 1},  {"Prescott", 1},
    {"Banias", 1},       {"Atom", 1},           {"Core2", 1},      {"Penryn", 1},
    {"Dunnington", 1},   {"Nehalem", 1},        {"Athlon", 1},     {"Opteron", 1},
    {"Opteron_SSE3", 1}, {"Barcelona", 1},      {"Nano", 1},       {"Bobcat", 1},
    {"Sandybridge", 2},  {"Bulldozer", 2},      {"Piledriver", 2}, {"Steamroller", 2},
    {"Excavator", 2},    {"Haswell", 3},        {"Zen", 3},        {"SkylakeX", 4},
    {"Cooperlake", 4},   {"SapphireRapids", 4},
}};

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string version_of(const std::string& config) {  // "OpenBLAS 0.3.21 ..." -> "OpenBLAS 0.3.21"
  std::istringstream in(config);
  std::string name, version;
  in >> name >> version;
  return version.empty() ? config : name + " " + version;
}

std::string g_note;  // set by select_blas_kernel()

// Returns only when execv fails; then the environment is as it was.
void reexec(char** argv, const std::string& coretype, const std::string& marker) {
  const std::string saved = env_or_empty("OPENBLAS_CORETYPE");
  if (coretype.empty())
    unsetenv("OPENBLAS_CORETYPE");
  else
    setenv("OPENBLAS_CORETYPE", coretype.c_str(), 1);
  setenv(kMarker, marker.c_str(), 1);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  execv("/proc/self/exe", argv);
  if (saved.empty())
    unsetenv("OPENBLAS_CORETYPE");
  else
    setenv("OPENBLAS_CORETYPE", saved.c_str(), 1);
  unsetenv(kMarker);
}

}  // namespace

CpuFeatures parse_cpuinfo(const std::string& cpuinfo_text) {
  CpuFeatures cpu;
  std::istringstream lines(cpuinfo_text);
  std::string line;
  bool have_flags = false;
  while (std::getline(lines, line) && !(have_flags && !cpu.vendor.empty())) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    key.erase(key.find_last_not_of(" \t") + 1);
    std::istringstream value(line.substr(colon + 1));
    if (key == "vendor_id" && cpu.vendor.empty()) {
      value >> cpu.vendor;
    } else if (key == "flags" && !have_flags) {
      for (std::string flag; value >> flag;) cpu.flags.insert(flag);
      have_flags = true;
    }
  }
  return cpu;
}

CpuFeatures cpu_features() {
  std::ifstream in("/proc/cpuinfo");
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    CpuFeatures cpu = parse_cpuinfo(text.str());
    if (!cpu.flags.empty()) return cpu;
  }
  CpuFeatures cpu;  // no /proc: the compiler's cpuid builtins (they also check OS support)
  __builtin_cpu_init();
  cpu.vendor = __builtin_cpu_is("amd")     ? "AuthenticAMD"
               : __builtin_cpu_is("intel") ? "GenuineIntel"
                                           : "";
  if (__builtin_cpu_supports("avx")) cpu.flags.insert("avx");
  if (__builtin_cpu_supports("avx2")) cpu.flags.insert("avx2");
  if (__builtin_cpu_supports("fma")) cpu.flags.insert("fma");
  if (__builtin_cpu_supports("avx512f")) cpu.flags.insert("avx512f");
  if (__builtin_cpu_supports("avx512bw")) cpu.flags.insert("avx512bw");
  if (__builtin_cpu_supports("avx512vl")) cpu.flags.insert("avx512vl");
  if (__builtin_cpu_supports("avx512dq")) cpu.flags.insert("avx512dq");
  if (__builtin_cpu_supports("avx512cd")) cpu.flags.insert("avx512cd");
  return cpu;
}

std::string canonical_core_name(std::string_view name) {
  for (const CoreInfo& core : kCores)
    if (same_name(name, core.name)) return core.name;
  return "";
}

int core_tier(std::string_view core) {
  for (const CoreInfo& info : kCores)
    if (same_name(core, info.name)) return info.tier;
  return 0;
}

bool cpu_runs_core(const CpuFeatures& cpu, std::string_view core) {
  const std::string name = canonical_core_name(core);
  if (name == "Cooperlake") return cpu_runs_core(cpu, "SkylakeX") && cpu.has("avx512_bf16");
  if (name == "SapphireRapids")
    return cpu_runs_core(cpu, "Cooperlake") && cpu.has("amx_tile") && cpu.has("avx512_fp16");
  if (name == "Bulldozer" || name == "Piledriver" || name == "Steamroller" || name == "Excavator")
    return cpu.has("avx") && cpu.has("fma4");
  switch (core_tier(name)) {
    case 4:
      return cpu.has("avx512f") && cpu.has("avx512bw") && cpu.has("avx512vl") &&
             cpu.has("avx512dq") && cpu.has("avx512cd") && cpu_runs_core(cpu, "Haswell");
    case 3:
      return cpu.has("avx2") && cpu.has("fma") && cpu.has("avx");
    case 2:
      return cpu.has("avx");
    case 1:
      return true;  // every x86-64 CPU has SSE2/SSE3
    default:
      return false;
  }
}

std::string preferred_core(const CpuFeatures& cpu) {
  for (const char* core : {"SkylakeX", "Haswell", "Sandybridge"})
    if (cpu_runs_core(cpu, core)) return core;
  return "";
}

KernelDecision decide_blas_kernel(const KernelRequest& request) {
  const std::string& current = request.current_core;
  if (!request.user_coretype.empty())
    return {"", cat("OPENBLAS_CORETYPE=", request.user_coretype, " set by the user")};
  if (request.mode == "default") return {"", "default: kernel selection off"};
  if (request.mode == "auto") {
    const std::string best = preferred_core(request.cpu);
    if (core_tier(current) == 0)  // a core this table does not know: newer than 0.3.21, keep it
      return {"", "auto: OpenBLAS default kept (core not in the table)"};
    if (best.empty() || core_tier(current) >= core_tier(best))
      return {"", "auto: OpenBLAS default kept"};
    return {best, cat("auto: default was ", current)};
  }
  const std::string wanted = canonical_core_name(request.mode);
  require(!wanted.empty(), cat("select_blas_kernel(): unknown BLAS kernel (", request.mode,
                               "); use auto, default or an OpenBLAS core name such as SkylakeX, "
                               "Haswell, Zen, Sandybridge, Prescott"));
  require(
      cpu_runs_core(request.cpu, wanted),
      cat("select_blas_kernel(): this CPU lacks the instructions of BLAS kernel (", wanted, ")"));
  if (same_name(wanted, current)) return {"", cat("requested ", wanted, ", the default")};
  return {wanted, cat("requested ", wanted, "; default was ", current)};
}

void select_blas_kernel(int argc, char** argv, const std::string& mode, std::ostream* log) {
  const std::string core = blas_core();
  const bool can_exec = argc > 0 && argv != nullptr && argv[0] != nullptr;
  std::string reason;
  const std::string marker = env_or_empty(kMarker);
  if (!marker.empty()) {  // a re-executed process: the kernel was asked for by us
    std::vector<std::string> parts;
    std::istringstream in(marker);
    for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
    parts.resize(3);
    const std::string requested = env_or_empty("OPENBLAS_CORETYPE");
    const bool fallback = parts[0] == "fallback";
    const bool ok = blas_products_correct();
    if (fallback) {
      reason = cat("default: reference check failed on ", parts[2], ok ? "" : "; FAILS here too");
    } else if (!ok && can_exec && !requested.empty()) {
      std::cerr << "blas: kernel " << core << " fails the reference check; back to the default\n";
      reexec(argv, "", cat("fallback,", parts[1], ",", core));
      reason =
          cat(parts[0], ": default was ", parts[1], "; REFERENCE CHECK FAILED, re-exec failed");
    } else {
      reason = parts[0] == "auto" ? std::string("auto: ") : cat("requested ", requested, "; ");
      if (!same_name(requested, core))
        reason += cat("OpenBLAS gave ", core, " for ", requested, "; ");
      reason += cat("default was ", parts[1], ok ? "" : "; REFERENCE CHECK FAILED");
    }
  } else {
    const std::string env_mode = env_or_empty("LW_BLAS_KERNEL");
    const std::string effective = !mode.empty() ? mode : !env_mode.empty() ? env_mode : "auto";
    const KernelDecision decision =
        decide_blas_kernel({.cpu = cpu_features(),
                            .current_core = core,
                            .mode = effective,
                            .user_coretype = env_or_empty("OPENBLAS_CORETYPE")});
    if (!decision.coretype.empty() && can_exec)
      reexec(argv, decision.coretype, cat(effective == "auto" ? "auto" : "requested", ",", core));
    reason = decision.coretype.empty() ? decision.reason
                                       : cat(decision.reason, "; ", decision.coretype,
                                             " NOT applied (could not re-execute)");
    if (!blas_products_correct()) reason += "; REFERENCE CHECK FAILED";
  }
  g_note = cat(core, " (", reason, ")");
  if (log)
    *log << "blas: " << version_of(blas_config()) << ", kernel " << g_note << ", "
         << blas_threads() << (blas_threads() == 1 ? " thread" : " threads") << std::endl;
}

std::string blas_kernel_note() {
  if (!g_note.empty()) return g_note;
  return cat(blas_core(), " (OpenBLAS default; select_blas_kernel() not called)");
}

}  // namespace lw
