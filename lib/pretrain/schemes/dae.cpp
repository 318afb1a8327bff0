// Denoising autoencoder, one layer at a time (Vincent et al. 2008):
//   x~ = x . m, m ~ Bernoulli(1 - corruption)   masking noise, fresh per batch
//        (or x + corruption * N(0, 1); or salt-and-pepper on a fraction `corruption`)
//   h  = act(W x~ + b)                          encoder: becomes the network layer
//   x^ = sigmoid(W' h + c)                      decoder (tied: W' = W^T), dropped afterwards
//   loss = sum_units cross_entropy(x, x^), mean over the batch; the target is the CLEAN x
#include "layerwise/core/check.hpp"
#include "layerwise/pretrain/autoencoder_scheme.hpp"

namespace lw {
namespace {

template <class T>
SchemeResult<T> pretrain_dae(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  AutoencoderConfig config = autoencoder_config(ctx.options);  // tied, loss
  config.noise = parse_noise(ctx.options.text("noise"));
  config.corruption = ctx.options.real("corruption");
  return pretrain_autoencoder(task, ctx, config);  // noise drawn from ctx.fork("noise")
}

std::vector<SchemeOption> dae_options() {
  std::vector<SchemeOption> options = {
      {"corruption", "0.25",
       "noise level: fraction of inputs corrupted (masking, salt_pepper) or the sd (gaussian)"},
      {"noise", "masking", "corruption process", {"masking", "gaussian", "salt_pepper"}}};
  for (auto& o : autoencoder_options()) options.push_back(o);
  return options;
}

void check_dae(const SchemeOptions& o) {
  const double level = o.real("corruption");
  const bool gaussian = o.text("noise") == "gaussian";
  require(level >= 0 && (gaussian || level <= 1),
          cat(o.dotted("corruption"), gaussian ? " must be >= 0 (" : " must be in [0, 1] (", level,
              ")"));
}

}  // namespace

// The registry calls this on first use (see "Built-in schemes" in pretrain/scheme.hpp).
namespace builtin {
Scheme dae() {
  return make_scheme(
    Scheme{.name = "dae",
           .summary = "denoising autoencoder: reconstruct x from corrupted x (Vincent et al. 2008)",
           .options = dae_options(),
           .check = check_dae,
           .check_inputs = check_autoencoder_inputs},
    [](const auto& task, const auto& ctx) { return pretrain_dae(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
