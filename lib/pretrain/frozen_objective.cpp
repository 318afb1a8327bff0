#include "layerwise/pretrain/frozen_objective.hpp"

#include "layerwise/core/check.hpp"

namespace lw {

template <class T>
FrozenLayersObjective<T>::FrozenLayersObjective(Objective<T>& inner, std::size_t n_frozen)
    : inner_(inner), n_frozen_(n_frozen) {
  const Network<T>* net = inner_.network();
  require(net != nullptr, "FrozenLayersObjective: the inner objective has no network");
  require(n_frozen_ < net->layers.size(),
          cat("FrozenLayersObjective: can freeze at most ", net->layers.size() - 1,
              " layers of this network (", n_frozen_, ")"));
  for (std::size_t l = 0; l < n_frozen_; ++l) {
    zeros_.emplace_back(arma::size(net->layers[l].W), arma::fill::zeros);
    zeros_.emplace_back(arma::size(net->layers[l].b), arma::fill::zeros);
  }
}

template <class T>
std::vector<Parameter<T>> FrozenLayersObjective<T>::parameters() {
  std::vector<Parameter<T>> params = inner_.parameters();
  const Network<T>* net = inner_.network();
  for (auto& p : params)
    for (std::size_t l = 0; l < n_frozen_; ++l) {
      if (p.value == &net->layers[l].W || p.value == &net->layers[l].b) {
        p.grad = &zeros_[2 * l + (p.value == &net->layers[l].W ? 0 : 1)];  // labels kept
        p.decay = false;
      }
    }
  return params;
}

template class FrozenLayersObjective<float>;
template class FrozenLayersObjective<double>;

}  // namespace lw
