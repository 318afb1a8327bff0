#pragma once
// Saving and loading a Network to HDF5: architecture, activations, loss, weights and biases,
// bit-exact in the precision it was trained in.
//   / attrs            format = "layerwise-network", format_version = 1, loss, precision
//                      ("float32" | "float64"), layer_sizes (int64[L+1])
//   /layer_NN          W (fan_out, fan_in) as NumPy sees it, b (fan_out); attr activation
// The file is written to <path>.tmp and renamed, so an existing checkpoint is never half-replaced.
// load_network reads either precision and converts to T (rounding only float64 -> float32).
// A results file's /weights/<stage> group can be loaded the same way (load_network_group).
#include <filesystem>
#include <string>

#include "layerwise/nn/network.hpp"

namespace lw {

template <class T>
void save_network(const std::filesystem::path& path, const Network<T>& net);

// Throws std::runtime_error naming the file and the object for a missing or malformed checkpoint.
template <class T>
Network<T> load_network(const std::filesystem::path& path);

// The precision a checkpoint was saved in: "float32" or "float64".
std::string checkpoint_precision(const std::filesystem::path& path);

}  // namespace lw
