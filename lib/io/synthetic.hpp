#pragma once
// Small synthetic data sets, deterministic in the Rng they are given. For tests and tiny runs.
//
// bars_stripes: size x size binary images (image_rows = image_cols = size, pixels in {0, 1}).
//   Class 0 ("stripes"): each ROW is on or off with probability 1/2; class 1 ("bars"): each COLUMN.
//   The class is drawn with probability 1/2; the all-off and all-on patterns, which belong to both
//   classes, are redrawn, so every label is unambiguous. Then each pixel is flipped with
//   probability `flip` (label noise-free, input noise only).
// blobs: k Gaussian blobs in d dimensions. Centres c_k ~ U[-box, box]^d are drawn once (share
//   them between the training and test pools); each example picks its class y uniformly and
//   x = c_y + std * N(0, I).
#include "layerwise/core/random.hpp"
#include "layerwise/io/dataset.hpp"

namespace lw {

Dataset make_bars_stripes(arma::uword n_examples, arma::uword size, double flip, Rng& rng);

// n_features x n_classes centres, each coordinate ~ U[-box, box].
arma::fmat blob_centres(arma::uword n_classes, arma::uword n_features, double box, Rng& rng);

// n_examples points around the given centres (one class per column of `centres`).
Dataset make_blobs(const arma::fmat& centres, arma::uword n_examples, double std, Rng& rng);

}  // namespace lw
