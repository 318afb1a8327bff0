#include "layerwise/io/dataset.hpp"

#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

// Gives the whole pages inside [begin, end) back to the system (they read as zero if touched
// again). For the dropped columns of keep_leading_columns, which nothing reads: the allocation
// keeps its size, but they no longer count in the resident memory (30 MB for Fashion-MNIST's
// validation columns). Advice only: a failure changes nothing but the memory figure.
void release_pages(float* begin, float* end) {
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
  const std::uintptr_t last = reinterpret_cast<std::uintptr_t>(end) / page * page;
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace

arma::fmat one_hot(const arma::uvec& y, arma::uword n_classes) {
  arma::fmat Y(n_classes, y.n_elem, arma::fill::zeros);
  for (arma::uword j = 0; j < y.n_elem; ++j) {
    require(y[j] < n_classes, cat("one_hot(): label ", y[j], " of example ", j,
                                  " is not below n_classes (", n_classes, ")"));
    Y(y[j], j) = 1.0f;
  }
  return Y;
}

void keep_leading_columns(Dataset& d, arma::uword n) {
  require(n <= d.X.n_cols, cat("keep_leading_columns(): ", n, " columns of ", d.X.n_cols));
  if (n == d.X.n_cols) return;
  d.y = arma::uvec(d.y.head(n));
#if ARMA_VERSION_MAJOR >= 9 && ARMA_VERSION_MAJOR <= 12
  // Armadillo keeps a heap allocation when set_size() asks for fewer elements (Mat::init_warm,
  // "reusing memory"), so the first n columns, the leading n_rows * n elements of column-major
  // storage, stay where they are. Not a documented promise: checked, and only the versions whose
  // source was read are trusted with it; small sizes move to the matrix's local buffer: copied.
  if (d.X.n_rows * n > arma::arma_config::mat_prealloc) {
    const float* before = d.X.memptr();
    const arma::uword old_elem = d.X.n_elem;
    d.X.set_size(d.X.n_rows, n);
    if (d.X.memptr() != before)
      throw std::logic_error("keep_leading_columns(): Armadillo moved the matrix on shrinking");
    release_pages(d.X.memptr() + d.X.n_elem, d.X.memptr() + old_elem);
    return;
  }
#endif
  d.X = arma::fmat(d.X.head_cols(n));
}

Dataset take_columns(const Dataset& d, arma::uword first, arma::uword count) {
  require(first + count <= d.X.n_cols, cat("take_columns(): columns [", first, ", ", first + count,
                                           ") outside 0..", d.X.n_cols));
  Dataset out;
  out.n_classes = d.n_classes;
  out.image_rows = d.image_rows;
  out.image_cols = d.image_cols;
  if (count == 0) {
    out.X.set_size(d.X.n_rows, 0);
    out.y.set_size(0);
  } else {
    out.X = d.X.cols(first, first + count - 1);
    out.y = d.y.subvec(first, first + count - 1);
  }
  return out;
}

void check_dataset(const Dataset& d, const std::string& what) {
  require(d.X.n_cols == d.y.n_elem,
          cat(what, ": X has ", d.X.n_cols, " examples but y has ", d.y.n_elem, " labels"));
  require(d.n_classes > 0, cat(what, ": n_classes must be > 0"));
  require(d.n_classes <= max_classes,
          cat(what, ": ", d.n_classes, " classes (the largest label is ", d.n_classes - 1,
              "); at most ", max_classes, " are allowed: is the label column right, or the file damaged?"));
  for (arma::uword j = 0; j < d.y.n_elem; ++j)
    require(d.y[j] < d.n_classes,
            cat(what, ": label ", d.y[j], " of example ", j, " is outside [0, ", d.n_classes, ")"));
  if (d.image_rows || d.image_cols)
    require(d.image_rows * d.image_cols == d.X.n_rows,
            cat(what, ": image shape ", d.image_rows, "x", d.image_cols, " does not match ",
                d.X.n_rows, " features"));
}

void require_input_file(const std::string& fn, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  require_io(fs::exists(status), cat(fn, "(): cannot open ", path, ": no such file"));
  require_io(fs::is_regular_file(status),
             cat(fn, "(): cannot open ", path, ": not a regular file"));
}

namespace {

// Running CRC-32 (zlib) over bytes; integers are fed as 8 little-endian bytes, so the value does
// not depend on the host's word size or byte order (float bytes assume IEEE-754 little-endian).
struct Crc {
  uLong crc = crc32(0L, Z_NULL, 0);
  void bytes(const void* p, std::size_t n) { crc = crc32_z(crc, static_cast<const Bytef*>(p), n); }
  void u64(std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    bytes(b, 8);
  }
  void dataset(const Dataset& d) {
    u64(d.X.n_rows);
    u64(d.X.n_cols);
    bytes(d.X.memptr(), d.X.n_elem * sizeof(float));
    for (arma::uword j = 0; j < d.y.n_elem; ++j) u64(d.y[j]);
    u64(d.n_classes);
  }
};

}  // namespace

std::string split_checksum(const Split& s) {
  Crc c;
  c.dataset(s.train);
  c.dataset(s.valid);
  c.dataset(s.test);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(c.crc));
  return hex;
}

}  // namespace lw
