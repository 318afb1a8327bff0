// Datasets of the HDF5 layer (io/h5_data.cpp, declared in io/h5.hpp): fixed matrices and vectors
// written from Armadillo and read back, in the (n_rows, n_cols) layout NumPy sees, in float, double
// and int64; series growing along axis 0; and errors naming the file and the dataset.
// tests/io/h5_test.cpp covers one double matrix's layout, a float read back, int64 vectors and a
// float64/int64 series; here: weight-shaped (fan_out x fan_in) float and double matrices, stored
// types, conversions, edge shapes, float32 series and the failure messages.
#include <hdf5_hl.h>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "layerwise/io/h5.hpp"
#include "support/temp_dir.hpp"

namespace h5 = lw::h5;

namespace {

// The message of the std::runtime_error f throws; "" if none.
template <class F>
std::string runtime_error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

template <class F>
std::string invalid_argument_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A fan_out x fan_in matrix whose entries encode their position: W(i, j) = 10 i + j + 0.25.
template <class T>
arma::Mat<T> weight_like(arma::uword fan_out, arma::uword fan_in) {
  arma::Mat<T> W(fan_out, fan_in);
  for (arma::uword i = 0; i < fan_out; ++i)
    for (arma::uword j = 0; j < fan_in; ++j) W(i, j) = static_cast<T>(10.0 * i + j + 0.25);
  return W;
}

// The stored element type of a dataset: class and size in bytes.
std::pair<H5T_class_t, std::size_t> stored_type(const h5::Object& ds) {
  const hid_t t = H5Dget_type(ds.id());
  const std::pair<H5T_class_t, std::size_t> out{H5Tget_class(t), H5Tget_size(t)};
  H5Tclose(t);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_h5_data)

BOOST_AUTO_TEST_CASE(a_float_weight_matrix_is_stored_as_fan_out_by_fan_in_in_row_major_order) {
  lw::test::TempDir dir;
  const arma::fmat W = weight_like<float>(3, 5);  // fan_out 3, fan_in 5
  {
    h5::Object f = h5::create_file(dir / "w.h5", h5::Create::truncate);
    const h5::Object ds = h5::write_matrix(f, "W", W);
    BOOST_TEST(ds.path() == "/W");
    BOOST_TEST(ds.file() == (dir / "w.h5").string());
  }
  const h5::Object f = h5::open_file(dir / "w.h5");
  const h5::Object ds = h5::open_dataset(f, "W");
  BOOST_TEST((h5::shape(ds) == std::vector<hsize_t>{3, 5}));
  BOOST_TEST((stored_type(ds) == std::pair<H5T_class_t, std::size_t>{H5T_FLOAT, 4}));
  float raw[15];  // what NumPy's W[i, j] reads: element i * 5 + j
  BOOST_REQUIRE(H5Dread(ds.id(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) BOOST_TEST(raw[i * 5 + j] == 10.0f * i + j + 0.25f, i << "," << j);
  const arma::fmat back = h5::read_matrix<float>(f, "W");
  BOOST_TEST(back.n_rows == 3u);
  BOOST_TEST(back.n_cols == 5u);
  BOOST_TEST(arma::approx_equal(back, W, "absdiff", 0.0f));
}

BOOST_AUTO_TEST_CASE(a_double_matrix_round_trips_bit_for_bit_and_is_stored_as_8_byte_floats) {
  lw::test::TempDir dir;
  arma::mat W = weight_like<double>(4, 2);
  W(0, 1) = 0.1;  // not exactly representable: must survive unrounded
  W(3, 0) = -1e-300;
  W(2, 1) = 1.0 / 3.0;
  {
    h5::Object f = h5::create_file(dir / "d.h5", h5::Create::truncate);
    h5::write_matrix(f, "W", W);
  }
  const h5::Object f = h5::open_file(dir / "d.h5");
  const h5::Object ds = h5::open_dataset(f, "W");
  BOOST_TEST((h5::shape(ds) == std::vector<hsize_t>{4, 2}));
  BOOST_TEST((stored_type(ds) == std::pair<H5T_class_t, std::size_t>{H5T_FLOAT, 8}));
  double raw[8];
  BOOST_REQUIRE(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
  BOOST_TEST(raw[0 * 2 + 1] == 0.1);
  BOOST_TEST(raw[3 * 2 + 0] == -1e-300);
  BOOST_TEST(raw[1 * 2 + 0] == 10.25);
  const arma::mat back = h5::read_matrix<double>(f, "W");
  BOOST_TEST(arma::approx_equal(back, W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(single_row_and_single_column_matrices_keep_their_orientation) {
  lw::test::TempDir dir;
  const arma::mat row = {{1, 2, 3, 4}};          // 1 x 4
  const arma::mat col = arma::mat(row.t());      // 4 x 1
  {
    h5::Object f = h5::create_file(dir / "rc.h5", h5::Create::truncate);
    h5::write_matrix(f, "row", row);
    h5::write_matrix(f, "col", col);
  }
  const h5::Object f = h5::open_file(dir / "rc.h5");
  BOOST_TEST((h5::shape(h5::open_dataset(f, "row")) == std::vector<hsize_t>{1, 4}));
  BOOST_TEST((h5::shape(h5::open_dataset(f, "col")) == std::vector<hsize_t>{4, 1}));
  const arma::mat r = h5::read_matrix<double>(f, "row"), c = h5::read_matrix<double>(f, "col");
  BOOST_TEST(r.n_rows == 1u);
  BOOST_TEST(c.n_cols == 1u);
  BOOST_TEST(arma::approx_equal(r, row, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(c, col, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(vectors_round_trip_in_float_double_and_int64_with_their_stored_types) {
  lw::test::TempDir dir;
  const arma::fvec vf = {0.5f, -1.25f, 3.0e-8f};
  const arma::vec vd = {0.1, 1.0 / 3.0, -7.0, 1e300};
  const arma::Col<std::int64_t> vi = {std::int64_t{-9223372036854775807LL - 1}, 0,
                                      std::int64_t{9223372036854775807LL}};
  {
    h5::Object f = h5::create_file(dir / "v.h5", h5::Create::truncate);
    h5::Object g = h5::create_group(f, "g");
    BOOST_TEST(h5::write_vector(g, "f", vf).path() == "/g/f");
    h5::write_vector(g, "d", vd);
    h5::write_vector(g, "i", vi);
  }
  const h5::Object f = h5::open_file(dir / "v.h5");
  BOOST_TEST((h5::shape(h5::open_dataset(f, "g/f")) == std::vector<hsize_t>{3}));
  BOOST_TEST((stored_type(h5::open_dataset(f, "g/f")) == std::pair<H5T_class_t, std::size_t>{H5T_FLOAT, 4}));
  BOOST_TEST((stored_type(h5::open_dataset(f, "g/d")) == std::pair<H5T_class_t, std::size_t>{H5T_FLOAT, 8}));
  BOOST_TEST((stored_type(h5::open_dataset(f, "g/i")) == std::pair<H5T_class_t, std::size_t>{H5T_INTEGER, 8}));
  const h5::Object g = h5::open_group(f, "g");
  BOOST_TEST(arma::approx_equal(h5::read_vector<float>(g, "f"), vf, "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(h5::read_vector<double>(g, "d"), vd, "absdiff", 0.0));
  const arma::Col<std::int64_t> back = h5::read_vector<std::int64_t>(g, "i");
  BOOST_TEST_REQUIRE(back.n_elem == 3u);
  BOOST_TEST(back(0) == vi(0));
  BOOST_TEST(back(2) == vi(2));
}

BOOST_AUTO_TEST_CASE(reading_converts_the_stored_type_to_the_one_asked_for) {
  lw::test::TempDir dir;
  const arma::mat D = {{0.1, 2.0}, {-3.5, 1e-3}};
  const arma::fmat F = {{0.1f, 2.0f}, {-3.5f, 1e-3f}};
  {
    h5::Object f = h5::create_file(dir / "c.h5", h5::Create::truncate);
    h5::write_matrix(f, "D", D);
    h5::write_matrix(f, "F", F);
    h5::write_vector(f, "I", arma::Col<std::int64_t>{-2, 0, 5});
  }
  const h5::Object f = h5::open_file(dir / "c.h5");
  // double -> float rounds to nearest; float -> double widens exactly.
  const arma::fmat d_as_f = h5::read_matrix<float>(f, "D");
  for (arma::uword k = 0; k < 4; ++k) BOOST_TEST(d_as_f(k) == static_cast<float>(D(k)), k);
  const arma::mat f_as_d = h5::read_matrix<double>(f, "F");
  for (arma::uword k = 0; k < 4; ++k) BOOST_TEST(f_as_d(k) == static_cast<double>(F(k)), k);
  BOOST_TEST(f_as_d(0, 0) != 0.1);  // it is the float 0.1, widened
  const arma::vec i_as_d = h5::read_vector<double>(f, "I");
  BOOST_TEST((arma::approx_equal(i_as_d, arma::vec{-2.0, 0.0, 5.0}, "absdiff", 0.0)));
}

BOOST_AUTO_TEST_CASE(int64_matrices_keep_exact_values_beyond_double_precision) {
  lw::test::TempDir dir;
  arma::Mat<std::int64_t> M(2, 3);
  for (arma::uword k = 0; k < 6; ++k) M(k) = (std::int64_t{1} << 60) + static_cast<std::int64_t>(k);
  {
    h5::Object f = h5::create_file(dir / "i.h5", h5::Create::truncate);
    h5::write_matrix(f, "M", M);
  }
  const h5::Object f = h5::open_file(dir / "i.h5");
  const arma::Mat<std::int64_t> back = h5::read_matrix<std::int64_t>(f, "M");
  BOOST_TEST_REQUIRE(back.n_rows == 2u);
  BOOST_TEST_REQUIRE(back.n_cols == 3u);
  for (arma::uword i = 0; i < 2; ++i)
    for (arma::uword j = 0; j < 3; ++j) BOOST_TEST(back(i, j) == M(i, j), i << "," << j);
}

BOOST_AUTO_TEST_CASE(empty_vectors_and_matrices_round_trip_with_their_shape) {
  lw::test::TempDir dir;
  {
    h5::Object f = h5::create_file(dir / "e.h5", h5::Create::truncate);
    h5::write_vector(f, "v", arma::vec());
    h5::write_matrix(f, "M", arma::fmat(0, 3));
  }
  const h5::Object f = h5::open_file(dir / "e.h5");
  BOOST_TEST((h5::shape(h5::open_dataset(f, "v")) == std::vector<hsize_t>{0}));
  BOOST_TEST((h5::shape(h5::open_dataset(f, "M")) == std::vector<hsize_t>{0, 3}));
  BOOST_TEST(h5::read_vector<double>(f, "v").n_elem == 0u);
  const arma::fmat M = h5::read_matrix<float>(f, "M");
  BOOST_TEST(M.n_rows == 0u);
  BOOST_TEST(M.n_cols == 3u);
}

BOOST_AUTO_TEST_CASE(describe_sets_long_name_description_and_units_and_rewriting_replaces_them) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "a.h5", h5::Create::truncate);
  const h5::Object a = h5::write_vector(f, "a", arma::vec{1.0});
  h5::describe(a, "loss", "loss per epoch", "nats");
  BOOST_TEST(h5::read_attr<std::string>(a, "long_name") == "loss");
  BOOST_TEST(h5::read_attr<std::string>(a, "description") == "loss per epoch");
  BOOST_TEST(h5::read_attr<std::string>(a, "units") == "nats");
  h5::describe(a, "count", "replaced", "1");
  BOOST_TEST(h5::read_attr<std::string>(a, "description") == "replaced");
  BOOST_TEST(h5::read_attr<std::string>(a, "units") == "1");
  BOOST_TEST((h5::attr_names(a) == std::vector<std::string>{"description", "long_name", "units"}));
}

BOOST_AUTO_TEST_CASE(a_series_is_chunked_shuffled_and_gzipped_and_scales_name_its_dimensions) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "s.h5", h5::Create::truncate);
  h5::Series step = h5::Series::create(f, "step", h5::Dtype::int64, 0, 16);
  h5::Series x = h5::Series::create(f, "x", h5::Dtype::float64, 3, 16);
  const h5::Object layer = h5::write_vector(f, "layer", arma::Col<std::int64_t>{0, 1, 2});
  h5::make_scale(step.dataset(), "step");
  h5::make_scale(layer, "layer");
  h5::attach_scale(x.dataset(), step.dataset(), 0);
  h5::attach_scale(x.dataset(), layer, 1);
  for (std::int64_t i = 0; i < 40; ++i) {
    step.append(i);
    x.append(std::vector<double>{1.0 * i, 2.0, 3.0});
  }
  h5::Object dcpl(H5Dget_create_plist(x.dataset().id()), H5Pclose, "", "dcpl");
  BOOST_TEST(H5Pget_nfilters(dcpl.id()) == 2);
  unsigned flags = 0, level = 0;
  std::size_t n_values = 1;
  char name[32];
  BOOST_TEST(H5Pget_filter2(dcpl.id(), 0, &flags, &n_values, &level, sizeof name, name, nullptr) == H5Z_FILTER_SHUFFLE);
  n_values = 1;
  BOOST_TEST(H5Pget_filter2(dcpl.id(), 1, &flags, &n_values, &level, sizeof name, name, nullptr) == H5Z_FILTER_DEFLATE);
  BOOST_TEST(level == h5::series_gzip_level);
  hsize_t chunk[2] = {0, 0};
  BOOST_TEST(H5Pget_chunk(dcpl.id(), 2, chunk) == 2);
  BOOST_TEST(chunk[0] == 16u);
  BOOST_TEST(chunk[1] == 3u);
  BOOST_TEST(H5DSis_scale(step.dataset().id()) > 0);
  BOOST_TEST(H5DSis_attached(x.dataset().id(), step.dataset().id(), 0) > 0);
  BOOST_TEST(H5DSis_attached(x.dataset().id(), layer.id(), 1) > 0);
  BOOST_TEST(H5DSis_attached(x.dataset().id(), layer.id(), 0) == 0);
  const arma::mat back = h5::read_matrix<double>(f, "x");  // compressed rows read back exactly
  BOOST_TEST(back.n_rows == 40u);
  BOOST_TEST(back(39, 0) == 39.0);
  BOOST_TEST(back(7, 2) == 3.0);
}

BOOST_AUTO_TEST_CASE(reading_with_the_wrong_rank_names_both_ranks_the_file_and_the_dataset) {
  lw::test::TempDir dir;
  const std::string file = (dir / "r.h5").string();
  h5::Object f = h5::create_file(dir / "r.h5", h5::Create::truncate);
  h5::Object g = h5::create_group(f, "layer_00");
  h5::write_vector(g, "b", arma::vec{1, 2});
  h5::write_matrix(g, "W", arma::mat(2, 2, arma::fill::ones));
  const std::string as_matrix = runtime_error_of([&] { h5::read_matrix<double>(g, "b"); });
  BOOST_TEST(contains(as_matrix, "expected rank 2, found 1"), as_matrix);
  BOOST_TEST(contains(as_matrix, file + ":/layer_00/b"), as_matrix);
  const std::string as_vector = runtime_error_of([&] { h5::read_vector<float>(g, "W"); });
  BOOST_TEST(contains(as_vector, "expected rank 1, found 2"), as_vector);
  BOOST_TEST(contains(as_vector, file + ":/layer_00/W"), as_vector);
}

BOOST_AUTO_TEST_CASE(a_missing_dataset_is_an_error_naming_the_file_and_its_path) {
  lw::test::TempDir dir;
  const std::string file = (dir / "m.h5").string();
  h5::Object f = h5::create_file(dir / "m.h5", h5::Create::truncate);
  const h5::Object g = h5::create_group(f, "pretrain");
  for (const std::string& e : {runtime_error_of([&] { h5::open_dataset(g, "loss"); }),
                               runtime_error_of([&] { h5::read_vector<double>(g, "loss"); }),
                               runtime_error_of([&] { h5::read_matrix<float>(g, "loss"); })}) {
    BOOST_TEST(contains(e, "h5::open_dataset(): cannot open dataset (" + file + ":/pretrain/loss)"), e);
  }
}

BOOST_AUTO_TEST_CASE(writing_over_an_existing_dataset_is_an_error_naming_it) {
  lw::test::TempDir dir;
  const std::string file = (dir / "x.h5").string();
  h5::Object f = h5::create_file(dir / "x.h5", h5::Create::truncate);
  h5::write_matrix(f, "W", arma::fmat(2, 2, arma::fill::zeros));
  const std::string e = runtime_error_of([&] { h5::write_matrix(f, "W", arma::fmat(2, 2)); });
  BOOST_TEST(contains(e, "h5::write_dataset(): cannot create dataset (" + file + ":/W)"), e);
  const std::string v = runtime_error_of([&] { h5::write_vector(f, "W", arma::vec(3)); });
  BOOST_TEST(contains(v, file + ":/W"), v);
  const std::string s = runtime_error_of([&] { h5::Series::create(f, "W", h5::Dtype::float64, 0); });
  BOOST_TEST(contains(s, "h5::Series::create(): cannot create dataset (" + file + ":/W)"), s);
  // The first one is intact.
  BOOST_TEST((h5::shape(h5::open_dataset(f, "W")) == std::vector<hsize_t>{2, 2}));
}

BOOST_AUTO_TEST_CASE(a_float32_series_stores_4_byte_floats_rounded_from_the_doubles_appended) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "s.h5", h5::Create::truncate);
  h5::Object g = h5::require_group(f, "finetune/epochs");
  h5::Series s = h5::Series::create(g, "weights", h5::Dtype::float32, 2, 3);
  BOOST_TEST(s.dataset().path() == "/finetune/epochs/weights");
  BOOST_TEST(s.cols() == 2u);
  BOOST_TEST(s.rows() == 0u);
  BOOST_TEST((h5::shape(s.dataset()) == std::vector<hsize_t>{0, 2}));
  const double rows[6] = {0.1, 1.0, 2.0, 3.0, 1.0 / 3.0, -0.5};  // row-major, 3 rows
  s.append_rows(rows, 3);
  s.append(std::vector<double>{7.0, 8.0});
  BOOST_TEST(s.rows() == 4u);
  BOOST_TEST((stored_type(s.dataset()) == std::pair<H5T_class_t, std::size_t>{H5T_FLOAT, 4}));
  const arma::mat m = h5::read_matrix<double>(g, "weights");
  BOOST_TEST_REQUIRE(m.n_rows == 4u);
  BOOST_TEST_REQUIRE(m.n_cols == 2u);
  BOOST_TEST(m(0, 0) == static_cast<double>(0.1f));  // stored as float
  BOOST_TEST(m(0, 1) == 1.0);
  BOOST_TEST(m(1, 0) == 2.0);
  BOOST_TEST(m(2, 0) == static_cast<double>(static_cast<float>(1.0 / 3.0)));
  BOOST_TEST(m(2, 1) == -0.5);
  BOOST_TEST(m(3, 1) == 8.0);
}

BOOST_AUTO_TEST_CASE(appending_no_rows_changes_nothing) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "z.h5", h5::Create::truncate);
  h5::Series s = h5::Series::create(f, "loss", h5::Dtype::float64, 0);
  s.append(0.5);
  s.append_rows(static_cast<const double*>(nullptr), 0);
  BOOST_TEST(s.rows() == 1u);
  BOOST_TEST((h5::shape(s.dataset()) == std::vector<hsize_t>{1}));
  BOOST_TEST(h5::read_vector<double>(f, "loss")(0) == 0.5);
}

BOOST_AUTO_TEST_CASE(series_misuse_is_an_invalid_argument_naming_the_dataset) {
  lw::test::TempDir dir;
  const std::string file = (dir / "bad.h5").string();
  h5::Object f = h5::create_file(dir / "bad.h5", h5::Create::truncate);
  const std::string chunk = invalid_argument_of([&] { h5::Series::create(f, "c", h5::Dtype::int64, 0, 0); });
  BOOST_TEST(contains(chunk, "chunk_rows must be > 0"), chunk);
  BOOST_TEST(contains(chunk, file + ":/c"), chunk);
  BOOST_TEST(!h5::exists(f, "c"));

  h5::Series one = h5::Series::create(f, "one", h5::Dtype::float64, 0);
  const std::string row = invalid_argument_of([&] { one.append(std::vector<double>{1.0}); });
  BOOST_TEST(contains(row, "row has 1 values, dataset has 0 columns"), row);
  BOOST_TEST(contains(row, file + ":/one"), row);

  h5::Series two = h5::Series::create(f, "two", h5::Dtype::float64, 3);
  const std::string wide = invalid_argument_of([&] { two.append(std::vector<double>{1, 2, 3, 4}); });
  BOOST_TEST(contains(wide, "row has 4 values, dataset has 3 columns"), wide);
  BOOST_TEST(two.rows() == 0u);

  two.close();
  const std::string closed = invalid_argument_of([&] { two.append(std::vector<double>{1, 2, 3}); });
  BOOST_TEST(contains(closed, "series is not open"), closed);
  BOOST_TEST(contains(closed, file + ":/two"), closed);
  BOOST_TEST(two.rows() == 0u);
}

BOOST_AUTO_TEST_CASE(an_int64_series_keeps_exact_values_and_grows_past_its_chunk) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "n.h5", h5::Create::truncate);
  h5::Series s = h5::Series::create(f, "step", h5::Dtype::int64, 2, 2);
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < 5; ++i) {
    rows.push_back((std::int64_t{1} << 62) + i);
    rows.push_back(-i);
  }
  s.append_rows(rows.data(), 5);
  s.append_rows(rows.data(), 1);
  BOOST_TEST(s.rows() == 6u);
  BOOST_TEST((stored_type(s.dataset()) == std::pair<H5T_class_t, std::size_t>{H5T_INTEGER, 8}));
  const arma::Mat<std::int64_t> m = h5::read_matrix<std::int64_t>(f, "step");
  BOOST_TEST_REQUIRE(m.n_rows == 6u);
  for (arma::uword i = 0; i < 5; ++i) {
    BOOST_TEST(m(i, 0) == (std::int64_t{1} << 62) + static_cast<std::int64_t>(i));
    BOOST_TEST(m(i, 1) == -static_cast<std::int64_t>(i));
  }
  BOOST_TEST(m(5, 0) == (std::int64_t{1} << 62));
}

BOOST_AUTO_TEST_SUITE_END()
