#pragma once
// Data augmentation of training batches (never validation or test data; labels untouched):
//   noise   x <- x + e, e ~ N(0, noise_sd^2) elementwise
//   shift   each image moves by (dy, dx), each uniform in [-max_shift, max_shift]; pixels shifted
//           in are 0. Images are row-major as in IDX files: pixel (r, c) is feature
//           r * image_cols + c of its column.
#include <armadillo>

#include "layerwise/core/random.hpp"

namespace lw {

struct AugmentConfig {
  double noise_sd = 0;      // 0: off
  int max_shift = 0;        // pixels; 0: off; needs image_rows and image_cols
  arma::uword image_rows = 0, image_cols = 0;

  bool enabled() const { return noise_sd > 0 || max_shift > 0; }
};

void validate(const AugmentConfig& config, arma::uword n_features);

template <class T>
void augment_batch(arma::Mat<T>& X, const AugmentConfig& config, Rng& rng);

}  // namespace lw
