// Fuzz target: the CSV reader (io/csv.hpp read_csv).
// The first input byte chooses the options (header mode, label column, delimiter, n_classes); the
// rest is the file. The reader's documented errors (std::runtime_error for bad data,
// std::invalid_argument for bad options) are fine; anything else — a crash, a sanitizer report, an
// uncaught std::bad_alloc / std::logic_error, a hang — is a finding, and so is a successful read
// that breaks the header's promises (shapes, finite features, labels in range).
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "layerwise/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lw::fuzz::ScratchFile file("csv");
  if (size == 0) return 0;
  const unsigned o = data[0];
  static const char* const headers[] = {"auto", "true", "false", "auto"};
  static const char* const labels[] = {"0", "-1", "1", "label"};
  static const char delimiters[] = {',', ';', '\t', ' '};
  lw::CsvOptions opt;
  opt.header = headers[o & 3];
  opt.label = labels[(o >> 2) & 3];
  opt.delimiter = delimiters[(o >> 4) & 3];
  opt.n_classes = (o & 0x40) ? 10 : 0;
  try {
    const lw::Dataset d = lw::read_csv(file.write(data + 1, size - 1), opt);
    lw::fuzz::expect(d.X.n_cols == d.y.n_elem && d.y.n_elem > 0, "one column of X per label");
    lw::fuzz::expect(d.X.n_rows >= 1, "at least one feature");
    lw::fuzz::expect(d.X.is_finite(), "features are finite");
    lw::fuzz::expect(d.y.max() < d.n_classes, "labels lie in [0, n_classes)");
    lw::fuzz::expect(opt.n_classes == 0 || d.n_classes == opt.n_classes, "n_classes as given");
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
