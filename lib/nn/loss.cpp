#include "layerwise/nn/loss.hpp"

#include <algorithm>
#include <cmath>

#include "layerwise/core/check.hpp"
#include "layerwise/nn/fast_sigmoid.hpp"

namespace lw {
namespace {

void require_same_shape(const char* where, arma::uword r1, arma::uword c1, arma::uword r2,
                        arma::uword c2) {
  require(r1 == r2 && c1 == c2,
          cat(where, "(): outputs are ", r1, "x", c1, " but targets are ", r2, "x", c2));
}

// One column: writes softmax(o) into p (may alias o) and returns logsumexp(o).
template <class T>
double softmax_column(const T* o, T* p, arma::uword n) {
  T m = o[0];
  for (arma::uword i = 1; i < n; ++i) m = std::max(m, o[i]);
  double sum = 0;
  for (arma::uword i = 0; i < n; ++i) {
    const T e = std::exp(o[i] - m);
    p[i] = e;
    sum += e;
  }
  const T inv = static_cast<T>(1.0 / sum);
  for (arma::uword i = 0; i < n; ++i) p[i] *= inv;
  return static_cast<double>(m) + std::log(sum);
}

}  // namespace

Loss parse_loss(std::string_view name) {
  for (Loss l : {Loss::softmax_cross_entropy, Loss::sigmoid_cross_entropy, Loss::squared_error})
    if (to_string(l) == name) return l;
  throw std::invalid_argument(cat("parse_loss(): unknown loss '", name,
                                  "' (known: softmax_cross_entropy, sigmoid_cross_entropy, "
                                  "squared_error)"));
}

std::string to_string(Loss loss) {
  switch (loss) {
    case Loss::softmax_cross_entropy: return "softmax_cross_entropy";
    case Loss::sigmoid_cross_entropy: return "sigmoid_cross_entropy";
    case Loss::squared_error: return "squared_error";
  }
  return "unknown";
}

template <class T>
double loss_value(Loss loss, const arma::Mat<T>& O, const arma::Mat<T>& Y) {
  arma::Mat<T> scratch;
  return loss_gradient(loss, O, Y, scratch);
}

template <class T>
double loss_gradient(Loss loss, const arma::Mat<T>& O, const arma::Mat<T>& Y, arma::Mat<T>& dO) {
  require_same_shape("loss_gradient", O.n_rows, O.n_cols, Y.n_rows, Y.n_cols);
  require(O.n_cols > 0, "loss_gradient(): empty batch");
  dO.set_size(O.n_rows, O.n_cols);
  const arma::uword n_rows = O.n_rows, n = O.n_cols;
  const T inv_n = static_cast<T>(1.0 / static_cast<double>(n));
  if (loss == Loss::sigmoid_cross_entropy)  // element-wise over the whole batch, vectorised
    return sigmoid_xent(O.memptr(), Y.memptr(), dO.memptr(), O.n_elem, inv_n) /
           static_cast<double>(n);
  double total = 0;
  for (arma::uword j = 0; j < n; ++j) {
    const T* o = O.colptr(j);
    const T* y = Y.colptr(j);
    T* d = dO.colptr(j);
    switch (loss) {
      case Loss::softmax_cross_entropy: {
        const double lse = softmax_column(o, d, n_rows);
        double y_dot_o = 0, y_sum = 0;
        for (arma::uword i = 0; i < n_rows; ++i) {
          y_dot_o += static_cast<double>(y[i]) * o[i];
          y_sum += y[i];
        }
        total += y_sum * lse - y_dot_o;
        // d/do of (sum y) lse(o) - y.o: (sum y) softmax(o) - y; for one-hot y, softmax - y.
        const T ys = static_cast<T>(y_sum);
        for (arma::uword i = 0; i < n_rows; ++i) d[i] = (ys * d[i] - y[i]) * inv_n;
        break;
      }
      case Loss::sigmoid_cross_entropy: break;  // above
      case Loss::squared_error:
        for (arma::uword i = 0; i < n_rows; ++i) {
          const T diff = o[i] - y[i];
          total += 0.5 * static_cast<double>(diff) * diff;
          d[i] = diff * inv_n;
        }
        break;
    }
  }
  return total / static_cast<double>(n);
}

template <class T>
void to_probabilities(Loss loss, arma::Mat<T>& O) {
  switch (loss) {
    case Loss::softmax_cross_entropy:
      for (arma::uword j = 0; j < O.n_cols; ++j) softmax_column(O.colptr(j), O.colptr(j), O.n_rows);
      break;
    case Loss::sigmoid_cross_entropy:
      for (auto& v : O) v = T(1) / (T(1) + std::exp(-v));
      break;
    case Loss::squared_error: break;
  }
}

template <class T>
arma::uword count_errors(const arma::Mat<T>& O, const arma::uvec& labels) {
  require(labels.n_elem == O.n_cols,
          cat("count_errors(): ", O.n_cols, " outputs but ", labels.n_elem, " labels"));
  arma::uword errors = 0;
  for (arma::uword j = 0; j < O.n_cols; ++j)
    if (O.col(j).index_max() != labels[j]) ++errors;
  return errors;
}

#define LW_INSTANTIATE(T)                                                                      \
  template double loss_value(Loss, const arma::Mat<T>&, const arma::Mat<T>&);                  \
  template double loss_gradient(Loss, const arma::Mat<T>&, const arma::Mat<T>&, arma::Mat<T>&); \
  template void to_probabilities(Loss, arma::Mat<T>&);                                         \
  template arma::uword count_errors(const arma::Mat<T>&, const arma::uvec&);
LW_INSTANTIATE(float)
LW_INSTANTIATE(double)
#undef LW_INSTANTIATE

}  // namespace lw
