#include "layerwise/io/data_config.hpp"

#include "layerwise/core/check.hpp"
#include "layerwise/io/dataset.hpp"
#include "layerwise/io/datasets.hpp"

namespace lw {

void describe_options(OptionTable& d, DataConfig& c) {
  std::string sources;
  for (const DataSource& s : data_sources()) sources += cat(sources.empty() ? "" : ", ", s.name);
  d.add("data.source", c.source, cat("data source: ", sources))
    .add("data.path", c.path,
           "IDX folder (fashion_mnist, mnist, idx), or the CSV / HDF5 training file")
    .add("data.test_path", c.test_path,
           "csv, hdf5: separate test file (empty: the test set is carved from the training file)")
    .add("data.n_train", c.n_train,
           "training examples: the first n of what remains after validation (0 = all)")
    .add("data.n_labeled", c.n_labeled,
           "labeled examples fine-tuning sees: the first n of the seed's permutation of the "
           "training examples, nested across n and the same for every arm (0 = all); "
           "pretraining sees every training example")
    .add("data.n_valid", c.n_valid,
           "validation examples, the last n of the training file (-1 = 10000 for IDX sets, else 20%)")
    .add("data.valid_fraction", c.valid_fraction,
           "if > 0: validation = this fraction of the training file instead of data.n_valid")
    .add("data.n_test", c.n_test,
           "test examples: the first n of the test file (0 = all; carved test sets: 20%)")
    .add("data.n_classes", c.n_classes,
           "number of classes (0 = 10 for MNIST sets, 3 for blobs, else max label + 1)")
    .flag("data.shuffle", c.shuffle,
           "permute the training file (stream data/split) before carving validation")
    .flag("data.standardize", c.standardize,
           "standardise features with the training part's mean and standard deviation")
    .add("data.csv_label", c.csv_label,
           "csv: label column, 0-based index (negative counts from the end) or header name")
    .add("data.csv_header", c.csv_header,
           "csv: header row: auto (if the first row is not numeric), true or false")
    .add("data.h5_x", c.h5_x, "hdf5: features dataset (n_examples, n_features)")
    .add("data.h5_y", c.h5_y, "hdf5: labels dataset (n_examples,)")
    .add("data.n_examples", c.n_examples,
           "bars_stripes, blobs: examples in the training pool and in the test pool")
    .add("data.image_size", c.image_size, "bars_stripes: image side")
    .add("data.noise", c.noise, "bars_stripes: pixel flip probability")
    .add("data.blob_features", c.blob_features, "blobs: dimension")
    .add("data.blob_std", c.blob_std,
           "blobs: standard deviation around each centre (centres uniform in [-5, 5])");
}

void validate(const DataConfig& c) {
  const auto fail = [](const std::string& option, const auto& value, const std::string& allowed) {
    throw std::invalid_argument(cat("validate(): data.", option, " = ", value, " is invalid: ", allowed));
  };
  bool known = false;
  std::string names;
  for (const DataSource& s : data_sources()) {
    known = known || s.name == c.source;
    names += cat(names.empty() ? "" : ", ", s.name);
  }
  if (!known) fail("source", c.source, "known sources are " + names);
  if ((c.source == "csv" || c.source == "hdf5") && c.path == DataConfig{}.path)
    fail("path", c.path, cat("is the Fashion-MNIST folder (the default); source ", c.source,
                             " needs data.path set to its ", c.source == "csv" ? "CSV" : "HDF5",
                             " training file"));
  // Counts are unsigned: "-5" on the command line wraps to a huge number; name it as given.
  const auto count = [&](const std::string& option, arma::uword v) {
    if (v > (arma::uword(1) << 48))
      fail(option, static_cast<long long>(v), "must be a count >= 0 (0: all available)");
  };
  count("n_train", c.n_train);
  count("n_labeled", c.n_labeled);
  if (c.n_train > 0 && c.n_labeled > c.n_train)
    fail("n_labeled", c.n_labeled, cat("must be at most data.n_train (", c.n_train, ")"));
  count("n_test", c.n_test);
  count("n_examples", c.n_examples);
  if (c.n_classes > max_classes)
    fail("n_classes", c.n_classes, cat("must be at most ", max_classes, " (0: from the labels)"));
  if (c.n_valid < -1) fail("n_valid", c.n_valid, "must be >= 0, or -1 for the source default");
  if (!(c.valid_fraction >= 0 && c.valid_fraction < 1))
    fail("valid_fraction", c.valid_fraction, "must be in [0, 1)");
  if (c.valid_fraction > 0 && c.n_valid >= 0)
    fail("valid_fraction", c.valid_fraction, cat("give data.n_valid (", c.n_valid, ") or it, not both"));
  if (c.csv_header != "auto" && c.csv_header != "true" && c.csv_header != "false")
    fail("csv_header", c.csv_header, "must be auto, true or false");
  if (c.csv_label.empty()) fail("csv_label", "''", "give a column index or name");
  if (c.h5_x.empty()) fail("h5_x", "''", "give a dataset name");
  if (c.h5_y.empty()) fail("h5_y", "''", "give a dataset name");
  if (c.n_examples < 1) fail("n_examples", c.n_examples, "must be >= 1");
  if (c.image_size < 2 || c.image_size > 64) fail("image_size", c.image_size, "must be in [2, 64]");
  if (!(c.noise >= 0 && c.noise <= 0.5)) fail("noise", c.noise, "must be in [0, 0.5]");
  if (c.blob_features < 1) fail("blob_features", c.blob_features, "must be >= 1");
  if (!(c.blob_std > 0)) fail("blob_std", c.blob_std, "must be > 0");
}

}  // namespace lw
