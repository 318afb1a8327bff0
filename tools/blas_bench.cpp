// lw_blas_bench: sgemm speed of the running OpenBLAS kernel on the products of one MLP epoch.
//
// Network 784-1000-1000-1000-10, batch B = 128, one example per column, W_l: fan_out x fan_in.
// Per layer l (fan_in -> fan_out) and batch:
//   forward   Z = W A          (fan_out x fan_in) (fan_in x B)        sgemm N/N
//   backward  dW = delta A^T   (fan_out x B) (B x fan_in)            sgemm N/T
//             dA = W^T delta   (fan_in x fan_out) (fan_out x B)      sgemm T/N  (not for layer 0)
// Each product costs 2 m n k flops. An epoch of 60,000 examples is 469 batches (the last one has
// 96 examples; counted as full here, so the figure is a GEMM-only lower bound on the epoch time).
//
// Usage: lw_blas_bench [--blas-kernel auto|default|<core>] [--repeats N] [--threads N]
// Without --blas-kernel it does NOT select (measures the kernel OpenBLAS loaded with, so
// OPENBLAS_CORETYPE=<core> lw_blas_bench measures <core>); the default is "default".
#include <algorithm>
#include <armadillo>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/blas.hpp"
#include "core/blas_kernel.hpp"
#include "core/random.hpp"

namespace {

struct Product {
  std::string what;
  char ta, tb;
  arma::blas_int m, n, k;
};

double seconds_per_product(const Product& p, int repeats, lw::Rng& rng) {
  arma::fmat A(p.ta == 'T' ? p.k : p.m, p.ta == 'T' ? p.m : p.k);
  arma::fmat B(p.tb == 'T' ? p.n : p.k, p.tb == 'T' ? p.k : p.n);
  arma::fmat C(p.m, p.n, arma::fill::zeros);
  lw::fill_uniform(A, rng, -1.0, 1.0);
  lw::fill_uniform(B, rng, -1.0, 1.0);
  const float one = 1, zero = 0;
  const arma::blas_int lda = static_cast<arma::blas_int>(A.n_rows);
  const arma::blas_int ldb = static_cast<arma::blas_int>(B.n_rows);
  auto run = [&] {
    arma::blas::gemm<float>(&p.ta, &p.tb, &p.m, &p.n, &p.k, &one, A.memptr(), &lda, B.memptr(),
                            &ldb, &zero, C.memptr(), &p.m);
  };
  for (int i = 0; i < 3; ++i) run();  // warm-up: thread pool, caches
  double best = 1e30;                 // best of `repeats` timings of 5 products each
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) run();
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    best = std::min(best, dt.count() / 5);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = "default";
  int repeats = 7, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--blas-kernel") == 0)
      mode = argv[i + 1];
    else if (std::strcmp(argv[i], "--repeats") == 0)
      repeats = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--threads") == 0)
      threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--blas-kernel MODE] [--repeats N] [--threads N]\n", argv[0]);
      return 2;
    }
  }
  lw::select_blas_kernel(argc, argv, mode);
  if (threads > 0) lw::set_blas_threads(threads);

  const std::vector<arma::blas_int> sizes = {784, 1000, 1000, 1000, 10};
  const arma::blas_int batch = 128;
  std::vector<Product> products;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const arma::blas_int fan_in = sizes[l], fan_out = sizes[l + 1];
    const std::string layer =
        "L" + std::to_string(l) + " " + std::to_string(fan_in) + "->" + std::to_string(fan_out);
    products.push_back({layer + " fwd W*A", 'N', 'N', fan_out, batch, fan_in});
    products.push_back({layer + " dW=d*A^T", 'N', 'T', fan_out, fan_in, batch});
    if (l > 0) products.push_back({layer + " dA=W^T*d", 'T', 'N', fan_in, batch, fan_out});
  }

  lw::Rng rng = lw::make_rng(1, "bench/blas");
  std::printf("kernel: %s\nthreads: %d\nreference check: %s\n", lw::blas_kernel_note().c_str(),
              lw::blas_threads(), lw::blas_products_correct() ? "pass" : "FAIL");
  std::printf("%-24s %5s %6s %6s %6s %10s %9s\n", "product", "flags", "m", "n", "k", "ms",
              "GFLOP/s");
  double batch_seconds = 0, batch_flops = 0;
  for (const Product& p : products) {
    const double s = seconds_per_product(p, repeats, rng);
    const double flops = 2.0 * p.m * p.n * p.k;
    batch_seconds += s;
    batch_flops += flops;
    std::printf("%-24s %c/%c   %6d %6d %6d %10.3f %9.1f\n", p.what.c_str(), p.ta, p.tb, p.m, p.n,
                p.k, 1e3 * s, flops / s * 1e-9);
  }
  const int batches = (60000 + batch - 1) / batch;
  std::printf("one batch: %.3f ms, %.1f GFLOP/s overall\n", 1e3 * batch_seconds,
              batch_flops / batch_seconds * 1e-9);
  std::printf("epoch GEMM lower bound (%d batches of %d): %.2f s\n", batches, batch,
              batches * batch_seconds);
  return 0;
}
