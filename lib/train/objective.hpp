#pragma once
// What the minibatch loop (train/train.hpp) trains: a set of parameters with gradients and a loss
// on a batch. Fine-tuning a Network is one Objective (train/network_objective.hpp); an autoencoder
// layer with tied weights is another (lib/pretrain): the loop, its optimizers, early stopping and
// observers are written once for both.
//
// Contract: compute() runs forward and backward on one batch (one example per column of X, targets
// Y with the same number of columns) and leaves dL/dparam in every Parameter::grad; it returns the
// batch mean loss and, where the objective classifies, the number of misclassified columns.
// evaluate() computes the same on a whole set without changing any state. parameters() lists the
// trainable matrices in a fixed order: the optimizer keeps one state slot per entry.
#include <armadillo>
#include <cstdint>
#include <vector>

namespace lw {

template <class T> struct Network;
template <class T> struct Trace;
template <class T> struct Gradients;

enum class ParamRole { other, weight, bias };  // of a network layer: W or b

template <class T>
struct Parameter {
  arma::Mat<T>* value;
  const arma::Mat<T>* grad;
  bool decay;  // weight decay and max-norm apply (weights yes, biases no)
  // Which network layer's W or b this is, so observers find a layer's parameters by name, not
  // by position (layer -1, role other: not a layer of network(), e.g. a decoder's weights).
  int layer = -1;
  ParamRole role = ParamRole::other;
};

struct BatchResult {
  double loss = 0;
  std::int64_t errors = -1;  // misclassified examples, or -1 when the objective does not classify
};

template <class T>
class Objective {
 public:
  virtual ~Objective() = default;

  virtual BatchResult compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) = 0;
  virtual BatchResult evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) = 0;
  virtual std::vector<Parameter<T>> parameters() = 0;

  // Called after every optimizer step (constraints such as max-norm, tied copies).
  virtual void after_update() {}

  // The network, trace and gradients of the last compute(), for instrumentation; null if none.
  virtual const Network<T>* network() const { return nullptr; }
  virtual const Trace<T>* trace() const { return nullptr; }
  virtual const Gradients<T>* gradients() const { return nullptr; }

  // Best-epoch snapshot: copies every parameter value; restore_snapshot() puts them back.
  void snapshot() {
    saved_.clear();
    for (const auto& p : parameters()) saved_.push_back(*p.value);
  }
  bool has_snapshot() const { return !saved_.empty(); }
  void restore_snapshot() {
    auto params = parameters();
    for (std::size_t i = 0; i < saved_.size() && i < params.size(); ++i) *params[i].value = saved_[i];
  }

 private:
  std::vector<arma::Mat<T>> saved_;
};

}  // namespace lw
