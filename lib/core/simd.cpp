#include "layerwise/core/simd.hpp"

#include <cstdlib>
#include <iostream>

namespace lw {

std::string to_string(SimdPath path) {
  switch (path) {
    case SimdPath::avx512: return "avx512";
    case SimdPath::avx2: return "avx2";
    case SimdPath::baseline: return "baseline";
  }
  return "baseline";
}

std::optional<SimdPath> parse_simd_path(std::string_view name) {
  for (SimdPath p : {SimdPath::baseline, SimdPath::avx2, SimdPath::avx512})
    if (to_string(p) == name) return p;
  return std::nullopt;
}

bool cpu_runs(SimdPath path) {
#if LW_HAVE_SIMD_PATHS
  switch (path) {
    case SimdPath::avx512: return __builtin_cpu_supports("avx512f");
    case SimdPath::avx2: return __builtin_cpu_supports("avx2");
    case SimdPath::baseline: return true;
  }
  return false;
#else
  return path == SimdPath::baseline;
#endif
}

SimdPath widest_simd_path() {
  if (cpu_runs(SimdPath::avx512)) return SimdPath::avx512;
  if (cpu_runs(SimdPath::avx2)) return SimdPath::avx2;
  return SimdPath::baseline;
}

SimdPath simd_path() {
  static const SimdPath chosen = [] {
    const char* env = std::getenv("LW_SIMD");
    if (!env || !*env) return widest_simd_path();
    const auto path = parse_simd_path(env);
    if (!path || !cpu_runs(*path)) {
      std::cerr << "layerwise: LW_SIMD=" << env << " ignored: "
                << (path ? "this CPU does not run it" : "not avx512, avx2 or baseline") << "; using "
                << to_string(widest_simd_path()) << "\n";
      return widest_simd_path();
    }
    return *path;
  }();
  return chosen;
}

}  // namespace lw
