#include "layerwise/nn/activation.hpp"

#include <cmath>
#include <limits>

#include "layerwise/core/check.hpp"
#include "layerwise/nn/fast_sigmoid.hpp"

namespace lw {
namespace {

template <class T>
inline T apply(Activation act, T z) {
  switch (act) {
    case Activation::identity: return z;
    case Activation::sigmoid: return T(1) / (T(1) + std::exp(-z));
    case Activation::tanh: return std::tanh(z);
    case Activation::relu: return z > T(0) ? z : T(0);
    case Activation::leaky_relu: return z > T(0) ? z : T(leaky_relu_slope) * z;
    case Activation::softsign: return z / (T(1) + std::abs(z));
  }
  return z;
}

// Each case is its own loop so the compiler can vectorise it.
template <class T, class F>
void for_each_column(const arma::Mat<T>& z, const arma::Col<T>& b, arma::Mat<T>& a, F f) {
  const arma::uword n_rows = z.n_rows;
  for (arma::uword j = 0; j < z.n_cols; ++j) {
    const T* zc = z.colptr(j);
    T* ac = a.colptr(j);
    const T* bc = b.memptr();
    for (arma::uword i = 0; i < n_rows; ++i) ac[i] = f(zc[i] + bc[i]);
  }
}

}  // namespace

Activation parse_activation(std::string_view name) {
  for (Activation act : all_activations())
    if (to_string(act) == name) return act;
  throw std::invalid_argument(cat("parse_activation(): unknown activation '", name,
                                  "' (known: identity, sigmoid, tanh, relu, leaky_relu, softsign)"));
}

std::string to_string(Activation act) {
  switch (act) {
    case Activation::identity: return "identity";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::softsign: return "softsign";
  }
  return "unknown";
}

const std::vector<Activation>& all_activations() {
  static const std::vector<Activation> all{Activation::identity, Activation::sigmoid,
                                           Activation::tanh,     Activation::relu,
                                           Activation::leaky_relu, Activation::softsign};
  return all;
}

std::pair<double, double> output_range(Activation act) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (act) {
    case Activation::sigmoid: return {0.0, 1.0};
    case Activation::tanh:
    case Activation::softsign: return {-1.0, 1.0};
    case Activation::relu: return {0.0, inf};
    case Activation::identity:
    case Activation::leaky_relu: return {-inf, inf};
  }
  return {-inf, inf};
}

template <class T>
void activate(Activation act, const arma::Mat<T>& z, const arma::Col<T>& b, arma::Mat<T>& a) {
  require(b.n_elem == z.n_rows, cat("activate(): bias has ", b.n_elem, " rows, z has ", z.n_rows));
  if (&a != &z) a.set_size(z.n_rows, z.n_cols);
  switch (act) {
    case Activation::identity: for_each_column(z, b, a, [](T v) { return v; }); break;
    case Activation::sigmoid:  // vectorised (nn/fast_sigmoid.hpp)
      sigmoid_columns(z.memptr(), b.memptr(), a.memptr(), z.n_rows, z.n_cols);
      break;
    case Activation::tanh: for_each_column(z, b, a, [](T v) { return std::tanh(v); }); break;
    case Activation::relu: for_each_column(z, b, a, [](T v) { return v > T(0) ? v : T(0); }); break;
    case Activation::leaky_relu:
      for_each_column(z, b, a, [](T v) { return v > T(0) ? v : T(leaky_relu_slope) * v; });
      break;
    case Activation::softsign:
      for_each_column(z, b, a, [](T v) { return v / (T(1) + std::abs(v)); });
      break;
  }
}

template <class T>
void activate(Activation act, arma::Mat<T>& z) {
  if (act == Activation::identity) return;
  for (auto& v : z) v = apply(act, v);
}

template <class T>
void multiply_by_derivative(Activation act, const arma::Mat<T>& a, arma::Mat<T>& g) {
  require(a.n_rows == g.n_rows && a.n_cols == g.n_cols,
          cat("multiply_by_derivative(): shapes differ (", a.n_rows, "x", a.n_cols, " vs ",
              g.n_rows, "x", g.n_cols, ")"));
  const T* ap = a.memptr();
  T* gp = g.memptr();
  const arma::uword n = a.n_elem;
  switch (act) {
    case Activation::identity: break;
    case Activation::sigmoid:
      for (arma::uword i = 0; i < n; ++i) gp[i] *= ap[i] * (T(1) - ap[i]);
      break;
    case Activation::tanh:
      for (arma::uword i = 0; i < n; ++i) gp[i] *= T(1) - ap[i] * ap[i];
      break;
    case Activation::relu:
      for (arma::uword i = 0; i < n; ++i) gp[i] = ap[i] > T(0) ? gp[i] : T(0);
      break;
    case Activation::leaky_relu:
      for (arma::uword i = 0; i < n; ++i) gp[i] *= ap[i] > T(0) ? T(1) : T(leaky_relu_slope);
      break;
    case Activation::softsign:
      for (arma::uword i = 0; i < n; ++i) {
        const T s = T(1) - std::abs(ap[i]);
        gp[i] *= s * s;
      }
      break;
  }
}

#define LW_INSTANTIATE(T)                                                                     \
  template void activate(Activation, const arma::Mat<T>&, const arma::Col<T>&, arma::Mat<T>&); \
  template void activate(Activation, arma::Mat<T>&);                                          \
  template void multiply_by_derivative(Activation, const arma::Mat<T>&, arma::Mat<T>&);
LW_INSTANTIATE(float)
LW_INSTANTIATE(double)
#undef LW_INSTANTIATE

}  // namespace lw
