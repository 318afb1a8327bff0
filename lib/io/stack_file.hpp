#pragma once
// A stored stack of pretrained hidden layers (experiment/stack_store.hpp keeps one per stack key):
//   / attrs        format = "layerwise-stack", format_version = 1, key (16 hex digits),
//                  key_text (the "option=value" lines the key hashes), data_checksum (the
//                  split's, io/dataset.hpp: the data's content, not only its options), precision
//                  ("float32" | "float64"), n_layers
//   /layer_NN      the checkpoint layer format (io/checkpoint.hpp): W (fan_out, fan_in), b (fan_out),
//                  attr activation; and the layer's pretraining (complete: no other is stored): attrs
//                  best_epoch, best_metric, stopped_early, steps; datasets (E) float64 train_loss,
//                  train_error, valid_loss, valid_error, wall_time_s, one row per epoch
// Layer NN is trained on the output of layers 0..NN-1 of the same file. A file is written to
// <path>.partial and renamed, so a reader sees a whole stack or none; a longer stack replaces a
// shorter one the same way.
#include <filesystem>
#include <string>
#include <vector>

#include "layerwise/pretrain/greedy.hpp"

namespace lw {

struct StackHeader {
  std::string key = {};            // config_hash of key_text's entries
  std::string key_text = {};       // "option=value\n" lines
  std::string scheme = {};         // every layer's
  std::string data_checksum = {};  // checked on reading unless empty (a --dry-run has no data loaded)
};

// Writes `layers` (at least one, each complete) to path.partial, flushes and renames it to path.
template <class T>
void write_stack_file(const std::filesystem::path& path, const StackHeader& header,
                      const std::vector<TrainedLayer<T>>& layers);

// Every layer of the stack at path, each with stored_in = `name`. Throws std::runtime_error naming
// the file and what is wrong when it is not a layerwise stack, has another format_version, key,
// key_text, data_checksum or precision than `header` and T, or a malformed layer (shapes that do not chain, a
// layer of another scheme, non-finite weights).
template <class T>
std::vector<TrainedLayer<T>> read_stack_file(const std::filesystem::path& path,
                                             const StackHeader& header, const std::string& name);

// The n_layers attribute of a stack file; throws std::runtime_error when it is no stack file.
long stack_file_layers(const std::filesystem::path& path);
// Its key attribute; throws likewise.
std::string stack_file_key(const std::filesystem::path& path);

}  // namespace lw
