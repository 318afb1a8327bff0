// Greedy supervised layer-wise pretraining (Bengio et al. 2007, section 3.2):
//   h = act(W x + b)                       the new layer, on the clean output of the layers below
//   o = V h + d,  loss = softmax cross-entropy(o, y)     a temporary head, dropped afterwards
// Both are trained together with the network objective (train/network_objective.hpp) on the
// labels; only (W, b) is kept. The head starts from ctx.fork("head"),
// "pretrain/supervised/head" (core/streams.hpp).
#include <limits>

#include "layerwise/core/check.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/scheme.hpp"
#include "layerwise/train/network_objective.hpp"

namespace lw {
namespace {

template <class T>
arma::Mat<T> one_hot_targets(const arma::uvec& labels, arma::uword n_classes) {
  arma::Mat<T> Y(n_classes, labels.n_elem, arma::fill::zeros);
  for (arma::uword j = 0; j < labels.n_elem; ++j) {
    require(labels[j] < n_classes,
            cat("supervised: label ", labels[j], " >= n_classes ", n_classes));
    Y(labels[j], j) = T(1);
  }
  return Y;
}

template <class T>
SchemeResult<T> pretrain_supervised(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  Rng head_rng = ctx.fork("head");
  Network<T> net;
  net.loss = Loss::softmax_cross_entropy;
  net.layers = {initial_encoder(task, ctx),
                make_layer<T>(task.fan_out, task.n_classes, Activation::identity, "xavier",
                              std::numeric_limits<double>::quiet_NaN(), head_rng)};
  const arma::Mat<T> Y = one_hot_targets<T>(*task.labels, task.n_classes);
  arma::Mat<T> Y_valid;
  if (task.X_valid) Y_valid = one_hot_targets<T>(*task.valid_labels, task.n_classes);
  NetworkObjective<T> objective(net, {}, ctx.fork("dropout"));
  const TrainData<T> data{
      .X = task.X, .Y = Y, .X_valid = task.X_valid, .Y_valid = task.X_valid ? &Y_valid : nullptr};
  Rng shuffle = ctx.fork("shuffle");
  TrainResult result =
      train(objective, data, ctx.train_config(task.X.n_cols), shuffle, ctx.phase(), ctx.hooks());
  return {net.layers.front(), std::move(result)};
}

}  // namespace

// The registry calls this on first use (see "Built-in schemes" in pretrain/scheme.hpp).
namespace builtin {
Scheme supervised() {
  return make_scheme(
    Scheme{.name = "supervised",
           .summary = "greedy supervised: each layer trained under a temporary softmax head "
                      "(Bengio et al. 2007)",
           .options = {},
           .needs_labels = true},
    [](const auto& task, const auto& ctx) { return pretrain_supervised(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
