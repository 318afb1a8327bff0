#include "layerwise/pretrain/autoencoder.hpp"

#include <algorithm>
#include <cmath>

#include "layerwise/core/check.hpp"
#include "layerwise/nn/loss.hpp"

namespace lw {
namespace {

Loss as_loss(Reconstruction r) {
  return r == Reconstruction::cross_entropy ? Loss::sigmoid_cross_entropy : Loss::squared_error;
}

// f'(z) and f''(z) from h = f(z), for the contractive penalty.
struct Slope {
  double g, dg;
};
inline Slope slope(Activation act, double h) {
  if (act == Activation::tanh) {
    const double g = 1 - h * h;
    return {g, -2 * h * g};
  }
  const double g = h * (1 - h);  // sigmoid
  return {g, g * (1 - 2 * h)};
}

constexpr double rho_clamp = 1e-8;
constexpr arma::uword eval_chunk = 1000;

}  // namespace

Reconstruction parse_reconstruction(std::string_view name) {
  if (name == "cross_entropy") return Reconstruction::cross_entropy;
  if (name == "squared_error") return Reconstruction::squared_error;
  throw std::invalid_argument(cat("parse_reconstruction(): unknown loss '", name,
                                  "' (known: cross_entropy, squared_error)"));
}

std::string to_string(Reconstruction loss) {
  return loss == Reconstruction::cross_entropy ? "cross_entropy" : "squared_error";
}

void validate(const AutoencoderConfig& c, Activation act) {
  check_noise_level(c.noise, c.corruption);
  require(c.sparsity_weight >= 0,
          cat("autoencoder: sparsity weight must be >= 0 (", c.sparsity_weight, ")"));
  require(c.sparsity_target > 0 && c.sparsity_target < 1,
          cat("autoencoder: sparsity target must be in (0, 1) (", c.sparsity_target, ")"));
  require(
      c.sparsity_weight == 0 || act == Activation::sigmoid,
      cat("autoencoder: the sparsity penalty needs sigmoid hidden units (", to_string(act), ")"));
  require(c.contractive_weight >= 0,
          cat("autoencoder: contractive weight must be >= 0 (", c.contractive_weight, ")"));
  require(c.contractive_weight == 0 || act == Activation::sigmoid || act == Activation::tanh,
          cat("autoencoder: the contractive penalty needs sigmoid or tanh hidden units (",
              to_string(act), ")"));
}

template <class T>
AutoencoderObjective<T>::AutoencoderObjective(DenseLayer<T> encoder,
                                              const AutoencoderConfig& config, Rng noise_rng)
    : enc_(std::move(encoder)), config_(config), rng_(noise_rng) {
  validate(config_, enc_.act);
  require(enc_.b.n_elem == enc_.W.n_rows && enc_.W.n_elem > 0,
          cat("AutoencoderObjective: bad encoder shape (W ", enc_.W.n_rows, "x", enc_.W.n_cols,
              ", b ", enc_.b.n_elem, ")"));
  c_.zeros(enc_.W.n_cols);
  if (!config_.tied) W2_ = enc_.W.t();
  dW_.zeros(arma::size(enc_.W));
  db_.zeros(enc_.b.n_elem);
  dc_.zeros(c_.n_elem);
  if (!config_.tied) dW2_.zeros(arma::size(W2_));
}

template <class T>
arma::Mat<T>& AutoencoderObjective<T>::decoder_weights() {
  require(!config_.tied, "AutoencoderObjective::decoder_weights(): tied decoder (W' = W^T)");
  return W2_;
}

template <class T>
void AutoencoderObjective<T>::encode_decode(const arma::Mat<T>& in, arma::Mat<T>& H,
                                            arma::Mat<T>& O) const {
  H = enc_.W * in;
  activate(enc_.act, H, enc_.b, H);
  if (config_.tied)
    O = enc_.W.t() * H;
  else
    O = W2_ * H;
  O.each_col() += c_;
}

template <class T>
double AutoencoderObjective<T>::contractive_sum(const arma::Mat<T>& H) const {
  double total = 0;
  for (arma::uword j = 0; j < H.n_rows; ++j) {
    const double q = arma::accu(arma::square(enc_.W.row(j)));
    double s = 0;
    for (arma::uword n = 0; n < H.n_cols; ++n) {
      const double g = slope(enc_.act, H(j, n)).g;
      s += g * g;
    }
    total += q * s;
  }
  return total;
}

template <class T>
BatchResult AutoencoderObjective<T>::compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  require(arma::size(X) == arma::size(Y) && X.n_rows == enc_.W.n_cols && X.n_cols > 0,
          cat("AutoencoderObjective::compute(): X ", X.n_rows, "x", X.n_cols, ", Y ", Y.n_rows, "x",
              Y.n_cols, ", encoder fan_in ", enc_.W.n_cols));
  const bool noisy = config_.noise != Noise::none && config_.corruption > 0;
  if (noisy) corrupt(config_.noise, config_.corruption, X, Xc_, rng_);
  const arma::Mat<T>& in = noisy ? Xc_ : X;
  const double n = static_cast<double>(X.n_cols);

  encode_decode(in, H_, O_);
  double loss = loss_gradient(as_loss(config_.loss), O_, Y, dO_);  // dO_ = dL/dO, already / n

  dc_ = arma::sum(dO_, 1);
  if (config_.tied)
    dH_ = enc_.W * dO_;
  else {
    dW2_ = dO_ * H_.t();
    dH_ = W2_.t() * dO_;
  }
  if (config_.sparsity_weight > 0) {
    const double beta = config_.sparsity_weight, rho = config_.sparsity_target;
    for (arma::uword j = 0; j < H_.n_rows; ++j) {
      double mean = 0;
      for (arma::uword k = 0; k < H_.n_cols; ++k) mean += H_(j, k);
      const double r = std::clamp(mean / n, rho_clamp, 1 - rho_clamp);
      loss += beta * (rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r)));
      const T d = static_cast<T>(beta * (-rho / r + (1 - rho) / (1 - r)) / n);
      for (arma::uword k = 0; k < H_.n_cols; ++k) dH_(j, k) += d;
    }
  }
  multiply_by_derivative(enc_.act, H_, dH_);  // dH_ is now dZ
  const double lambda = config_.contractive_weight;
  if (lambda > 0) {
    q_ = arma::sum(arma::square(enc_.W), 1);
    g2_.set_size(H_.n_rows);
    for (arma::uword j = 0; j < H_.n_rows; ++j) {
      double g2_sum = 0;
      for (arma::uword k = 0; k < H_.n_cols; ++k) {
        const Slope s = slope(enc_.act, H_(j, k));
        g2_sum += s.g * s.g;
        dH_(j, k) += static_cast<T>(2 * lambda / n * q_[j] * s.g * s.dg);
      }
      loss += lambda / n * q_[j] * g2_sum;
      g2_[j] = static_cast<T>(2 * lambda * g2_sum / n);  // dP_c/dW_j. = g2_[j] W_j.
    }
  }
  dW_ = dH_ * in.t();
  if (lambda > 0)
    for (arma::uword j = 0; j < dW_.n_rows; ++j) dW_.row(j) += g2_[j] * enc_.W.row(j);
  if (config_.tied) dW_ += H_ * dO_.t();
  db_ = arma::sum(dH_, 1);
  return {loss, -1};
}

template <class T>
BatchResult AutoencoderObjective<T>::evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  require(arma::size(X) == arma::size(Y) && X.n_rows == enc_.W.n_cols && X.n_cols > 0,
          cat("AutoencoderObjective::evaluate(): X ", X.n_rows, "x", X.n_cols, ", Y ", Y.n_rows,
              "x", Y.n_cols, ", encoder fan_in ", enc_.W.n_cols));
  const double n = static_cast<double>(X.n_cols);
  double rec = 0, contractive = 0;
  arma::vec hidden_sum(enc_.W.n_rows, arma::fill::zeros);
  for (arma::uword start = 0; start < X.n_cols; start += eval_chunk) {
    const arma::uword count = std::min(eval_chunk, X.n_cols - start);
    // Views of the chunk's columns (no copy).
    const arma::Mat<T> Xc(const_cast<T*>(X.colptr(start)), X.n_rows, count, false, true);
    const arma::Mat<T> Yc(const_cast<T*>(Y.colptr(start)), Y.n_rows, count, false, true);
    encode_decode(Xc, eH_, eO_);
    rec += loss_value(as_loss(config_.loss), eO_, Yc) * static_cast<double>(count);
    if (config_.sparsity_weight > 0)
      for (arma::uword j = 0; j < eH_.n_rows; ++j)
        for (arma::uword k = 0; k < count; ++k) hidden_sum[j] += eH_(j, k);
    if (config_.contractive_weight > 0) contractive += contractive_sum(eH_);
  }
  double loss = rec / n + config_.contractive_weight * contractive / n;
  if (config_.sparsity_weight > 0) {
    const double rho = config_.sparsity_target;
    for (arma::uword j = 0; j < hidden_sum.n_elem; ++j) {
      const double r = std::clamp(hidden_sum[j] / n, rho_clamp, 1 - rho_clamp);
      loss += config_.sparsity_weight *
              (rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r)));
    }
  }
  return {loss, -1};
}

template <class T>
std::vector<Parameter<T>> AutoencoderObjective<T>::parameters() {
  std::vector<Parameter<T>> params = {
      {&enc_.W, &dW_, true}, {&enc_.b, &db_, false}, {&c_, &dc_, false}};
  if (!config_.tied) params.push_back({&W2_, &dW2_, true});
  return params;
}

template class AutoencoderObjective<float>;
template class AutoencoderObjective<double>;

}  // namespace lw
