// Contractive autoencoder, one layer at a time (Rifai et al. 2011):
//   h  = act(W x + b),  x^ = sigmoid(W' h + c)           (tied: W' = W^T)
//   ||J_f(x)||_F^2 = sum_j f'(z_j)^2 sum_i W_ji^2         sigmoid: f' = h (1 - h); tanh: 1 - h^2
//   loss = mean_batch [ sum_units cross_entropy(x, x^) + lambda ||J_f(x)||_F^2 ]
#include "layerwise/core/check.hpp"
#include "layerwise/pretrain/autoencoder_scheme.hpp"

namespace lw {
namespace {

template <class T>
SchemeResult<T> pretrain_contractive_ae(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  AutoencoderConfig config = autoencoder_config(ctx.options);  // tied, loss
  config.contractive_weight = ctx.options.real("lambda");
  return pretrain_autoencoder(task, ctx, config);
}

std::vector<SchemeOption> contractive_ae_options() {
  std::vector<SchemeOption> options = {
      {"lambda", "0.1", "weight of the Jacobian penalty ||J_f(x)||_F^2, >= 0"}};
  for (auto& o : autoencoder_options()) options.push_back(o);
  return options;
}

void check_contractive_ae(const SchemeOptions& o) {
  const double lambda = o.real("lambda");
  require(lambda >= 0, cat(o.dotted("lambda"), " must be >= 0 (", lambda, ")"));
}

// The Jacobian penalty's derivative is written for sigmoid and tanh units only.
void check_contractive_ae_inputs(const SchemeOptions& o, const SchemeInputs& inputs) {
  require(o.real("lambda") == 0 || inputs.act == Activation::sigmoid || inputs.act == Activation::tanh,
          cat(o.dotted("lambda"), " > 0 needs sigmoid or tanh hidden units, not ", to_string(inputs.act),
              " (or set ", o.dotted("lambda"), " = 0)"));
  check_autoencoder_inputs(o, inputs);
}

}  // namespace

// The registry calls this on first use (see "Built-in schemes" in pretrain/scheme.hpp).
namespace builtin {
Scheme contractive_ae() {
  return make_scheme(
    Scheme{.name = "contractive_ae",
           .summary = "contractive autoencoder, Jacobian norm penalty (Rifai et al. 2011); "
                      "sigmoid or tanh units",
           .options = contractive_ae_options(),
           .check = check_contractive_ae,
           .check_inputs = check_contractive_ae_inputs},
    [](const auto& task, const auto& ctx) { return pretrain_contractive_ae(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
