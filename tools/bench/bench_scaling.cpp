#include "bench_scaling.hpp"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_epoch.hpp"
#include "bench_gemm.hpp"

namespace lw::bench {

void print_scaling(const arma::fmat& X, const arma::fmat& Y, arma::uword n_examples) {
  const arma::uword n = std::min<arma::uword>(n_examples, X.n_cols);
  const arma::fmat Xn = X.cols(0, n - 1), Yn = Y.cols(0, n - 1);
  struct Row {
    std::string axis;
    arma::uword width, batch, depth;
  };
  std::vector<Row> rows;
  for (arma::uword w : {256u, 500u, 1000u, 2000u, 4000u}) rows.push_back({"width", w, 128, 3});
  for (arma::uword b : {16u, 32u, 64u, 256u, 512u, 1024u}) rows.push_back({"batch", 1000, b, 3});
  for (arma::uword d : {1u, 2u, 5u, 10u}) rows.push_back({"depth", 1000, 128, d});
  std::printf("scaling: one float32 epoch of %llu examples against its GEMM bound (sigmoid MLP, "
              "SGD; one axis at a time around width 1000, batch 128, depth 3)\n",
              static_cast<unsigned long long>(n));
  std::printf("  %-6s %6s %6s %6s %10s %10s %8s %9s\n", "axis", "width", "batch", "depth",
              "bound s", "epoch s", "x bound", "GFLOP/s");
  for (const Row& r : rows) {
    std::vector<arma::uword> sizes{784};
    for (arma::uword l = 0; l < r.depth; ++l) sizes.push_back(r.width);
    sizes.push_back(10);
    const auto products = [&](arma::uword b) { return mlp_products(sizes, b); };
    const EpochBound bound = epoch_bound<float>(products, n, r.batch, 3);
    const Timing epoch = mlp_epoch(Xn, Yn, MlpRun{sizes, r.batch, 0, {}});
    std::printf("  %-6s %6llu %6llu %6llu %10.3f %10.3f %8.2f %9.1f\n", r.axis.c_str(),
                static_cast<unsigned long long>(r.width), static_cast<unsigned long long>(r.batch),
                static_cast<unsigned long long>(r.depth), bound.seconds, epoch.wall,
                epoch.wall / bound.seconds, bound.flops / epoch.wall / 1e9);
    std::fflush(stdout);
  }
  std::printf("\n");
}

}  // namespace lw::bench
