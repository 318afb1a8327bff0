#include "bench_gemm.hpp"

#include <algorithm>
#include <chrono>

#include "bench_util.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/core/random.hpp"

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

EpochBound median_bound(const std::vector<EpochBound>& bounds) {
  require(!bounds.empty(), "median_bound(): no bounds");
  const auto median_of = [&](const auto& field) {
    std::vector<double> v;
    for (const EpochBound& b : bounds) v.push_back(field(b));
    return median(v);
  };
  EpochBound out = bounds.front();
  out.seconds = median_of([](const EpochBound& b) { return b.seconds; });
  out.cpu = median_of([](const EpochBound& b) { return b.cpu; });
  for (std::size_t i = 0; i < out.full.size(); ++i) {
    out.full[i].seconds = median_of([i](const EpochBound& b) { return b.full.at(i).seconds; });
    out.full[i].cpu = median_of([i](const EpochBound& b) { return b.full.at(i).cpu; });
  }
  return out;
}

namespace {

template <class T>
void gemm(char ta, char tb, const arma::Mat<T>& A, const arma::Mat<T>& B, arma::Mat<T>& C) {
  const arma::blas_int m = static_cast<arma::blas_int>(C.n_rows);
  const arma::blas_int n = static_cast<arma::blas_int>(C.n_cols);
  const arma::blas_int k = static_cast<arma::blas_int>(ta == 'T' ? A.n_rows : A.n_cols);
  const auto lda = static_cast<arma::blas_int>(A.n_rows);
  const auto ldb = static_cast<arma::blas_int>(B.n_rows);
  const T one = 1, zero = 0;
  arma::blas::gemm<T>(&ta, &tb, &m, &n, &k, &one, A.memptr(), &lda, B.memptr(), &ldb, &zero,
                      C.memptr(), &m);
}

// Median seconds of one step's products on batches of `batch`.
template <class T>
double step_order_seconds(const std::vector<arma::uword>& sizes, arma::uword batch, int steps) {
  Rng rng = make_rng(1, "bench/step_order");
  const std::size_t L = sizes.size() - 1;
  std::vector<arma::Mat<T>> W(L), dW(L), Z(L), delta(L);
  for (std::size_t l = 0; l < L; ++l) {
    W[l].set_size(sizes[l + 1], sizes[l]);
    fill_uniform(W[l], rng, -0.1, 0.1);
    dW[l].zeros(sizes[l + 1], sizes[l]);
    Z[l].zeros(sizes[l + 1], batch);
    delta[l].set_size(sizes[l + 1], batch);
    fill_uniform(delta[l], rng, -0.1, 0.1);
  }
  constexpr arma::uword n_inputs = 16;  // input batches cycled through: 6.4 MB at 784 x 128
  arma::Mat<T> inputs(sizes[0], batch * n_inputs);
  fill_uniform(inputs, rng, 0.0, 1.0);
  std::vector<double> times;
  for (int s = -3; s < steps; ++s) {
    const arma::uword first = (static_cast<arma::uword>(s + 3) % n_inputs) * batch;
    const arma::Mat<T> X(inputs.colptr(first), sizes[0], batch, false, true);
    const Stopwatch watch;
    for (std::size_t l = 0; l < L; ++l) gemm('N', 'N', W[l], l == 0 ? X : Z[l - 1], Z[l]);
    for (std::size_t l = L; l-- > 0;) {
      gemm('N', 'T', delta[l], l == 0 ? X : Z[l - 1], dW[l]);
      if (l > 0) gemm('T', 'N', W[l], delta[l], delta[l - 1]);
    }
    if (s >= 0) times.push_back(watch.wall());
  }
  return median(times);
}

}  // namespace

template <class T>
EpochBound step_order_products(const std::vector<arma::uword>& sizes, arma::uword n_examples,
                               arma::uword batch, int steps) {
  EpochBound epoch;
  const arma::uword n_full = n_examples / batch, rest = n_examples % batch;
  epoch.seconds = static_cast<double>(n_full) * step_order_seconds<T>(sizes, batch, steps);
  if (rest > 0) epoch.seconds += step_order_seconds<T>(sizes, rest, steps);
  for (const Product& p : mlp_products(sizes, batch))
    epoch.flops += static_cast<double>(n_full) * p.flops();
  if (rest > 0)
    for (const Product& p : mlp_products(sizes, rest)) epoch.flops += p.flops();
  return epoch;
}

template std::vector<ProductTiming> time_products<float>(const std::vector<Product>&, int);
template std::vector<ProductTiming> time_products<double>(const std::vector<Product>&, int);
template EpochBound epoch_bound<float>(const std::function<std::vector<Product>(arma::uword)>&,
                                       arma::uword, arma::uword, int);
template EpochBound epoch_bound<double>(const std::function<std::vector<Product>(arma::uword)>&,
                                        arma::uword, arma::uword, int);
template EpochBound step_order_products<float>(const std::vector<arma::uword>&, arma::uword,
                                               arma::uword, int);

}  // namespace lw::bench
