#pragma once
// Element-wise activations a = f(z). The derivative is expressed through the output a, so the
// backward pass needs no copy of z:
//   identity   f = z                     f' = 1
//   sigmoid    f = 1 / (1 + e^-z)        f' = a (1 - a)
//   tanh       f = tanh z                f' = 1 - a^2
//   relu       f = max(0, z)             f' = [a > 0]
//   leaky_relu f = z > 0 ? z : 0.01 z    f' = a > 0 ? 1 : 0.01
//   softsign   f = z / (1 + |z|)         f' = (1 - |a|)^2
// Softmax is not here: it lives in the loss, so every activation stays element-wise.
#include <armadillo>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lw {

enum class Activation { identity, sigmoid, tanh, relu, leaky_relu, softsign };

inline constexpr double leaky_relu_slope = 0.01;

Activation parse_activation(std::string_view name);  // throws, listing the known names
std::string to_string(Activation act);
const std::vector<Activation>& all_activations();

// The closed range of f's outputs, infinite ends for unbounded ones: sigmoid [0, 1], tanh and
// softsign [-1, 1], relu [0, inf), identity and leaky_relu (-inf, inf).
std::pair<double, double> output_range(Activation act);

// a(i, j) = f(z(i, j) + b(i)); a may alias z (in place).
template <class T>
void activate(Activation act, const arma::Mat<T>& z, const arma::Col<T>& b, arma::Mat<T>& a);

// a = f(z) in place.
template <class T>
void activate(Activation act, arma::Mat<T>& z);

// g(i, j) *= f'(z(i, j)), computed from a = f(z).
template <class T>
void multiply_by_derivative(Activation act, const arma::Mat<T>& a, arma::Mat<T>& g);

// Whether an output is saturated: sigmoid/tanh/softsign within 1% of a bound; relu at zero.
template <class T>
inline bool is_saturated(Activation act, T a) {
  switch (act) {
    case Activation::sigmoid: return a < T(0.01) || a > T(0.99);
    case Activation::tanh:
    case Activation::softsign: return (a < T(0) ? -a : a) > T(0.99);
    case Activation::relu: return a <= T(0);
    case Activation::identity:
    case Activation::leaky_relu: return false;
  }
  return false;
}

}  // namespace lw
