// Basic autoencoder, one layer at a time (Bengio et al. 2007):
//   h  = act(W x + b)                 encoder: becomes the network layer
//   x^ = sigmoid(W' h + c)            decoder (tied: W' = W^T), dropped afterwards
//   loss = sum_units cross_entropy(x, x^), mean over the batch; inputs in [0, 1]
//   (loss = squared_error: x^ = W' h + c, 1/2 sum_units (x - x^)^2)
#include "layerwise/pretrain/autoencoder_scheme.hpp"

namespace lw {
namespace {

template <class T>
SchemeResult<T> pretrain_ae(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  const AutoencoderConfig config = autoencoder_config(ctx.options);  // tied, loss
  return pretrain_autoencoder(task, ctx, config);
}

}  // namespace

// The registry calls this on first use (see "Built-in schemes" in pretrain/scheme.hpp).
namespace builtin {
Scheme ae() {
  return make_scheme(
    Scheme{.name = "ae",
           .summary = "autoencoder, reconstruction of the clean input (Bengio et al. 2007)",
           .options = autoencoder_options(),
           .check_inputs = check_autoencoder_inputs},
    [](const auto& task, const auto& ctx) { return pretrain_ae(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
