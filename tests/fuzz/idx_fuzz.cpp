// Fuzz target: the IDX reader (io/idx.hpp), plain and gzip.
// The input is written to a file as is and read as images and as labels; then the same bytes are
// gzip-compressed and read again, so the IDX parser is fuzzed behind zlib as well (corrupt and
// truncated gzip streams come from gzip seeds in the corpus, which reach the first, as-is pass).
// The readers' documented errors (std::runtime_error, std::invalid_argument) are fine; anything
// else — a crash, a sanitizer report, an uncaught std::bad_alloc / std::logic_error, an allocation
// beyond libFuzzer's -rss_limit_mb driven by a header field, a hang — is a finding.
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "layerwise/io/idx.hpp"

namespace {

void read_both(const std::string& path) {
  try {
    const lw::IdxImages im = lw::read_idx_images(path);
    lw::fuzz::expect(im.rows > 0 && im.cols > 0, "image size is positive");
    lw::fuzz::expect(im.X.n_rows == im.rows * im.cols, "X has rows*cols rows");
    lw::fuzz::expect(im.X.is_finite() && (im.X.n_elem == 0 || (im.X.min() >= 0 && im.X.max() <= 1)),
                     "pixels / 255 lie in [0, 1]");
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
  try {
    const arma::uvec y = lw::read_idx_labels(path, 10);
    lw::fuzz::expect(y.n_elem == 0 || y.max() < 10, "labels lie in [0, n_classes)");
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lw::fuzz::ScratchFile plain("idx"), gz("idx_gz");
  read_both(plain.write(data, size));
  read_both(gz.write(lw::fuzz::gzip(data, size)));
  return 0;
}
