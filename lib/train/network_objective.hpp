#pragma once
// Supervised training of a whole Network (fine-tuning): the Objective for train/train.hpp.
//   compute:  draw dropout masks, forward, backward (nn/network.hpp); errors from argmax(O) vs
//             argmax(Y) (Y one-hot)
//   evaluate: forward in chunks with every unit on, mean loss and error count
//   after each update: max-norm on every W when max_norm > 0
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/network.hpp"
#include "layerwise/train/objective.hpp"

namespace lw {

struct NetworkObjectiveConfig {
  std::vector<double> dropout;  // rate of each layer's input (index 0: input dropout); may be short
  double max_norm = 0;          // 0: off
};

template <class T>
class NetworkObjective final : public Objective<T> {
 public:
  // net is trained in place and must outlive the objective.
  NetworkObjective(Network<T>& net, const NetworkObjectiveConfig& config, Rng dropout_rng);

  BatchResult compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) override;
  BatchResult evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) override;
  std::vector<Parameter<T>> parameters() override;
  void after_update() override;

  const Network<T>* network() const override { return &net_; }
  const Trace<T>* trace() const override { return &trace_; }
  const Gradients<T>* gradients() const override { return &grads_; }

 private:
  Network<T>& net_;
  NetworkObjectiveConfig config_;
  Rng rng_;
  Trace<T> trace_, eval_trace_;
  Gradients<T> grads_;
};

// W_0, b_0, W_1, b_1, ... of net with their gradients in grads (resized to net's layers), each
// labelled with its layer and role: NetworkObjective's parameter list.
template <class T>
std::vector<Parameter<T>> network_parameters(Network<T>& net, Gradients<T>& grads);

// Misclassified columns: argmax of the output against argmax of the one-hot targets.
template <class T>
std::int64_t count_errors_one_hot(const arma::Mat<T>& O, const arma::Mat<T>& Y);

}  // namespace lw
