#include "layerwise/io/datasets.hpp"

#include <filesystem>
#include <optional>

#include "layerwise/core/check.hpp"
#include "layerwise/core/streams.hpp"
#include "layerwise/io/csv.hpp"
#include "layerwise/io/hdf5_dataset.hpp"
#include "layerwise/io/idx.hpp"
#include "layerwise/io/split.hpp"
#include "layerwise/io/synthetic.hpp"

namespace lw {
namespace {

// Both parts get the same n_classes: the configured one, or the largest either part implies.
void unify_classes(Dataset& a, std::optional<Dataset>& b, arma::uword configured) {
  arma::uword k = configured ? configured : a.n_classes;
  if (b && !configured) k = std::max(k, b->n_classes);
  a.n_classes = k;
  if (b) b->n_classes = k;
}

Split load_idx_set(const DataConfig& c, Rng& rng, arma::uword default_classes) {
  const auto file = [&](const char* stem) { return find_idx_file(c.path, stem); };
  const arma::uword k = c.n_classes ? c.n_classes : default_classes;
  const std::string train_images = file("train-images-idx3-ubyte"), train_labels = file("train-labels-idx1-ubyte");
  const std::string test_images = file("t10k-images-idx3-ubyte"), test_labels = file("t10k-labels-idx1-ubyte");
  Dataset train = read_idx(train_images, train_labels, k);
  std::optional<Dataset> test = read_idx(test_images, test_labels, k);
  require_io(test->image_rows == train.image_rows && test->image_cols == train.image_cols,
             cat("load_split(): ", c.path, ": test images are ", test->image_rows, "x", test->image_cols,
                 " but training images are ", train.image_rows, "x", train.image_cols));
  unify_classes(train, test, k);
  return carve_split(std::move(train), std::move(test), c, arma::uword{10000}, rng);
}

void require_path(const DataConfig& c) {
  require(!c.path.empty(), cat("load_split(): data.path must be given for source ", c.source));
}

Split load_csv(const DataConfig& c, Rng& rng) {
  require_path(c);
  const CsvOptions opt{.label = c.csv_label, .header = c.csv_header, .delimiter = ',', .n_classes = c.n_classes};
  Dataset train = read_csv(c.path, opt);
  std::optional<Dataset> test;
  if (!c.test_path.empty()) test = read_csv(c.test_path, opt);
  require_io(!test || test->n_features() == train.n_features(),
             cat("load_split(): test file ", c.test_path, " has ", test ? test->n_features() : 0,
                 " features but training file ", c.path, " has ", train.n_features()));
  unify_classes(train, test, c.n_classes);
  return carve_split(std::move(train), std::move(test), c, std::nullopt, rng);
}

Split load_hdf5(const DataConfig& c, Rng& rng) {
  require_path(c);
  const Hdf5Options opt{.x = c.h5_x, .y = c.h5_y, .n_classes = c.n_classes};
  Dataset train = read_hdf5_dataset(c.path, opt);
  std::optional<Dataset> test;
  if (!c.test_path.empty()) test = read_hdf5_dataset(c.test_path, opt);
  require_io(!test || test->n_features() == train.n_features(),
             cat("load_split(): test file ", c.test_path, " has ", test ? test->n_features() : 0,
                 " features but training file ", c.path, " has ", train.n_features()));
  unify_classes(train, test, c.n_classes);
  return carve_split(std::move(train), std::move(test), c, std::nullopt, rng);
}

Split load_bars_stripes(const DataConfig& c, Rng& rng) {
  require(c.n_classes == 0 || c.n_classes == 2,
          cat("load_split(): data.n_classes = ", c.n_classes, " but bars_stripes has 2 classes"));
  Rng train_rng = rng.fork("bars_stripes/train"), test_rng = rng.fork("bars_stripes/test");
  Dataset train = make_bars_stripes(c.n_examples, c.image_size, c.noise, train_rng);
  std::optional<Dataset> test = make_bars_stripes(c.n_examples, c.image_size, c.noise, test_rng);
  return carve_split(std::move(train), std::move(test), c, std::nullopt, rng);
}

Split load_blobs(const DataConfig& c, Rng& rng) {
  Rng centre_rng = rng.fork("blobs/centres");
  const arma::fmat centres = blob_centres(c.n_classes ? c.n_classes : 3, c.blob_features, 5.0, centre_rng);
  Rng train_rng = rng.fork("blobs/train"), test_rng = rng.fork("blobs/test");
  Dataset train = make_blobs(centres, c.n_examples, c.blob_std, train_rng);
  std::optional<Dataset> test = make_blobs(centres, c.n_examples, c.blob_std, test_rng);
  return carve_split(std::move(train), std::move(test), c, std::nullopt, rng);
}

std::vector<DataSource>& registry() {
  static std::vector<DataSource> sources{
      {"fashion_mnist", "Fashion-MNIST, IDX files (default path /usr/share/datasets/fashion-mnist)",
       [](const DataConfig& c, Rng& rng) { return load_idx_set(c, rng, 10); }, false},
      {"mnist", "MNIST digits, IDX files under data.path (no default path)",
       [](const DataConfig& c, Rng& rng) {
         require(c.path != DataConfig{}.path,
                 cat("load_split(): data.path = ", c.path, " is the Fashion-MNIST default; "
                     "source mnist needs data.path set to the MNIST folder"));
         return load_idx_set(c, rng, 10);
       }, false},
      {"idx", "any IDX set with the MNIST file layout under data.path",
       [](const DataConfig& c, Rng& rng) { return load_idx_set(c, rng, 0); }, false},
      {"csv", "CSV file (data.path, optional data.test_path), label column data.csv_label", load_csv, false},
      {"hdf5", "HDF5 file (data.path, optional data.test_path), datasets data.h5_x, data.h5_y", load_hdf5, false},
      {"bars_stripes", "synthetic bars and stripes images (data.image_size, data.noise), 2 classes",
       load_bars_stripes},
      {"blobs", "synthetic Gaussian blobs (data.n_classes, data.blob_features, data.blob_std)", load_blobs},
  };
  return sources;
}

}  // namespace

bool register_data_source(DataSource source) {
  require(!source.name.empty() && source.load, "register_data_source(): a source needs a name and a function");
  for (const DataSource& s : registry())
    require(s.name != source.name, cat("register_data_source(): the name ", source.name, " is taken"));
  registry().push_back(std::move(source));
  return true;
}

std::vector<DataSource> data_sources() { return registry(); }

bool split_depends_on_seed(const DataConfig& c) { return c.shuffle || find_data_source(c.source).seeded; }

DataSource find_data_source(const std::string& name) {
  std::string known;
  for (const DataSource& s : registry()) {
    if (s.name == name) return s;
    known += cat(known.empty() ? "" : ", ", s.name);
  }
  throw std::invalid_argument(cat("find_data_source(): unknown data source '", name, "' (known: ", known, ")"));
}

std::string find_idx_file(const std::string& dir, const std::string& stem) {
  namespace fs = std::filesystem;
  const fs::path plain = fs::path(dir) / stem, gz = fs::path(dir) / (stem + ".gz");
  std::error_code ec;
  if (fs::exists(plain, ec)) return plain.string();
  if (fs::exists(gz, ec)) return gz.string();
  throw std::runtime_error(cat("find_idx_file(): neither ", plain.string(), " nor ", gz.string(), " exists"));
}

Split load_split(const DataConfig& c, std::uint64_t seed) {
  validate(c);
  const DataSource source = find_data_source(c.source);
  Rng rng = stream::data_split(seed);
  Split s = source.load(c, rng);
  const arma::uword d = s.train.n_features();
  for (auto [part, name] : {std::pair{&s.train, "train"}, {&s.valid, "valid"}, {&s.test, "test"}}) {
    check_dataset(*part, cat("load_split(): source ", c.source,
                             c.path.empty() ? std::string() : cat(" (", c.path, ")"), ", ", name));
    require(part->n_features() == d && part->n_classes == s.train.n_classes,
            cat("load_split(): source ", c.source, ", ", name, ": ", part->n_features(), " features and ",
                part->n_classes, " classes, but train has ", d, " and ", s.train.n_classes));
  }
  if (c.standardize) standardize(s);
  s.info = DataInfo{.source = c.source, .path = c.path, .n_train = s.train.n_examples(),
                    .n_valid = s.valid.n_examples(), .n_test = s.test.n_examples(), .n_features = d,
                    .n_classes = s.train.n_classes, .checksum = split_checksum(s)};
  if (c.source == "bars_stripes" || c.source == "blobs") s.info.path.clear();
  return s;
}

}  // namespace lw
