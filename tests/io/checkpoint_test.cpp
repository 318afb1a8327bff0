#include "layerwise/io/checkpoint.hpp"

#include <armadillo>
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "layerwise/core/check.hpp"
#include "layerwise/core/random.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/nn/make_network.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Reals = boost::mpl::list<float, double>;

// Three layers with different activations and non-zero biases.
template <class T>
lw::Network<T> sample_net(std::uint64_t seed) {
  auto net = lw::make_network<T>({.layer_sizes = {7, 5, 4, 3},
                                  .hidden = lw::Activation::tanh,
                                  .loss = lw::Loss::sigmoid_cross_entropy},
                                 seed);
  net.layers[1].act = lw::Activation::relu;
  lw::Rng rng = lw::make_rng(seed, "test/bias");
  for (auto& layer : net.layers) lw::fill_normal(layer.b, rng, 0.0, 0.7);
  return net;
}

template <class T>
bool same_bits(const arma::Mat<T>& a, const arma::Mat<T>& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(T)) == 0;
}

template <class T>
bool identical(const lw::Network<T>& a, const lw::Network<T>& b) {
  if (a.loss != b.loss || a.layers.size() != b.layers.size()) return false;
  for (std::size_t l = 0; l < a.layers.size(); ++l)
    if (a.layers[l].act != b.layers[l].act || !same_bits(a.layers[l].W, b.layers[l].W) ||
        !same_bits<T>(a.layers[l].b, b.layers[l].b))
      return false;
  return true;
}

// The message of the runtime_error fn throws, or "" if it throws none.
std::string io_error(auto fn) {
  try {
    fn();
  } catch (const std::runtime_error& e) {
    BOOST_TEST_MESSAGE("runtime_error: " << e.what());
    return e.what();
  }
  return "";
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_checkpoint)

BOOST_AUTO_TEST_CASE_TEMPLATE(save_then_load_is_bit_exact, T, Reals) {
  lw::test::TempDir dir;
  const auto net = sample_net<T>(4);
  const fs::path path = dir / "net.h5";
  lw::save_network(path, net);
  BOOST_TEST(!fs::exists(path.string() + ".tmp"));
  const auto back = lw::load_network<T>(path);
  BOOST_TEST(identical(net, back));
  BOOST_TEST((back.layers[0].act == lw::Activation::tanh));
  BOOST_TEST((back.layers[1].act == lw::Activation::relu));
  BOOST_TEST((back.layers[2].act == lw::Activation::identity));
  BOOST_TEST((back.loss == lw::Loss::sigmoid_cross_entropy));
  BOOST_TEST(lw::checkpoint_precision(path) == (std::is_same_v<T, float> ? "float32" : "float64"));
  // The stored layout is the documented one.
  const auto file = lw::h5::open_file(path);
  BOOST_TEST(lw::h5::read_attr<std::string>(file, "format") == "layerwise-network");
  BOOST_TEST(lw::h5::read_attr<std::int64_t>(file, "format_version") == 1);
  const auto sizes = lw::h5::read_attr<std::vector<std::int64_t>>(file, "layer_sizes");
  BOOST_TEST(sizes == (std::vector<std::int64_t>{7, 5, 4, 3}), boost::test_tools::per_element());
  const auto W1 = lw::h5::open_dataset(lw::h5::open_group(file, "layer_01"), "W");
  BOOST_TEST(lw::h5::shape(W1) == (std::vector<hsize_t>{4, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(loading_a_float64_checkpoint_as_float_rounds_each_value) {
  lw::test::TempDir dir;
  const auto net = sample_net<double>(5);
  lw::save_network(dir / "net.h5", net);
  const auto f = lw::load_network<float>(dir / "net.h5");
  BOOST_TEST(lw::checkpoint_precision(dir / "net.h5") == "float64");
  BOOST_REQUIRE(f.layers.size() == 3u);
  for (std::size_t l = 0; l < 3; ++l) {
    const arma::fmat W = arma::conv_to<arma::fmat>::from(net.layers[l].W);
    const arma::fvec b = arma::conv_to<arma::fvec>::from(net.layers[l].b);
    BOOST_TEST(same_bits(f.layers[l].W, W));
    BOOST_TEST(same_bits<float>(f.layers[l].b, b));
  }
  // float32 -> float64 is exact.
  const auto g = sample_net<float>(6);
  lw::save_network(dir / "f.h5", g);
  const auto d = lw::load_network<double>(dir / "f.h5");
  BOOST_TEST(identical(d, lw::convert<double>(g)));
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_naming_it) {
  lw::test::TempDir dir;
  const fs::path path = dir / "absent.h5";
  const std::string e = io_error([&] { lw::load_network<float>(path); });
  BOOST_TEST(e.find(path.string()) != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(an_hdf5_file_that_is_no_checkpoint_is_an_error_naming_it) {
  lw::test::TempDir dir;
  const fs::path path = dir / "other.h5";
  {
    auto file = lw::h5::create_file(path, lw::h5::Create::truncate);
    lw::h5::create_group(file, "layer_00");
    lw::h5::write_attr(file, "format", std::string("something-else"));
  }
  const std::string e = io_error([&] { lw::load_network<double>(path); });
  BOOST_TEST(e.find(path.string()) != std::string::npos, e);
  BOOST_TEST(e.find("not a layerwise network checkpoint") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(garbage_and_truncated_files_are_errors_naming_them) {
  lw::test::TempDir dir;
  const fs::path garbage = dir / "garbage.h5";
  lw::test::write_file(garbage, std::string(4096, 'x'));
  std::string e = io_error([&] { lw::load_network<double>(garbage); });
  BOOST_TEST(e.find(garbage.string()) != std::string::npos, e);

  const fs::path empty = dir / "empty.h5";
  lw::test::write_file(empty, "");
  e = io_error([&] { lw::load_network<double>(empty); });
  BOOST_TEST(e.find(empty.string()) != std::string::npos, e);

  lw::save_network(dir / "whole.h5", sample_net<double>(7));
  const std::string bytes = read_bytes(dir / "whole.h5");
  BOOST_REQUIRE(bytes.size() > 1000u);
  for (std::size_t keep : {bytes.size() / 2, bytes.size() - 100}) {
    const fs::path cut = dir / lw::cat("cut_", keep, ".h5");
    lw::test::write_file(cut, bytes.substr(0, keep));
    e = io_error([&] { lw::load_network<double>(cut); });
    BOOST_TEST(e.find(cut.string()) != std::string::npos, e);
  }
}

BOOST_AUTO_TEST_CASE(a_checkpoint_whose_shapes_disagree_is_an_error_naming_it) {
  lw::test::TempDir dir;
  const fs::path path = dir / "bad.h5";
  lw::save_network(path, sample_net<double>(8));
  {
    auto file = lw::h5::open_file(path, true);
    lw::h5::write_attr(file, "layer_sizes", std::vector<std::int64_t>{7, 6, 4, 3});
  }
  std::string e = io_error([&] { lw::load_network<double>(path); });
  BOOST_TEST(e.find(path.string()) != std::string::npos, e);
  BOOST_TEST(e.find("layer_00") != std::string::npos, e);
  {
    auto file = lw::h5::open_file(path, true);
    lw::h5::write_attr(file, "layer_sizes", std::vector<std::int64_t>{7, 5, 4, 3, 2});
  }
  e = io_error([&] { lw::load_network<double>(path); });  // a layer group that is not there
  BOOST_TEST(e.find(path.string()) != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(saving_over_a_checkpoint_replaces_it_atomically) {
  lw::test::TempDir dir;
  const fs::path path = dir / "net.h5";
  const auto old_net = sample_net<double>(1), new_net = sample_net<double>(2);
  lw::save_network(path, old_net);
  // A second name for the old file: a save that rewrote the file in place would change it too;
  // a save that writes a new file and renames it over the old name leaves it alone.
  const fs::path link = dir / "old_link.h5";
  fs::create_hard_link(path, link);
  lw::save_network(path, new_net);
  BOOST_TEST(identical(lw::load_network<double>(path), new_net));
  BOOST_TEST(identical(lw::load_network<double>(link), old_net));
  BOOST_TEST(!fs::exists(path.string() + ".tmp"));

  // A save that fails midway (here: the temporary cannot be created) leaves the old checkpoint.
  fs::create_directory(path.string() + ".tmp");
  BOOST_CHECK_THROW(lw::save_network(path, old_net), std::runtime_error);
  BOOST_TEST(identical(lw::load_network<double>(path), new_net));
}

BOOST_AUTO_TEST_SUITE_END()
