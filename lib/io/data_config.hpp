#pragma once
// The [data] section of an experiment's configuration: which source, where, how to split and
// preprocess. Every default lives here (default member initialisers); describe_options binds the
// fields to options named data.<field> for the command line, --help and INI files ([data]).
//
// Split protocol (see io/split.hpp): validation is carved from the END of the training file
// (n_valid examples, or valid_fraction of it), training is the first n_train of what remains, the
// test file stays the test set (first n_test). Sources without a test file carve the test set
// from the end of the training file first. The reference protocol for Fashion-MNIST is the default:
// train = first 50,000 training images, valid = last 10,000, test = the 10,000 test images,
// pixels / 255, nothing else.
#include <armadillo>
#include <cstdint>
#include <string>

#include "layerwise/core/option_table.hpp"

namespace lw {

struct DataConfig {
  std::string source = "fashion_mnist";
  std::string path = "/usr/share/datasets/fashion-mnist";   // IDX folder, CSV or HDF5 training file
  std::string test_path;                  // csv, hdf5: a separate test file (empty: carve one)
  arma::uword n_train = 0;                // 0 = all that remain after validation
  arma::uword n_labeled = 0;              // fine-tuning's labeled examples (experiment/labeled.hpp); 0 = all
  std::int64_t n_valid = -1;              // -1 = source default: 10000 for IDX sets, else 20%
  double valid_fraction = 0;              // > 0: this fraction of the training file instead
  arma::uword n_test = 0;                 // 0 = all (carved: 20% of the training file)
  arma::uword n_classes = 0;              // 0 = source default (10 for MNIST sets, else max label + 1)
  bool shuffle = false;                   // permute the training file before carving (data/split)
  bool standardize = false;               // z-score features with the training part's mean/std
  std::string csv_label = "0";            // label column: index (negative from the end) or name
  std::string csv_header = "auto";        // auto | true | false
  std::string h5_x = "X", h5_y = "y";     // HDF5 dataset names
  arma::uword n_examples = 1000;          // synthetic: size of the training pool (and the test pool)
  arma::uword image_size = 4;             // bars_stripes: image side
  double noise = 0;                       // bars_stripes: pixel flip probability
  arma::uword blob_features = 2;          // blobs: dimension
  double blob_std = 1.0;                  // blobs: standard deviation around each centre
};

// Adds data.source, data.path, ... bound to the fields of c, each with its default and help.
void describe_options(OptionTable& d, DataConfig& c);

// Throws std::invalid_argument naming the option, its value and what is allowed.
void validate(const DataConfig& c);

}  // namespace lw
