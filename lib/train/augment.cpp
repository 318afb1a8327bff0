#include "layerwise/train/augment.hpp"

#include <algorithm>
#include <vector>

#include "layerwise/core/check.hpp"

namespace lw {

void validate(const AugmentConfig& c, arma::uword n_features) {
  require(c.noise_sd >= 0, cat("augment: noise_sd must be >= 0 (", c.noise_sd, ")"));
  require(c.max_shift >= 0, cat("augment: max_shift must be >= 0 (", c.max_shift, ")"));
  if (c.max_shift > 0)
    require(c.image_rows * c.image_cols == n_features && n_features > 0,
            cat("augment: max_shift needs image data, but the data has ", n_features,
                " features and image shape ", c.image_rows, "x", c.image_cols));
}

template <class T>
void augment_batch(arma::Mat<T>& X, const AugmentConfig& c, Rng& rng) {
  if (c.max_shift > 0) {
    const auto rows = static_cast<long>(c.image_rows), cols = static_cast<long>(c.image_cols);
    require(static_cast<arma::uword>(rows * cols) == X.n_rows,
            cat("augment_batch(): image shape ", rows, "x", cols, " does not match ", X.n_rows,
                " features"));
    // Reused across batches (per thread): augmentation allocates nothing in the training loop.
    thread_local std::vector<T> shifted;
    shifted.resize(X.n_rows);
    const auto span = static_cast<std::uint64_t>(2 * c.max_shift + 1);
    for (arma::uword j = 0; j < X.n_cols; ++j) {
      const long dy = static_cast<long>(rng.below(span)) - c.max_shift;
      const long dx = static_cast<long>(rng.below(span)) - c.max_shift;
      if (dx == 0 && dy == 0) continue;
      T* col = X.colptr(j);
      std::fill(shifted.begin(), shifted.end(), T(0));
      for (long r = 0; r < rows; ++r) {
        const long src_r = r - dy;
        if (src_r < 0 || src_r >= rows) continue;
        for (long q = 0; q < cols; ++q) {
          const long src_c = q - dx;
          if (src_c >= 0 && src_c < cols) shifted[r * cols + q] = col[src_r * cols + src_c];
        }
      }
      std::copy(shifted.begin(), shifted.end(), col);
    }
  }
  if (c.noise_sd > 0)
    for (auto& v : X) v += static_cast<T>(rng.normal(0.0, c.noise_sd));
}

template void augment_batch(arma::Mat<float>&, const AugmentConfig&, Rng&);
template void augment_batch(arma::Mat<double>&, const AugmentConfig&, Rng&);

}  // namespace lw
