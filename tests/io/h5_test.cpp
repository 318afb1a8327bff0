#include "layerwise/io/h5.hpp"

#include <boost/test/unit_test.hpp>
#include <type_traits>

#include "io/results_fixture.hpp"
#include "support/temp_dir.hpp"

namespace h5 = lw::h5;

BOOST_AUTO_TEST_SUITE(io_h5)

BOOST_AUTO_TEST_CASE(handles_are_move_only_and_moving_transfers_ownership) {
  static_assert(!std::is_copy_constructible_v<h5::Object>);
  static_assert(!std::is_copy_assignable_v<h5::Object>);
  static_assert(std::is_nothrow_move_constructible_v<h5::Object>);
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "a.h5", h5::Create::truncate);
  h5::Object g = std::move(f);
  BOOST_TEST(!f.is_open());
  BOOST_TEST(g.is_open());
  BOOST_TEST(H5Iis_valid(g.id()) > 0);
  g.close();
  BOOST_TEST(!g.is_open());
}

BOOST_AUTO_TEST_CASE(matrices_are_stored_as_numpy_sees_them) {
  lw::test::TempDir dir;
  arma::mat M = {{1, 2, 3}, {4, 5, 6}};  // 2 x 3
  {
    h5::Object f = h5::create_file(dir / "m.h5", h5::Create::truncate);
    h5::describe(h5::write_matrix(f, "M", M), "M", "a 2 x 3 matrix", "m");
    h5::write_matrix(f, "F", arma::fmat(arma::conv_to<arma::fmat>::from(M.t())));
    h5::write_vector(f, "v", arma::Col<std::int64_t>{7, 8, 9});
  }
  const h5::Object f = h5::open_file(dir / "m.h5");
  const h5::Object ds = h5::open_dataset(f, "M");
  BOOST_TEST((h5::shape(ds) == std::vector<hsize_t>{2, 3}));
  double raw[6];  // HDF5 row-major order: M[0, :], then M[1, :]
  BOOST_REQUIRE(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
  for (int k = 0; k < 6; ++k) BOOST_TEST(raw[k] == k + 1.0);
  BOOST_TEST(arma::approx_equal(h5::read_matrix<double>(f, "M"), M, "absdiff", 0.0));
  BOOST_TEST(h5::read_attr<std::string>(ds, "description") == "a 2 x 3 matrix");
  BOOST_TEST(h5::read_attr<std::string>(ds, "units") == "m");
  BOOST_TEST((h5::shape(h5::open_dataset(f, "F")) == std::vector<hsize_t>{3, 2}));
  BOOST_TEST(arma::approx_equal(h5::read_matrix<float>(f, "F"), arma::conv_to<arma::fmat>::from(M.t()), "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(h5::read_matrix<double>(f, "F"), arma::mat(M.t()), "absdiff", 0.0));  // converted
  const arma::Col<std::int64_t> v = h5::read_vector<std::int64_t>(f, "v");
  BOOST_TEST(v.n_elem == 3u);
  BOOST_TEST(v(2) == 9);
  BOOST_CHECK_THROW(h5::read_matrix<double>(f, "v"), std::runtime_error);  // rank 1
}

BOOST_AUTO_TEST_CASE(attributes_round_trip_with_their_types) {
  lw::test::TempDir dir;
  {
    h5::Object f = h5::create_file(dir / "a.h5", h5::Create::truncate);
    h5::Object g = h5::create_group(f, "g");
    h5::write_attr(g, "real", 0.5);
    h5::write_attr(g, "int", std::int64_t{-3});
    h5::write_attr(g, "size", std::size_t{12});
    h5::write_attr(g, "flag", true);
    h5::write_attr(g, "text", "µ-units");
    h5::write_attr(g, "text", std::string("replaced µ"));
    h5::write_attr(g, "sizes", std::vector<std::int64_t>{784, 500, 10});
    h5::write_attr(g, "reals", std::vector<double>{0.25, 0.5});
    h5::write_attr(g, "names", std::vector<std::string>{"sigmoid", "identity"});
    h5::write_attr(g, "empty", std::vector<double>{});
  }
  const h5::Object f = h5::open_file(dir / "a.h5");
  const h5::Object g = h5::open_group(f, "g");
  BOOST_TEST(h5::read_attr<double>(g, "real") == 0.5);
  BOOST_TEST(h5::read_attr<std::int64_t>(g, "int") == -3);
  BOOST_TEST(h5::read_attr<std::int64_t>(g, "size") == 12);
  BOOST_TEST(h5::read_attr<bool>(g, "flag"));
  BOOST_TEST(h5::read_attr<std::string>(g, "text") == "replaced µ");
  BOOST_TEST((h5::read_attr<std::vector<std::int64_t>>(g, "sizes") == std::vector<std::int64_t>{784, 500, 10}));
  BOOST_TEST((h5::read_attr<std::vector<double>>(g, "reals") == std::vector<double>{0.25, 0.5}));
  BOOST_TEST((h5::read_attr<std::vector<std::string>>(g, "names") == std::vector<std::string>{"sigmoid", "identity"}));
  BOOST_TEST(h5::read_attr<std::vector<double>>(g, "empty").empty());
  BOOST_TEST(h5::attr_names(g).size() == 9u);
  // Strings are variable-length UTF-8; booleans an int8 enum {FALSE, TRUE} (h5py's bool).
  const hid_t a = H5Aopen(g.id(), "text", H5P_DEFAULT);
  const hid_t t = H5Aget_type(a);
  BOOST_TEST(H5Tis_variable_str(t) > 0);
  BOOST_TEST(H5Tget_cset(t) == H5T_CSET_UTF8);
  H5Tclose(t);
  H5Aclose(a);
  const hid_t ab = H5Aopen(g.id(), "flag", H5P_DEFAULT);
  const hid_t tb = H5Aget_type(ab);
  BOOST_TEST(H5Tget_class(tb) == H5T_ENUM);
  BOOST_TEST(H5Tget_nmembers(tb) == 2);
  H5Tclose(tb);
  H5Aclose(ab);
  BOOST_CHECK_THROW(h5::read_attr<double>(g, "missing"), std::runtime_error);
  BOOST_CHECK_THROW(h5::read_attr<double>(g, "text"), std::runtime_error);
  BOOST_CHECK_THROW(h5::read_attr<std::string>(g, "real"), std::runtime_error);
  BOOST_CHECK_THROW(h5::read_attr<double>(g, "reals"), std::runtime_error);  // not one value
}

BOOST_AUTO_TEST_CASE(series_grow_along_axis_0_and_are_chunked_and_unlimited) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "s.h5", h5::Create::truncate);
  h5::Series one = h5::Series::create(f, "one", h5::Dtype::int64, 0, 4);
  h5::Series two = h5::Series::create(f, "two", h5::Dtype::float64, 3, 4);
  for (std::int64_t i = 0; i < 10; ++i) {
    one.append(i);
    two.append(std::vector<double>{double(i), i + 0.5, -double(i)});
  }
  const double block[6] = {1, 2, 3, 4, 5, 6};
  two.append_rows(block, 2);
  BOOST_CHECK_THROW(two.append(std::vector<double>{1, 2}), std::invalid_argument);
  BOOST_TEST(one.rows() == 10u);
  BOOST_TEST(two.rows() == 12u);
  BOOST_TEST((h5::shape(two.dataset()) == std::vector<hsize_t>{12, 3}));
  const hid_t space = H5Dget_space(two.dataset().id());
  hsize_t dims[2], maxdims[2];
  H5Sget_simple_extent_dims(space, dims, maxdims);
  H5Sclose(space);
  BOOST_TEST(maxdims[0] == H5S_UNLIMITED);
  BOOST_TEST(maxdims[1] == 3u);
  const hid_t dcpl = H5Dget_create_plist(two.dataset().id());
  BOOST_TEST(H5Pget_layout(dcpl) == H5D_CHUNKED);
  H5Pclose(dcpl);
  const arma::Col<std::int64_t> a = h5::read_vector<std::int64_t>(f, "one");
  BOOST_TEST(a(9) == 9);
  const arma::mat m = h5::read_matrix<double>(f, "two");
  BOOST_TEST(m.n_rows == 12u);
  BOOST_TEST(m(7, 1) == 7.5);
  BOOST_TEST(m(7, 2) == -7.0);
  BOOST_TEST(m(11, 0) == 4.0);
}

BOOST_AUTO_TEST_CASE(groups_exist_and_are_created_with_parents) {
  lw::test::TempDir dir;
  h5::Object f = h5::create_file(dir / "g.h5", h5::Create::truncate);
  BOOST_TEST(!h5::exists(f, "a/b/c"));
  const h5::Object c = h5::require_group(f, "a/b/c");
  BOOST_TEST(c.path() == "/a/b/c");
  BOOST_TEST(h5::exists(f, "a/b"));
  BOOST_TEST(h5::exists(f, "/a/b/c"));
  BOOST_TEST(h5::require_group(f, "a/b").path() == "/a/b");
  BOOST_CHECK_THROW(h5::create_group(f, "a"), std::runtime_error);  // exists
}

BOOST_AUTO_TEST_CASE(failures_name_the_file_and_object_and_print_no_hdf5_stack) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "plain", "not a folder");
  const auto bad = dir / "plain" / "x.h5";
  std::string message, printed;
  {
    lw::test::StderrCapture capture(dir / "stderr.txt");
    try {
      h5::create_file(bad, h5::Create::truncate);
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
    try {
      h5::Object f = h5::create_file(dir / "ok.h5", h5::Create::truncate);
      h5::open_group(f, "missing/group");
    } catch (const std::runtime_error& e) {
      message += "\n" + std::string(e.what());
    }
    try {
      h5::create_file(dir / "ok.h5", h5::Create::exclusive);
    } catch (const std::runtime_error& e) {
      message += "\n" + std::string(e.what());
    }
    BOOST_CHECK_THROW(h5::open_file(dir / "plain"), std::runtime_error);  // not HDF5
    printed = capture.text();
  }
  BOOST_TEST_MESSAGE(message);
  BOOST_TEST(message.find(bad.string()) != std::string::npos);
  BOOST_TEST(message.find("Not a directory") != std::string::npos);
  BOOST_TEST(message.find((dir / "ok.h5").string() + ":/missing/group") != std::string::npos);
  BOOST_TEST(message.find("h5::create_file(): cannot create file (" + (dir / "ok.h5").string()) != std::string::npos);
  BOOST_TEST(printed.empty(), "stderr: " << printed);
}

BOOST_AUTO_TEST_SUITE_END()
