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
#include <type_traits>

#include "layerwise/io/h5.hpp"
#include "layerwise/nn/network.hpp"

namespace lw {

// The layer layout, shared with the other files that store layers (io/stack_file.hpp):
std::string layer_group_name(std::size_t l);  // "layer_NN"
template <class T>
constexpr const char* precision_name() {  // "float32" | "float64"
  return std::is_same_v<T, float> ? "float32" : "float64";
}
// W, b and the attribute activation into `group`; read back in T (rounding float64 -> float32).
template <class T>
void write_layer(const h5::Object& group, const DenseLayer<T>& layer);
template <class T>
DenseLayer<T> read_layer(const h5::Object& group);

template <class T>
void save_network(const std::filesystem::path& path, const Network<T>& net);

// Throws std::runtime_error naming the file and the object for a missing or malformed checkpoint.
template <class T>
Network<T> load_network(const std::filesystem::path& path);

// The precision a checkpoint was saved in: "float32" or "float64".
std::string checkpoint_precision(const std::filesystem::path& path);

}  // namespace lw
