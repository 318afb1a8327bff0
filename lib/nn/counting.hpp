#pragma once
// Counting, from the lecture this toolkit grew from: why backpropagation reuses partial derivatives.
// For a network with k hidden layers of width w whose input and output also have width w:
//   weights  = w^2 (k + 1)        (one w x w matrix between each pair of adjacent layers)
//   paths    = w^(k + 2)          (one unit chosen in each of the k + 2 layers)
// Differentiating by summing over input-to-output paths costs the number of paths, exponential in
// depth; backpropagation touches each weight a constant number of times: linear in the weights.
#include <armadillo>
#include <cstdint>
#include <vector>

namespace lw {

// Trainable parameters (weights and biases) of a layer-size list: a 3-25-12 network has 412.
std::uint64_t count_parameters(const std::vector<arma::uword>& layer_sizes);

// w^2 (k + 1): weights of k hidden layers of width w between input and output of width w.
std::uint64_t count_weights(std::uint64_t w, std::uint64_t k);

// w^(k + 2) input-to-output paths; a double, since it overflows 64 bits quickly (1000^7).
double count_paths(std::uint64_t w, std::uint64_t k);

}  // namespace lw
