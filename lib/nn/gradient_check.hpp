#pragma once
// Finite-difference gradient checks, in double precision.
//   numeric dL/dp_i = (L(p + eps e_i) - L(p - eps e_i)) / (2 eps)      (central differences)
//   relative error  = |analytic - numeric| / max(|analytic| + |numeric|, floor)
// The floor keeps entries whose true gradient is ~0 from dominating through rounding noise.
#include <armadillo>
#include <functional>
#include <string>

#include "layerwise/nn/network.hpp"

namespace lw {

struct GradientCheck {
  double max_relative_error = 0;
  std::string worst;  // where the largest error is, e.g. "layer 1 W(3, 2)"
};

// Central-difference gradient of f with respect to every element of param (param is restored).
arma::mat numeric_gradient(const std::function<double()>& f, arma::mat& param, double eps = 1e-5);

// max over elements of the relative error between two gradients of one shape.
double max_relative_error(const arma::mat& analytic, const arma::mat& numeric,
                          double floor = 1e-8);

// Checks backward() for every W and b of net against central differences of the loss on (X, Y).
// The floor is set from the rounding noise of the differences, 1e7 eps_mach max(1, |L|) / eps
// (about 2e-4 |L| at eps = 1e-5), so tiny entries (deep layers) are judged in absolute terms.
GradientCheck check_network_gradients(Network<double> net, const arma::mat& X, const arma::mat& Y,
                                      double eps = 1e-5);

}  // namespace lw
