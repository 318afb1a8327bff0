#include "bench_simd.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "bench_util.hpp"
#include "layerwise/train/optimizer.hpp"

namespace lw::bench {

std::vector<SgdPathTiming> time_sgd_paths(arma::uword n, int pairs) {
  arma::fvec p(n, arma::fill::randu), g(n, arma::fill::randn);
  p -= 0.5f;
  std::vector<SgdPathTiming> out;
  double sink = 0;
  for (const auto path : {lw::SimdPath::baseline, lw::SimdPath::avx2, lw::SimdPath::avx512}) {
    if (!lw::cpu_runs(path)) continue;
    std::vector<double> plain, measured, ratio;
    const auto once = [&](bool measure) {
      const auto t0 = std::chrono::steady_clock::now();
      sink += lw::sgd_kernel(path, p.memptr(), g.memptr(), n, 1e-6f, 1.0f, 0.0f, measure).grad_sq;
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    once(false);  // warm
    for (int r = 0; r < pairs; ++r) {
      double a, b;
      if (r % 2 == 0) {
        a = once(false);
        b = once(true);
      } else {
        b = once(true);
        a = once(false);
      }
      plain.push_back(a);
      measured.push_back(b);
      ratio.push_back(b / a);
    }
    out.push_back({path, 1e3 * median(plain), 1e3 * median(measured), median(ratio)});
  }
  if (sink == 42.0) std::printf(" ");
  return out;
}

void print_sgd_paths(const std::vector<SgdPathTiming>& timings, arma::uword n) {
  std::printf("SGD update kernel by SIMD path (%.2f M float parameters; training takes %s%s)\n",
              static_cast<double>(n) / 1e6, lw::to_string(lw::simd_path()).c_str(),
              std::getenv("LW_SIMD") ? ", set by LW_SIMD" : ", the widest this CPU runs");
  std::printf("  %-10s %12s %14s %18s\n", "path", "plain ms", "measured ms", "measured / plain");
  for (const auto& t : timings)
    std::printf("  %-10s %12.3f %14.3f %18.3f\n", lw::to_string(t.path).c_str(), t.plain_ms,
                t.measured_ms, t.ratio);
  std::printf("\n");
}

}  // namespace lw::bench
