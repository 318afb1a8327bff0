#pragma once
// Weight initializers, in a registry (README, Extending). Each draws a fan_out x fan_in
// matrix in double from the Rng it is given (so float and double networks of one seed start from
// the same weights, rounded). Biases always start at zero.
//   uniform         U(-1/sqrt(fan_in), +1/sqrt(fan_in))          the classic heuristic
//   uniform_scaled  U(-a, +a),  a = scale (default 0.05)
//   normal          N(0, sigma^2), sigma = scale (default 0.01)
//   xavier          U(-r, r), r = sqrt(6 / (fan_in + fan_out))   Glorot & Bengio 2010, "normalized"
//   xavier_normal   N(0, 2 / (fan_in + fan_out))
//   he              N(0, 2 / fan_in)                             He et al. 2015
//   he_uniform      U(-r, r), r = sqrt(6 / fan_in)
//   lecun           N(0, 1 / fan_in)
//   orthogonal      the Q of a QR factorisation of a Gaussian matrix, times scale (default 1)
//   zeros           all zero
// Adding one: a function and one register_initializer() call (e.g. at the bottom of init.cpp).
#include <armadillo>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/activation.hpp"

namespace lw {

struct InitArgs {
  arma::uword fan_in = 0;
  arma::uword fan_out = 0;
  Activation act = Activation::sigmoid;  // of the layer being initialised
  double scale = std::numeric_limits<double>::quiet_NaN();  // NaN: the initializer's default
};

struct Initializer {
  std::string name;
  std::string summary;
  std::function<arma::mat(const InitArgs&, Rng&)> draw;  // returns fan_out x fan_in
};

bool register_initializer(Initializer init);  // throws if the name is taken
const std::vector<Initializer>& initializers();
bool has_initializer(std::string_view name);
std::string initializer_names();  // "uniform, xavier, ...", in registration order
const Initializer& find_initializer(std::string_view name);  // throws, listing the known names

// Draws W with the named initializer and converts it to T.
template <class T>
arma::Mat<T> init_weights(std::string_view name, const InitArgs& args, Rng& rng);

}  // namespace lw
