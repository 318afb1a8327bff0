#pragma once
// The data-source registry and load_split, the one call an experiment makes for its data.
//
// A data source is a function (DataConfig, Rng&) -> Split that reads or generates its data and
// carves it with carve_split (io/split.hpp). load_split validates the config, calls the source
// with stream::data_split(seed) (core/streams.hpp), checks every part (labels in range, shapes agree), applies
// data.standardize and fills Split::info (sizes and the CRC-32 checksum). The split is a pure
// function of the config and the seed.
//
// Built in:
//   fashion_mnist, mnist, idx   IDX files under data.path: train-images-idx3-ubyte,
//                               train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
//                               t10k-labels-idx1-ubyte, each plain or with .gz; pixels / 255;
//                               valid = last 10,000 of the training file by default; test = t10k.
//                               mnist has no default path (data.path must be given).
//   csv                         data.path (training file), optional data.test_path
//   hdf5                        data.path, datasets data.h5_x / data.h5_y, optional data.test_path
//   bars_stripes, blobs         synthetic (io/synthetic.hpp), training and test pools of
//                               data.n_examples each
// Adding one: register_data_source({.name = ..., .summary = ..., .load = fn}) before load_split.
// The registry is a function-local static; an unknown name throws listing the known names.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/io/data_config.hpp"
#include "layerwise/io/dataset.hpp"

namespace lw {

struct DataSource {
  std::string name, summary;
  std::function<Split(const DataConfig&, Rng&)> load;
  bool seeded = true;  // the data depend on the seed even without data.shuffle (synthetic ones)
};

// Whether load_split's result changes with the seed: data.shuffle, or a seeded source. When not,
// a sweep loads the split once for all its seeds.
bool split_depends_on_seed(const DataConfig& c);

// Adds a source; throws std::invalid_argument if the name is empty or taken. Returns true (so a
// file can register itself with `[[maybe_unused]] const bool registered = register_data_source(...)`).
bool register_data_source(DataSource source);

// All sources, built-ins first, in registration order (for --help listings).
std::vector<DataSource> data_sources();

// The source of that name, or std::invalid_argument listing the known names.
DataSource find_data_source(const std::string& name);

Split load_split(const DataConfig& c, std::uint64_t seed);

// dir/stem if it exists, else dir/stem.gz if that exists, else std::runtime_error naming both.
std::string find_idx_file(const std::string& dir, const std::string& stem);

}  // namespace lw
