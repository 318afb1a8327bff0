#pragma once
// Fine-tuning with the pretrained layers held fixed: wraps a network objective (usually a
// NetworkObjective) and freezes its first n_frozen layers.
//   compute/evaluate/after_update/network/trace/gradients: the inner objective's
//   parameters(): the inner list, unchanged in length and order, but each frozen layer's W and b
//     point at an all-zero gradient and have decay off, so every optimizer (train/optimizer.hpp)
//     takes a zero step for them: the weights stay bit-identical, and observers that index
//     parameters per layer still line up. Observers still see the real back-propagated gradients
//     of the frozen layers through gradients(): they exist, they are just not applied.
// The inner objective must outlive the wrapper and report its network through network().
#include <vector>

#include "layerwise/nn/network.hpp"
#include "layerwise/train/objective.hpp"

namespace lw {

template <class T>
class FrozenLayersObjective final : public Objective<T> {
 public:
  FrozenLayersObjective(Objective<T>& inner, std::size_t n_frozen);

  BatchResult compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) override {
    return inner_.compute(X, Y);
  }
  BatchResult evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) override {
    return inner_.evaluate(X, Y);
  }
  std::vector<Parameter<T>> parameters() override;
  void after_update() override { inner_.after_update(); }

  const Network<T>* network() const override { return inner_.network(); }
  const Trace<T>* trace() const override { return inner_.trace(); }
  const Gradients<T>* gradients() const override { return inner_.gradients(); }

 private:
  Objective<T>& inner_;
  std::size_t n_frozen_;
  std::vector<arma::Mat<T>> zeros_;  // one per frozen parameter, shaped like it
};

}  // namespace lw
