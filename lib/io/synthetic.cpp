#include "layerwise/io/synthetic.hpp"

#include <vector>

#include "layerwise/core/check.hpp"

namespace lw {

Dataset make_bars_stripes(arma::uword n_examples, arma::uword size, double flip, Rng& rng) {
  require(size >= 2, cat("make_bars_stripes(): size must be >= 2 (", size, ")"));
  require(flip >= 0 && flip <= 0.5, cat("make_bars_stripes(): flip must be in [0, 0.5] (", flip, ")"));
  Dataset d;
  d.X.set_size(size * size, n_examples);
  d.y.set_size(n_examples);
  d.n_classes = 2;
  d.image_rows = d.image_cols = size;
  std::vector<int> on(size);
  for (arma::uword j = 0; j < n_examples; ++j) {
    const arma::uword label = rng.bernoulli(0.5) ? 1 : 0;
    arma::uword n_on = 0;
    do {
      n_on = 0;
      for (auto& v : on) n_on += (v = rng.bernoulli(0.5) ? 1 : 0);
    } while (n_on == 0 || n_on == size);
    for (arma::uword r = 0; r < size; ++r)
      for (arma::uword c = 0; c < size; ++c) {
        int v = on[label == 0 ? r : c];
        if (flip > 0 && rng.bernoulli(flip)) v = 1 - v;
        d.X(r * size + c, j) = static_cast<float>(v);   // row-major pixel order
      }
    d.y[j] = label;
  }
  return d;
}

arma::fmat blob_centres(arma::uword n_classes, arma::uword n_features, double box, Rng& rng) {
  require(n_classes >= 1 && n_features >= 1, cat("blob_centres(): need n_classes >= 1 and n_features >= 1 (",
                                                 n_classes, ", ", n_features, ")"));
  arma::fmat C(n_features, n_classes);
  for (auto& v : C) v = static_cast<float>(rng.uniform(-box, box));
  return C;
}

Dataset make_blobs(const arma::fmat& centres, arma::uword n_examples, double std, Rng& rng) {
  require(centres.n_cols >= 1 && centres.n_rows >= 1, "make_blobs(): no centres");
  require(std > 0, cat("make_blobs(): std must be > 0 (", std, ")"));
  Dataset d;
  d.X.set_size(centres.n_rows, n_examples);
  d.y.set_size(n_examples);
  d.n_classes = centres.n_cols;
  for (arma::uword j = 0; j < n_examples; ++j) {
    const arma::uword k = rng.below(centres.n_cols);
    for (arma::uword i = 0; i < centres.n_rows; ++i)
      d.X(i, j) = centres(i, k) + static_cast<float>(std * rng.normal());
    d.y[j] = k;
  }
  return d;
}

}  // namespace lw
