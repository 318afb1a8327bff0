#include "layerwise/nn/counting.hpp"

#include <cmath>

#include "layerwise/core/check.hpp"

namespace lw {

std::uint64_t count_parameters(const std::vector<arma::uword>& layer_sizes) {
  require(layer_sizes.size() >= 2,
          cat("count_parameters(): need at least 2 layer sizes (", layer_sizes.size(), ")"));
  std::uint64_t n = 0;
  for (std::size_t l = 1; l < layer_sizes.size(); ++l)
    n += static_cast<std::uint64_t>(layer_sizes[l - 1]) * layer_sizes[l] + layer_sizes[l];
  return n;
}

std::uint64_t count_weights(std::uint64_t w, std::uint64_t k) { return w * w * (k + 1); }

double count_paths(std::uint64_t w, std::uint64_t k) {
  return std::pow(static_cast<double>(w), static_cast<double>(k + 2));
}

}  // namespace lw
