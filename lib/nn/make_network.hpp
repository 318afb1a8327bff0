#pragma once
// Builds an initialised network from a specification. Randomness comes from named streams of one
// seed, so arms of an experiment that share a seed share what they should:
//   hidden layer l   stream::hidden_init(seed, l)      (core/streams.hpp)
//   output layer     stream::output_init(seed)   (same output weights for every arm of a seed)
#include <armadillo>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/network.hpp"

namespace lw {

struct NetworkSpec {
  std::vector<arma::uword> layer_sizes;        // n_inputs, hidden widths..., n_outputs
  Activation hidden = Activation::sigmoid;
  Activation output = Activation::identity;    // identity: logits for the cross-entropies
  Loss loss = Loss::softmax_cross_entropy;
  std::string init = "xavier";                 // hidden layers (nn/init.hpp)
  std::string output_init = "xavier";          // output layer
  double init_scale = std::numeric_limits<double>::quiet_NaN();
};

// One layer: W from the named initializer, b = 0.
template <class T>
DenseLayer<T> make_layer(arma::uword fan_in, arma::uword fan_out, Activation act,
                         const std::string& init, double init_scale, Rng& rng);

template <class T>
Network<T> make_network(const NetworkSpec& spec, std::uint64_t seed);

}  // namespace lw
