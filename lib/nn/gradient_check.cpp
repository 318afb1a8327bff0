#include "layerwise/nn/gradient_check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "layerwise/core/check.hpp"

namespace lw {

arma::mat numeric_gradient(const std::function<double()>& f, arma::mat& param, double eps) {
  arma::mat g(arma::size(param));
  for (arma::uword i = 0; i < param.n_elem; ++i) {
    const double saved = param[i];
    param[i] = saved + eps;
    const double up = f();
    param[i] = saved - eps;
    const double down = f();
    param[i] = saved;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

double max_relative_error(const arma::mat& analytic, const arma::mat& numeric, double floor) {
  require(arma::size(analytic) == arma::size(numeric),
          cat("max_relative_error(): shapes differ (", analytic.n_rows, "x", analytic.n_cols,
              " vs ", numeric.n_rows, "x", numeric.n_cols, ")"));
  double worst = 0;
  for (arma::uword i = 0; i < analytic.n_elem; ++i) {
    const double denom = std::max(std::abs(analytic[i]) + std::abs(numeric[i]), floor);
    worst = std::max(worst, std::abs(analytic[i] - numeric[i]) / denom);
  }
  return worst;
}

GradientCheck check_network_gradients(Network<double> net, const arma::mat& X, const arma::mat& Y,
                                      double eps) {
  Trace<double> trace;
  Gradients<double> grads;
  forward(net, X, trace);
  const double loss0 = backward(net, trace, Y, grads);
  // Rounding noise of a central difference is about eps_mach |L| / eps (~2e-11 |L| at eps = 1e-5),
  // so entries far below 1e6 times that cannot show a relative error under 1e-6. The floor compares
  // them in absolute terms: an error of 1e-6 then means |analytic - numeric| < ~10x the noise.
  const double noise =
      std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(loss0)) / eps;
  const double floor = std::max(1e-8, 1e7 * noise);
  Trace<double> probe;
  const auto loss = [&] {
    forward(net, X, probe);
    return loss_value(net.loss, probe.output(), Y);
  };
  GradientCheck result;
  const auto record = [&](const arma::mat& analytic, const arma::mat& numeric,
                          const std::string& where) {
    const double err = max_relative_error(analytic, numeric, floor);
    if (err >= result.max_relative_error) {
      result.max_relative_error = err;
      result.worst = where;
    }
  };
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    arma::mat& W = net.layers[l].W;
    record(grads.layers[l].dW, numeric_gradient(loss, W, eps), cat("layer ", l, " W"));
    arma::mat b = net.layers[l].b;  // Col -> Mat view for numeric_gradient
    const auto loss_b = [&] {
      net.layers[l].b = b;
      return loss();
    };
    const arma::mat nb = numeric_gradient(loss_b, b, eps);
    net.layers[l].b = b;
    record(arma::mat(grads.layers[l].db), nb, cat("layer ", l, " b"));
  }
  return result;
}

}  // namespace lw
