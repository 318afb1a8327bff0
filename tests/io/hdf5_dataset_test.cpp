#include "layerwise/io/hdf5_dataset.hpp"

#include <hdf5.h>

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "io/io_test_util.hpp"

using namespace lw::test;

namespace {

// Writes a dataset of the given shape and in-memory type (row-major, as h5py writes NumPy arrays).
void write_dataset(hid_t file, const char* name, hid_t type, std::vector<hsize_t> dims, const void* data) {
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dset = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  BOOST_REQUIRE(dset >= 0);
  BOOST_REQUIRE(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  H5Dclose(dset);
  H5Sclose(space);
}

struct H5File {
  TempDir dir;
  std::string path = (dir / "data.h5").string();
  hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  void close() { if (id >= 0) H5Fclose(id); id = -1; }
  ~H5File() { close(); }
};

// X(j, i) = 10 j + i for n examples of d features (double), y = j % 3 (int64).
void write_xy(H5File& f, hsize_t n, hsize_t d, hsize_t n_labels, const char* x = "X", const char* y = "y") {
  std::vector<double> X(n * d);
  for (hsize_t j = 0; j < n; ++j)
    for (hsize_t i = 0; i < d; ++i) X[j * d + i] = 10.0 * j + i;
  std::vector<long long> labels(n_labels);
  for (hsize_t j = 0; j < n_labels; ++j) labels[j] = j % 3;
  write_dataset(f.id, x, H5T_NATIVE_DOUBLE, {n, d}, X.data());
  write_dataset(f.id, y, H5T_NATIVE_LLONG, {n_labels}, labels.data());
  f.close();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_hdf5_dataset)

BOOST_AUTO_TEST_CASE(rows_of_X_become_columns_and_labels_round_trip) {
  H5File f;
  write_xy(f, 4, 3, 4);
  const lw::Dataset d = lw::read_hdf5_dataset(f.path);
  BOOST_REQUIRE(d.X.n_rows == 3u);
  BOOST_REQUIRE(d.X.n_cols == 4u);
  for (arma::uword j = 0; j < 4; ++j)
    for (arma::uword i = 0; i < 3; ++i) BOOST_TEST(d.X(i, j) == 10.0f * j + i);
  BOOST_TEST(d.y[3] == 0u);
  BOOST_TEST(d.y[2] == 2u);
  BOOST_TEST(d.n_classes == 3u);
  BOOST_TEST(d.image_rows == 0u);
}

BOOST_AUTO_TEST_CASE(integer_images_of_three_dimensions_set_the_image_shape) {
  H5File f;
  std::vector<unsigned char> X(2 * 3 * 4);
  for (std::size_t k = 0; k < X.size(); ++k) X[k] = static_cast<unsigned char>(k);
  const std::vector<int> y{1, 0};
  write_dataset(f.id, "images", H5T_NATIVE_UCHAR, {2, 3, 4}, X.data());
  write_dataset(f.id, "labels", H5T_NATIVE_INT, {2}, y.data());
  f.close();
  const lw::Dataset d = lw::read_hdf5_dataset(f.path, {.x = "images", .y = "labels", .n_classes = 5});
  BOOST_TEST(d.image_rows == 3u);
  BOOST_TEST(d.image_cols == 4u);
  BOOST_REQUIRE(d.X.n_rows == 12u);
  BOOST_TEST(d.X(1 * 4 + 2, 1) == 12.0f + 6.0f);  // example 1, pixel (1, 2)
  BOOST_TEST(d.n_classes == 5u);
}

BOOST_AUTO_TEST_CASE(a_missing_dataset_names_file_dataset_and_option) {
  H5File f;
  write_xy(f, 4, 3, 4, "X", "labels");
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path), std::runtime_error,
                        message_has({f.path, "no dataset 'y'", "data.h5_y"}));
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path, {.x = "train/X", .y = "labels"}), std::runtime_error,
                        message_has({f.path, "no dataset 'train/X'", "data.h5_x"}));
}

BOOST_AUTO_TEST_CASE(x_and_y_of_different_lengths_are_reported) {
  H5File f;
  write_xy(f, 4, 3, 5);
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path), std::runtime_error,
                        message_has({f.path, "'X' has 4 examples", "'y' has 5 labels"}));
}

BOOST_AUTO_TEST_CASE(wrong_shapes_types_and_labels_are_reported) {
  H5File f;
  const std::vector<double> v{1, 2, 3};
  const std::vector<long long> bad{0, -2, 1};
  write_dataset(f.id, "X", H5T_NATIVE_DOUBLE, {3}, v.data());
  write_dataset(f.id, "yf", H5T_NATIVE_DOUBLE, {3}, v.data());
  write_dataset(f.id, "ybad", H5T_NATIVE_LLONG, {3}, bad.data());
  write_dataset(f.id, "X2", H5T_NATIVE_DOUBLE, {3, 1}, v.data());
  f.close();
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path, {.x = "X", .y = "ybad"}), std::runtime_error,
                        message_has({f.path, "'X' has shape (3,)"}));
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path, {.x = "X2", .y = "yf"}), std::runtime_error,
                        message_has({f.path, "'yf' is not of an integer type"}));
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path, {.x = "X2", .y = "ybad"}), std::runtime_error,
                        message_has({f.path, "'ybad' [1] = -2"}));
}

BOOST_AUTO_TEST_CASE(missing_and_non_hdf5_files_are_named) {
  TempDir dir;
  const std::string missing = (dir / "none.h5").string(), text = (dir / "text.h5").string();
  write_file(text, "not hdf5\n");
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(missing), std::runtime_error, message_has({missing, "no such file"}));
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(text), std::runtime_error, message_has({text, "not an HDF5 file"}));
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(dir.path().string()), std::runtime_error,
                        message_has({"not a regular file"}));
}

BOOST_AUTO_TEST_CASE(non_finite_features_are_reported_with_their_position) {
  H5File f;
  const std::vector<float> X{1, 2, 3, NAN};
  const std::vector<int> y{0, 1};
  write_dataset(f.id, "X", H5T_NATIVE_FLOAT, {2, 2}, X.data());
  write_dataset(f.id, "y", H5T_NATIVE_INT, {2}, y.data());
  f.close();
  BOOST_CHECK_EXCEPTION(lw::read_hdf5_dataset(f.path), std::runtime_error,
                        message_has({f.path, "non-finite value at [1, 1]"}));
}

BOOST_AUTO_TEST_SUITE_END()
