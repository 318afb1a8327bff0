#include "layerwise/experiment/labeled.hpp"

#include "layerwise/core/streams.hpp"

namespace lw {

arma::uvec labeled_subset(arma::uword n_train, arma::uword n_labeled, std::uint64_t seed) {
  if (n_labeled == 0 || n_labeled >= n_train) {
    arma::uvec all(n_train);
    for (arma::uword i = 0; i < n_train; ++i) all[i] = i;
    return all;
  }
  Rng rng = stream::labeled_subset(seed);
  const arma::uvec order = permutation(n_train, rng);
  return arma::sort(order.head(n_labeled));
}

}  // namespace lw
