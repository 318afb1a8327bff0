#include "layerwise/train/regularization.hpp"

#include <cmath>

#include "layerwise/core/check.hpp"

namespace lw {

template <class T>
void draw_dropout_masks(const std::vector<double>& rates, const Network<T>& net, arma::uword n,
                        Trace<T>& trace, Rng& rng) {
  require(rates.size() <= net.layers.size(),
          cat("draw_dropout_masks(): ", rates.size(), " rates for ", net.layers.size(), " layers"));
  trace.mask.resize(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const double p = l < rates.size() ? rates[l] : 0.0;
    require(p >= 0 && p < 1, cat("draw_dropout_masks(): rate must be in [0, 1) (", p, ")"));
    arma::Mat<T>& m = trace.mask[l];
    if (p == 0) {
      m.reset();
      continue;
    }
    m.set_size(net.layers[l].fan_in(), n);
    const T keep = static_cast<T>(1.0 / (1.0 - p));
    for (auto& v : m) v = rng.uniform() < p ? T(0) : keep;
  }
}

template <class T>
void apply_max_norm(arma::Mat<T>& W, double c) {
  require(c > 0, cat("apply_max_norm(): the bound must be > 0 (", c, ")"));
  for (arma::uword i = 0; i < W.n_rows; ++i) {
    double sq = 0;
    for (arma::uword j = 0; j < W.n_cols; ++j) sq += static_cast<double>(W(i, j)) * W(i, j);
    const double norm = std::sqrt(sq);
    if (norm > c) W.row(i) *= static_cast<T>(c / norm);
  }
}

template void draw_dropout_masks(const std::vector<double>&, const Network<float>&, arma::uword,
                                 Trace<float>&, Rng&);
template void draw_dropout_masks(const std::vector<double>&, const Network<double>&, arma::uword,
                                 Trace<double>&, Rng&);
template void apply_max_norm(arma::Mat<float>&, double);
template void apply_max_norm(arma::Mat<double>&, double);

}  // namespace lw
