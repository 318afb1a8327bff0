#include "layerwise/io/split.hpp"

#include <cmath>
#include <vector>

#include "layerwise/core/check.hpp"

namespace lw {

Split carve_split(Dataset pool, std::optional<Dataset> test_pool, const DataConfig& c,
                  std::optional<arma::uword> default_n_valid, Rng& rng) {
  const std::string fn = "carve_split(): ";
  const auto fraction = [](double f, arma::uword n) { return static_cast<arma::uword>(std::llround(f * n)); };
  if (c.shuffle) {
    const arma::uvec order = permutation(pool.n_examples(), rng);
    pool.X = pool.X.cols(order);
    pool.y = pool.y.elem(order);
  }
  Split s;
  arma::uword n = pool.n_examples();
  if (test_pool) {
    require(c.n_test <= test_pool->n_examples(), cat(fn, "data.n_test = ", c.n_test, " exceeds the ",
                                                     test_pool->n_examples(), " examples of the test file"));
    s.test = c.n_test ? take_columns(*test_pool, 0, c.n_test) : std::move(*test_pool);
  } else {
    const arma::uword n_test = c.n_test ? c.n_test : fraction(0.2, n);
    require(n_test < n, cat(fn, "data.n_test = ", n_test, " leaves nothing of the ", n,
                            " examples of the training file"));
    s.test = take_columns(pool, n - n_test, n_test);
    n -= n_test;
  }
  arma::uword n_valid = 0;
  if (c.valid_fraction > 0) n_valid = fraction(c.valid_fraction, n);
  else if (c.n_valid >= 0) n_valid = static_cast<arma::uword>(c.n_valid);
  else n_valid = default_n_valid ? *default_n_valid : fraction(0.2, n);
  require(n_valid < n, cat(fn, "data.n_valid = ", n_valid, " leaves nothing for training of the ", n,
                           " examples available"));
  require(c.n_train <= n - n_valid, cat(fn, "data.n_train = ", c.n_train, " exceeds the ", n - n_valid,
                                        " examples left after ", n_valid, " for validation"));
  const arma::uword n_train = c.n_train ? c.n_train : n - n_valid;
  s.valid = take_columns(pool, n - n_valid, n_valid);
  keep_leading_columns(pool, n_train);  // no second copy of the training set
  s.train = std::move(pool);
  return s;
}

void standardize(Split& s) {
  const arma::fmat& X = s.train.X;
  const arma::uword d = X.n_rows, n = X.n_cols;
  require(n > 0, "standardize(): the training set is empty");
  std::vector<double> sum(d, 0.0), sum2(d, 0.0);
  for (arma::uword j = 0; j < n; ++j) {
    const float* x = X.colptr(j);
    for (arma::uword i = 0; i < d; ++i) sum[i] += x[i];
  }
  for (arma::uword i = 0; i < d; ++i) sum[i] /= n;   // now the mean
  for (arma::uword j = 0; j < n; ++j) {
    const float* x = X.colptr(j);
    for (arma::uword i = 0; i < d; ++i) sum2[i] += (x[i] - sum[i]) * (x[i] - sum[i]);
  }
  std::vector<float> mean(d), scale(d);
  for (arma::uword i = 0; i < d; ++i) {
    const double sd = std::sqrt(sum2[i] / n);
    mean[i] = static_cast<float>(sum[i]);
    scale[i] = sd > 0 ? static_cast<float>(1.0 / sd) : 1.0f;
  }
  for (Dataset* part : {&s.train, &s.valid, &s.test}) {
    require(part->X.n_rows == d, cat("standardize(): ", part->X.n_rows, " features, expected ", d));
    for (arma::uword j = 0; j < part->X.n_cols; ++j) {
      float* x = part->X.colptr(j);
      for (arma::uword i = 0; i < d; ++i) x[i] = (x[i] - mean[i]) * scale[i];
    }
  }
}

}  // namespace lw
