#pragma once
// A one-hidden-layer autoencoder as an Objective for the training loop (train/train.hpp), shared
// by the ae, dae, sparse_ae and contractive_ae schemes. Shapes: X is d x n (one example per
// column, values in [0, 1] for the cross-entropy), W is k x d, b is k, c is d, W' is d x k.
//   x~  = corrupt(x)                      pretrain/noise.hpp, fresh per batch (compute only)
//   h   = f(W x~ + b)                     encoder: f = the layer's activation
//   o   = W' h + c                        decoder logits; tied: W' = W^T, untied: own W'
//   cross_entropy:  x^ = sigmoid(o),  L_rec = sum_i [softplus(o_i) - x_i o_i]   (nn/loss.hpp)
//   squared_error:  x^ = o (linear decoder), L_rec = 1/2 sum_i (o_i - x_i)^2
//   sparsity:       P_s = beta sum_j KL(rho || rho^_j),  rho^ = mean over the batch of h
//                   (sigmoid units; rho^ clamped to [1e-8, 1 - 1e-8])
//   contractive:    P_c = lambda mean_batch ||J_f(x)||_F^2 = lambda mean_batch sum_j f'(z_j)^2
//                   sum_i W_ji^2   (sigmoid f' = h(1-h), tanh f' = 1 - h^2)
//   loss = mean_batch L_rec + P_s + P_c   (what compute() and evaluate() return)
// The target is Y (the clean x); the penalty terms see the encoder input (x~ in compute).
// Gradients, with dO = dL/do (nn/loss.hpp, already / n):
//   dW' = dO h^T,  dc = sum_cols dO,  dH = W'^T dO + beta (-rho/rho^ + (1-rho)/(1-rho^)) / n
//   dZ  = dH . f'(z) + (2 lambda / n) q_j f'(z) f''(z),   q_j = sum_i W_ji^2
//   dW  = dZ x~^T [+ dW'^T if tied] + 2 lambda mean_batch(f'(z_j)^2) W_j.,   db = sum_cols dZ
// evaluate() runs in chunks without corruption; rho^ is then the mean over the whole set, so on a
// set no larger than one chunk it equals compute()'s loss with corruption off.
// Buffers (corrupted input, hidden, logits, gradients) are members reused across batches.
#include <armadillo>
#include <string>
#include <string_view>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/network.hpp"
#include "layerwise/pretrain/noise.hpp"
#include "layerwise/train/objective.hpp"

namespace lw {

enum class Reconstruction { cross_entropy, squared_error };
Reconstruction parse_reconstruction(std::string_view name);  // throws, listing the known names
std::string to_string(Reconstruction loss);

struct AutoencoderConfig {
  bool tied = true;
  Reconstruction loss = Reconstruction::cross_entropy;
  Noise noise = Noise::none;
  double corruption = 0;          // noise level (pretrain/noise.hpp)
  double sparsity_weight = 0;     // beta; > 0 needs sigmoid hidden units
  double sparsity_target = 0.05;  // rho, in (0, 1)
  double contractive_weight = 0;  // lambda; > 0 needs sigmoid or tanh hidden units
};

void validate(const AutoencoderConfig& config, Activation act);

template <class T>
class AutoencoderObjective final : public Objective<T> {
 public:
  // The decoder starts as c = 0 and, untied, W' = W^T. noise_rng draws the corruption.
  AutoencoderObjective(DenseLayer<T> encoder, const AutoencoderConfig& config, Rng noise_rng);

  BatchResult compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) override;
  BatchResult evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) override;
  std::vector<Parameter<T>> parameters() override;  // W, b, c [, W' when untied]

  const DenseLayer<T>& encoder() const { return enc_; }
  const AutoencoderConfig& config() const { return config_; }
  // For tests (gradient checks): the decoder and the last compute()'s gradients.
  arma::Col<T>& decoder_bias() { return c_; }
  arma::Mat<T>& decoder_weights();  // W' (untied only)
  const arma::Mat<T>& grad_W() const { return dW_; }
  const arma::Col<T>& grad_b() const { return db_; }
  const arma::Col<T>& grad_c() const { return dc_; }
  const arma::Mat<T>& grad_decoder_weights() const { return dW2_; }

 private:
  // H = f(W in + b), O = W' H + c into the given buffers.
  void encode_decode(const arma::Mat<T>& in, arma::Mat<T>& H, arma::Mat<T>& O) const;
  double contractive_sum(const arma::Mat<T>& H) const;  // sum over the batch of ||J||_F^2

  DenseLayer<T> enc_;
  AutoencoderConfig config_;
  Rng rng_;
  arma::Col<T> c_;
  arma::Mat<T> W2_;
  arma::Mat<T> Xc_, H_, O_, dO_, dH_, eH_, eO_;
  arma::Mat<T> dW_, dW2_;
  arma::Col<T> db_, dc_, q_, g2_;
};

}  // namespace lw
