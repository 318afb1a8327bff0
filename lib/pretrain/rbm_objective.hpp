#pragma once
// A Bernoulli-Bernoulli restricted Boltzmann machine trained by contrastive divergence (Hinton
// 2002), as an Objective, so the ONE training loop (and its optimizers, observers) drives it.
// Shapes: V is d x n visible (values in [0, 1]), W is k x d, b hidden bias (k), c visible bias (d).
//   E(v, h) = -h^T W v - b^T h - c^T v
//   p(h_j = 1 | v) = sigmoid(W v + b)_j,   p(v_i = 1 | h) = sigmoid(W^T h + c)_i
// CD-k from the data V0 (all states sampled; hidden statistics use probabilities):
//   P0 = p(h | V0), H ~ P0;  k times: V ~ p(v | H), Pk = p(h | V), H ~ Pk
//   the gradients left in the Parameters are MINUS the CD estimate of d log-likelihood:
//   dW = -(P0 V0^T - Pk Vk^T) / n,  db = -mean_cols(P0 - Pk),  dc = -mean_cols(V0 - Vk)
// The loss compute() and evaluate() report is the mean-field reconstruction error against Y:
//   R = sigmoid(W^T p(h | V0) + c),  loss = mean_batch sum_i (y_i - r_i)^2
// (CD-k is not the gradient of this loss, nor of any cheap one.) The hidden layer (W, b, sigmoid)
// becomes the network layer.
#include <armadillo>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/network.hpp"
#include "layerwise/train/objective.hpp"

namespace lw {

template <class T>
class RbmObjective final : public Objective<T> {
 public:
  // hidden: W (k x d) and b, act must be sigmoid; c starts at 0. rng draws the Gibbs samples.
  RbmObjective(DenseLayer<T> hidden, int cd_steps, Rng rng);

  BatchResult compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) override;
  BatchResult evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) override;
  std::vector<Parameter<T>> parameters() override;  // W, b, c

  const DenseLayer<T>& hidden() const { return hid_; }
  arma::Col<T>& visible_bias() { return c_; }
  DenseLayer<T>& hidden_layer() { return hid_; }
  const arma::Mat<T>& grad_W() const { return dW_; }
  const arma::Col<T>& grad_b() const { return db_; }
  const arma::Col<T>& grad_c() const { return dc_; }

 private:
  double reconstruction_error(const arma::Mat<T>& P, const arma::Mat<T>& Y, arma::Mat<T>& R) const;
  void sample(const arma::Mat<T>& P, arma::Mat<T>& S);  // S_ij = 1 with probability P_ij

  DenseLayer<T> hid_;
  int k_;
  Rng rng_;
  arma::Col<T> c_;
  arma::Mat<T> P0_, Pk_, H_, V_, R_, eP_, eR_;
  arma::Mat<T> dW_;
  arma::Col<T> db_, dc_;
};

}  // namespace lw
