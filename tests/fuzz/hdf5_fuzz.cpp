// Fuzz target: the HDF5 data source (io/hdf5_dataset.hpp). The input is written to a file as is
// and read as a dataset X, y (the seeds are small h5py files: 2-D and image-shaped X of several
// types, 1-D and 2-D labels, gzip-chunked and nested datasets, NaN, negative and float labels,
// strings, scalars), once with the labels' range free and once with n_classes = 10.
// The reader's documented errors (std::runtime_error, std::invalid_argument) are fine; anything
// else -- a crash, a sanitizer report (ours or HDF5's), an uncaught exception, a broken invariant,
// an allocation beyond -rss_limit_mb driven by a dataspace, a hang -- is a finding.
#include <cstdint>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "layerwise/io/hdf5_dataset.hpp"

namespace {

void read(const std::string& path, arma::uword n_classes) {
  try {
    const lw::Dataset d = lw::read_hdf5_dataset(path, lw::Hdf5Options{.x = "X", .y = "y", .n_classes = n_classes});
    lw::fuzz::expect(d.X.n_cols == d.y.n_elem, "one label per example");
    lw::fuzz::expect(d.X.is_finite(), "X is finite");
    lw::fuzz::expect(n_classes == 0 || d.y.n_elem == 0 || d.y.max() < n_classes, "labels below n_classes");
    lw::fuzz::expect(d.image_rows == 0 || d.image_rows * d.image_cols == d.X.n_rows, "image shape fits X");
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lw::fuzz::ScratchFile file("hdf5");
  const std::string& path = file.write(data, size);
  read(path, 0);
  read(path, 10);
  return 0;
}
