// Restricted Boltzmann machine, one layer at a time (Hinton et al. 2006; Bengio et al. 2007):
//   E(v, h) = -h^T W v - b^T h - c^T v,   Bernoulli visible and hidden units
//   p(h | v) = sigmoid(W v + b),  p(v | h) = sigmoid(W^T h + c)
//   CD-k: dW ~ <h v^T>_data - <h v^T>_k-step-reconstruction   (pretrain/rbm_objective.hpp)
// The hidden layer (W, b) becomes the network layer; the visible bias c is dropped. Loss per
// epoch: mean squared reconstruction error of the mean-field reconstruction. Needs sigmoid units.
#include "layerwise/core/check.hpp"
#include "layerwise/pretrain/autoencoder_scheme.hpp"
#include "layerwise/pretrain/rbm_objective.hpp"

namespace lw {
namespace {

template <class T>
SchemeResult<T> pretrain_rbm(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  require(
      task.act == Activation::sigmoid,
      cat("rbm: Bernoulli hidden units need sigmoid hidden layers (", to_string(task.act), ")"));
  const int k = static_cast<int>(ctx.options.integer("k"));
  RbmObjective<T> rbm(initial_encoder(task, ctx), k, ctx.fork("gibbs"));
  TrainResult result = train_reconstruction(rbm, task, ctx);  // the loop drives CD-k updates
  return {rbm.hidden(), std::move(result)};
}

void check_rbm(const SchemeOptions& o) {
  require(o.integer("k") >= 1, cat(o.dotted("k"), " must be >= 1 (", o.integer("k"), ")"));
}

void check_rbm_inputs(const SchemeOptions&, const SchemeInputs& inputs) {
  require(inputs.act == Activation::sigmoid,
          cat("Bernoulli hidden units need sigmoid hidden layers, not ", to_string(inputs.act)));
}

}  // namespace

// The registry calls this on first use (see "Built-in schemes" in pretrain/scheme.hpp).
namespace builtin {
Scheme rbm() {
  return make_scheme(
    Scheme{.name = "rbm",
           .summary = "Bernoulli RBM trained by contrastive divergence CD-k (Hinton 2002); "
                      "sigmoid units",
           .options = {{"k", "1", "Gibbs steps of contrastive divergence"}},
           .check = check_rbm,
           .check_inputs = check_rbm_inputs},
    [](const auto& task, const auto& ctx) { return pretrain_rbm(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
