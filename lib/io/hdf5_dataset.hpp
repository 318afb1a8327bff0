#pragma once
// HDF5 input: a dataset X of shape (n_examples, n_features) -- or (n_examples, rows, cols) for
// images, which sets image_rows/image_cols -- as h5py writes a NumPy array (row-major), of any
// integer or float type (converted to float32 by HDF5), and an integer dataset y of shape
// (n_examples) or (n_examples, 1). Names are configurable (data.h5_x, data.h5_y) and may be paths
// ("train/X"). No scaling is applied; X must be finite and labels non-negative.
//
// Because HDF5 is row-major and Armadillo column-major, X's rows land as columns with no transpose:
// the file's X[j, :] is our X.col(j).
//
// Errors (std::runtime_error) name the file and the dataset: not an HDF5 file, a missing dataset,
// the wrong rank or type class, X and y of different lengths, a label out of range.
#include <string>

#include "layerwise/io/dataset.hpp"

namespace lw {

struct Hdf5Options {
  std::string x = "X", y = "y";
  arma::uword n_classes = 0;     // > 0: every label must be below it; 0: max label + 1
};

Dataset read_hdf5_dataset(const std::string& path, const Hdf5Options& options = {});

}  // namespace lw
