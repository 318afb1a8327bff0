// Sparse autoencoder, one layer at a time (Ng, CS294A lecture notes 2011; Lee et al. 2008):
//   h  = sigmoid(W x + b),  x^ = sigmoid(W' h + c)        (tied: W' = W^T)
//   rho^_j = mean over the batch of h_j                     average activation of hidden unit j
//   loss = mean_batch sum_units cross_entropy(x, x^) + beta sum_j KL(rho || rho^_j)
//   KL(rho || r) = rho log(rho / r) + (1 - rho) log((1 - rho) / (1 - r))
// Defaults rho = 0.05, beta = 3 (the values of Ng's notes); needs sigmoid hidden units.
#include "layerwise/core/check.hpp"
#include "layerwise/pretrain/autoencoder_scheme.hpp"

namespace lw {
namespace {

template <class T>
SchemeResult<T> pretrain_sparse_ae(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  AutoencoderConfig config = autoencoder_config(ctx.options);  // tied, loss
  config.sparsity_target = ctx.options.real("rho");
  config.sparsity_weight = ctx.options.real("beta");
  return pretrain_autoencoder(task, ctx, config);
}

std::vector<SchemeOption> sparse_ae_options() {
  std::vector<SchemeOption> options = {
      {"rho", "0.05", "target mean activation of each hidden unit, in (0, 1)"},
      {"beta", "3.0", "weight of the KL sparsity penalty, >= 0"}};
  for (auto& o : autoencoder_options()) options.push_back(o);
  return options;
}

void check_sparse_ae(const SchemeOptions& o) {
  const double rho = o.real("rho"), beta = o.real("beta");
  require(rho > 0 && rho < 1, cat(o.dotted("rho"), " must be in (0, 1) (", rho, ")"));
  require(beta >= 0, cat(o.dotted("beta"), " must be >= 0 (", beta, ")"));
}

// The KL penalty is on mean activations in (0, 1): sigmoid units only.
void check_sparse_ae_inputs(const SchemeOptions& o, const SchemeInputs& inputs) {
  require(o.real("beta") == 0 || inputs.act == Activation::sigmoid,
          cat(o.dotted("beta"), " > 0 needs sigmoid hidden units, not ", to_string(inputs.act), " (or set ",
              o.dotted("beta"), " = 0)"));
  check_autoencoder_inputs(o, inputs);
}

}  // namespace

// The registry calls this on first use (see "Built-in schemes" in pretrain/scheme.hpp).
namespace builtin {
Scheme sparse_ae() {
  return make_scheme(
    Scheme{.name = "sparse_ae",
           .summary = "sparse autoencoder, KL penalty on mean hidden activations (Ng 2011); "
                      "sigmoid units",
           .options = sparse_ae_options(),
           .check = check_sparse_ae,
           .check_inputs = check_sparse_ae_inputs},
    [](const auto& task, const auto& ctx) { return pretrain_sparse_ae(task, ctx); });
}
}  // namespace builtin
}  // namespace lw
