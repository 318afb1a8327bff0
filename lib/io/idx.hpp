#pragma once
// IDX files (LeCun's MNIST format), plain or gzip-compressed (detected by the magic bytes 1f 8b,
// not by the file name).
//
//   images: magic 0x00000803 (unsigned bytes, 3 dims), then n, rows, cols as big-endian uint32,
//           then n * rows * cols pixels, image after image, each row-major.
//   labels: magic 0x00000801 (unsigned bytes, 1 dim), then n, then n label bytes.
//
// Images are decoded straight into float32, one image per column (X is rows*cols x n, pixel (r, c)
// of image j at X(r * cols + c, j)), and DIVIDED BY `divisor` here (default 255, so pixels land in
// [0, 1]; pass 1 for the raw byte values). A plain file is streamed in chunks into the matrix, so
// peak memory is the float matrix plus a fixed buffer. A gzip file's inflated size is known only at
// its end, so its bytes are read first into a buffer that grows with the data actually inflated
// (never with what the header claims), then converted: peak memory is the float matrix plus the bytes.
//
// Every problem throws std::runtime_error naming the function, the file, the byte offset (in the
// decompressed stream) and what was expected versus found: missing or unreadable file, wrong magic
// number, zero dimensions, truncation, trailing bytes, corrupt gzip data, a label outside
// [0, n_classes), images and labels of different counts.
#include <string>

#include "layerwise/io/dataset.hpp"

namespace lw {

struct IdxImages {
  arma::fmat X;                    // rows*cols x n
  arma::uword rows = 0, cols = 0;
};

IdxImages read_idx_images(const std::string& path, float divisor = 255.0f);

// n_classes > 0: every label must be below it (else the error names the example and byte offset).
arma::uvec read_idx_labels(const std::string& path, arma::uword n_classes = 0);

// Images and labels together; n_classes = 0 takes max label + 1. Pixels / 255.
Dataset read_idx(const std::string& images_path, const std::string& labels_path,
                 arma::uword n_classes = 0);

}  // namespace lw
