#include "layerwise/pretrain/rbm_objective.hpp"

#include <algorithm>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {
constexpr arma::uword eval_chunk = 1000;
}

template <class T>
RbmObjective<T>::RbmObjective(DenseLayer<T> hidden, int cd_steps, Rng rng)
    : hid_(std::move(hidden)), k_(cd_steps), rng_(rng) {
  require(
      hid_.act == Activation::sigmoid,
      cat("RbmObjective: Bernoulli hidden units need a sigmoid layer (", to_string(hid_.act), ")"));
  require(k_ >= 1, cat("RbmObjective: CD steps must be >= 1 (", k_, ")"));
  require(hid_.b.n_elem == hid_.W.n_rows && hid_.W.n_elem > 0,
          cat("RbmObjective: bad layer shape (W ", hid_.W.n_rows, "x", hid_.W.n_cols, ", b ",
              hid_.b.n_elem, ")"));
  c_.zeros(hid_.W.n_cols);
  dW_.zeros(arma::size(hid_.W));
  db_.zeros(hid_.b.n_elem);
  dc_.zeros(c_.n_elem);
}

template <class T>
void RbmObjective<T>::sample(const arma::Mat<T>& P, arma::Mat<T>& S) {
  S.set_size(arma::size(P));
  const T* p = P.memptr();
  T* s = S.memptr();
  for (arma::uword i = 0; i < P.n_elem; ++i) s[i] = rng_.uniform() < p[i] ? T(1) : T(0);
}

template <class T>
double RbmObjective<T>::reconstruction_error(const arma::Mat<T>& P, const arma::Mat<T>& Y,
                                             arma::Mat<T>& R) const {
  R = hid_.W.t() * P;
  activate(Activation::sigmoid, R, c_, R);
  double sum = 0;
  for (arma::uword i = 0; i < R.n_elem; ++i) {
    const double d = static_cast<double>(Y[i]) - static_cast<double>(R[i]);
    sum += d * d;
  }
  return sum;
}

template <class T>
BatchResult RbmObjective<T>::compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  require(arma::size(X) == arma::size(Y) && X.n_rows == hid_.W.n_cols && X.n_cols > 0,
          cat("RbmObjective::compute(): X ", X.n_rows, "x", X.n_cols, ", Y ", Y.n_rows, "x",
              Y.n_cols, ", visible units ", hid_.W.n_cols));
  const T inv_n = T(1) / static_cast<T>(X.n_cols);
  P0_ = hid_.W * X;  // positive phase
  activate(Activation::sigmoid, P0_, hid_.b, P0_);
  const double loss = reconstruction_error(P0_, Y, R_) / static_cast<double>(X.n_cols);
  sample(P0_, H_);
  for (int step = 0; step < k_; ++step) {  // Gibbs chain
    Pk_ = hid_.W.t() * H_;
    activate(Activation::sigmoid, Pk_, c_, Pk_);
    sample(Pk_, V_);
    Pk_ = hid_.W * V_;
    activate(Activation::sigmoid, Pk_, hid_.b, Pk_);
    if (step + 1 < k_) sample(Pk_, H_);
  }
  dW_ = Pk_ * V_.t();  // negative phase minus positive phase
  dW_ -= P0_ * X.t();
  dW_ *= inv_n;
  db_ = arma::sum(Pk_, 1);
  db_ -= arma::sum(P0_, 1);
  db_ *= inv_n;
  dc_ = arma::sum(V_, 1);
  dc_ -= arma::sum(X, 1);
  dc_ *= inv_n;
  return {loss, -1};
}

template <class T>
BatchResult RbmObjective<T>::evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  require(arma::size(X) == arma::size(Y) && X.n_rows == hid_.W.n_cols && X.n_cols > 0,
          cat("RbmObjective::evaluate(): X ", X.n_rows, "x", X.n_cols, ", Y ", Y.n_rows, "x",
              Y.n_cols, ", visible units ", hid_.W.n_cols));
  double sum = 0;
  for (arma::uword start = 0; start < X.n_cols; start += eval_chunk) {
    const arma::uword count = std::min(eval_chunk, X.n_cols - start);
    const arma::Mat<T> Xc(const_cast<T*>(X.colptr(start)), X.n_rows, count, false, true);
    const arma::Mat<T> Yc(const_cast<T*>(Y.colptr(start)), Y.n_rows, count, false, true);
    eP_ = hid_.W * Xc;
    activate(Activation::sigmoid, eP_, hid_.b, eP_);
    sum += reconstruction_error(eP_, Yc, eR_);
  }
  return {sum / static_cast<double>(X.n_cols), -1};
}

template <class T>
std::vector<Parameter<T>> RbmObjective<T>::parameters() {
  return {{&hid_.W, &dW_, true}, {&hid_.b, &db_, false}, {&c_, &dc_, false}};
}

template class RbmObjective<float>;
template class RbmObjective<double>;

}  // namespace lw
