// pca: a closed-form scheme. The encoder projects onto the input's top principal directions
// (times `gain`, centred); units beyond the input's dimension keep the initial encoder's rows.
#include <layerwise/core/check.hpp>
#include <layerwise/pretrain/scheme.hpp>

namespace {

template <class T>
double residual(const arma::Mat<T>& X, const arma::Mat<T>& V, const arma::Col<T>& mean) {
  const arma::Mat<T> C = X.each_col() - mean;  // mean squared error of the projection
  return arma::accu(arma::square(C - V * (V.t() * C))) / static_cast<double>(X.n_cols);
}

template <class T>
lw::SchemeResult<T> pretrain_pca(const lw::LayerTask<T>& task, const lw::SchemeContext<T>& ctx) {
  lw::DenseLayer<T> layer = lw::initial_encoder(task, ctx);
  lw::TrainResult fit = ctx.closed_form([&] {  // the fit, timed and reported as one epoch
    const arma::Col<T> mean = arma::mean(task.X, 1);
    arma::Col<T> values;
    arma::Mat<T> vectors;  // ascending eigenvalues
    arma::eig_sym(values, vectors, arma::Mat<T>(arma::cov(task.X.t())));
    const arma::uword k = std::min(task.fan_out, task.fan_in());
    const arma::Mat<T> V = vectors.tail_cols(k);
    layer.W.rows(0, k - 1) = static_cast<T>(ctx.options.real("gain")) * arma::flipud(V.t());
    layer.b = -layer.W * mean;
    const double valid = task.X_valid ? residual(*task.X_valid, V, mean) : lw::nan_value;
    return std::pair{residual(task.X, V, mean), valid};
  });
  return {std::move(layer), std::move(fit)};
}

void check_gain(const lw::SchemeOptions& o) {
  if (!(o.real("gain") > 0))
    throw std::invalid_argument(lw::cat(o.dotted("gain"), " must be > 0 (", o.real("gain"), ")"));
}

[[maybe_unused]] const bool registered = lw::register_scheme(lw::make_scheme(
    lw::Scheme{.name = "pca",
               .summary = "closed form: encoders onto the input's principal directions",
               .options = {{"gain", "1.0", "scale of the projection weights, > 0"}},
               .closed_form = true,
               .check = check_gain},
    [](const auto& task, const auto& ctx) { return pretrain_pca(task, ctx); }));

}  // namespace
