// Layer-sequential unit-variance initialisation (Mishkin & Matas 2016, "All you need is a good
// init"), the cheapest layer-wise baseline against pretraining: no training loop, layer by layer
//   W = an orthonormal matrix (start = orthogonal; or the arm's encoder, start = encoder), b = 0
//   on `batch` examples of the layer's input x (drawn from ctx.fork("batch")), repeat
//     v = Var(W x + b), over every unit and example of the batch (the pre-activations)
//     stop if |v - 1| < tol or after max_iter rescalings;  W = W / sqrt(v)
// The reported loss is |Var(W x + b) - 1| over the whole training set (and the validation set).
#include <algorithm>
#include <cmath>

#include "layerwise/core/check.hpp"
#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace lw {
namespace {

// Variance of every entry of W X + b (population variance, summed in double), in column chunks so
// that a whole training set's pre-activations are never held at once.
template <class T>
double preactivation_variance(const DenseLayer<T>& layer, const arma::Mat<T>& X) {
  constexpr arma::uword chunk = 4096;
  double sum = 0, sum_sq = 0;
  for (arma::uword first = 0; first < X.n_cols; first += chunk) {
    const arma::uword last = std::min(X.n_cols, first + chunk) - 1;
    const arma::Mat<T> Z = (layer.W * X.cols(first, last)).eval().each_col() + layer.b;
    for (const T z : Z) {
      sum += static_cast<double>(z);
      sum_sq += static_cast<double>(z) * static_cast<double>(z);
    }
  }
  const double count = static_cast<double>(X.n_cols) * static_cast<double>(layer.W.n_rows);
  const double mean = sum / count;
  return std::max(0.0, sum_sq / count - mean * mean);
}

template <class T>
SchemeResult<T> pretrain_lsuv(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  const SchemeOptions& o = ctx.options;
  DenseLayer<T> layer;
  if (o.text("start") == "orthogonal") {
    Rng rng = ctx.fork("orthogonal");
    layer = make_layer<T>(task.fan_in(), task.fan_out, task.act, "orthogonal", 1.0, rng);
  } else {
    layer = initial_encoder(task, ctx);
  }
  layer.b.zeros();
  const arma::uword n = task.X.n_cols;
  const arma::uword m = std::min<arma::uword>(n, static_cast<arma::uword>(o.integer("batch")));
  Rng batch_rng = ctx.fork("batch");
  const arma::uvec pick = permutation(n, batch_rng).head(m);
  const arma::Mat<T> batch = task.X.cols(pick);
  const double tol = o.real("tol");
  TrainResult fit = ctx.closed_form([&] {
    for (long iter = 0; iter < o.integer("max_iter"); ++iter) {
      const double v = preactivation_variance(layer, batch);
      if (!(v > 0) || !std::isfinite(v) || std::abs(v - 1) < tol) break;  // a constant input stays
      layer.W /= static_cast<T>(std::sqrt(v));
    }
    const double valid =
        task.X_valid ? std::abs(preactivation_variance(layer, *task.X_valid) - 1) : nan_value;
    return std::pair{std::abs(preactivation_variance(layer, task.X) - 1), valid};
  });
  return {std::move(layer), std::move(fit)};
}

void check_lsuv(const SchemeOptions& o) {
  require(o.real("tol") > 0, cat(o.dotted("tol"), " must be > 0 (", o.real("tol"), ")"));
  require(o.integer("max_iter") >= 1, cat(o.dotted("max_iter"), " must be >= 1 (", o.integer("max_iter"), ")"));
  require(o.integer("batch") >= 2, cat(o.dotted("batch"), " must be >= 2 (", o.integer("batch"), ")"));
}

}  // namespace

namespace builtin {
Scheme lsuv() {
  return make_scheme(
      Scheme{.name = "lsuv",
             .summary = "layer-sequential unit variance: orthonormal weights rescaled to unit "
                        "pre-activation variance, no training (Mishkin & Matas 2016)",
             .options = {{"start", "orthogonal",
                          "orthogonal (an orthonormal matrix) or encoder (the arm's encoder, --pretrain_init)",
                          {"orthogonal", "encoder"}},
                         {"tol", "0.1", "stop when |Var(W x + b) - 1| < tol, > 0"},
                         {"max_iter", "10", "at most this many rescalings, >= 1"},
                         {"batch", "256", "examples the variance is measured on (clamped to the "
                                          "training set), >= 2"}},
             .closed_form = true,
             .check = check_lsuv},
      [](const auto& task, const auto& ctx) { return pretrain_lsuv(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
