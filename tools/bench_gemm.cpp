#include "bench_gemm.hpp"

#include <algorithm>
#include <chrono>

#include "bench_util.hpp"
#include "core/check.hpp"
#include "core/random.hpp"

namespace lw::bench {

std::vector<Product> mlp_products(const std::vector<arma::uword>& sizes, arma::uword batch) {
  const auto B = static_cast<arma::blas_int>(batch);
  std::vector<Product> products;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const auto fan_in = static_cast<arma::blas_int>(sizes[l]);
    const auto fan_out = static_cast<arma::blas_int>(sizes[l + 1]);
    const std::string layer = cat("L", l, " ", fan_in, "->", fan_out, " ");
    products.push_back({layer + "fwd Z=W*A", 'N', 'N', fan_out, B, fan_in});
    products.push_back({layer + "dW=d*A^T", 'N', 'T', fan_out, fan_in, B});
    if (l > 0) products.push_back({layer + "dA=W^T*d", 'T', 'N', fan_in, B, fan_out});
  }
  return products;
}

std::vector<Product> tied_autoencoder_products(arma::uword n_visible, arma::uword n_hidden,
                                               arma::uword batch) {
  const auto d = static_cast<arma::blas_int>(n_visible);
  const auto h = static_cast<arma::blas_int>(n_hidden);
  const auto B = static_cast<arma::blas_int>(batch);
  return {{"AE H=W*X~", 'N', 'N', h, B, d},
          {"AE O=W^T*H", 'T', 'N', d, B, h},
          {"AE dH=W*dO", 'N', 'N', h, B, d},
          {"AE dW=dH*X~^T", 'N', 'T', h, d, B},
          {"AE dW+=H*dO^T", 'N', 'T', h, d, B, 1}};
}

template <class T>
std::vector<ProductTiming> time_products(const std::vector<Product>& products, int repeats) {
  Rng rng = make_rng(1, "bench/gemm");
  std::vector<ProductTiming> out;
  for (const Product& p : products) {
    arma::Mat<T> A(p.ta == 'T' ? p.k : p.m, p.ta == 'T' ? p.m : p.k);
    arma::Mat<T> B(p.tb == 'T' ? p.n : p.k, p.tb == 'T' ? p.k : p.n);
    arma::Mat<T> C(p.m, p.n, arma::fill::zeros);
    fill_uniform(A, rng, -1.0, 1.0);
    fill_uniform(B, rng, -1.0, 1.0);
    const T one = 1, beta = static_cast<T>(p.beta);
    const auto lda = static_cast<arma::blas_int>(A.n_rows);
    const auto ldb = static_cast<arma::blas_int>(B.n_rows);
    auto run = [&] {
      arma::blas::gemm<T>(&p.ta, &p.tb, &p.m, &p.n, &p.k, &one, A.memptr(), &lda, B.memptr(),
                          &ldb, &beta, C.memptr(), &p.m);
    };
    for (int i = 0; i < 3; ++i) run();  // warm-up: thread pool, caches
    std::vector<double> times, cpu;
    for (int r = 0; r < repeats; ++r) {
      const Stopwatch watch;
      for (int i = 0; i < 5; ++i) run();
      times.push_back(watch.wall() / 5);
      cpu.push_back(watch.cpu() / 5);
    }
    out.push_back({p, median(times), median(cpu)});
  }
  return out;
}

template <class T>
EpochBound epoch_bound(const std::function<std::vector<Product>(arma::uword batch)>& products_of,
                       arma::uword n_examples, arma::uword batch, int repeats) {
  EpochBound bound;
  const arma::uword n_full = n_examples / batch, rest = n_examples % batch;
  bound.full = time_products<T>(products_of(batch), repeats);
  for (const ProductTiming& t : bound.full) {
    bound.seconds += static_cast<double>(n_full) * t.seconds;
    bound.cpu += static_cast<double>(n_full) * t.cpu;
    bound.flops += static_cast<double>(n_full) * t.product.flops();
  }
  if (rest > 0)
    for (const ProductTiming& t : time_products<T>(products_of(rest), repeats)) {
      bound.seconds += t.seconds;
      bound.cpu += t.cpu;
      bound.flops += t.product.flops();
    }
  return bound;
}

template std::vector<ProductTiming> time_products<float>(const std::vector<Product>&, int);
template std::vector<ProductTiming> time_products<double>(const std::vector<Product>&, int);
template EpochBound epoch_bound<float>(const std::function<std::vector<Product>(arma::uword)>&,
                                       arma::uword, arma::uword, int);
template EpochBound epoch_bound<double>(const std::function<std::vector<Product>(arma::uword)>&,
                                        arma::uword, arma::uword, int);

}  // namespace lw::bench
