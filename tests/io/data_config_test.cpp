#include "layerwise/io/data_config.hpp"

#include <boost/program_options.hpp>
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "io/io_test_util.hpp"

namespace po = boost::program_options;
using namespace lw::test;

BOOST_AUTO_TEST_SUITE(io_data_config)

BOOST_AUTO_TEST_CASE(defaults_follow_the_reference_protocol) {
  const lw::DataConfig c;
  BOOST_TEST(c.source == "fashion_mnist");
  BOOST_TEST(c.path == "/usr/share/datasets/fashion-mnist");
  BOOST_TEST(c.n_train == 0u);
  BOOST_TEST(c.n_valid == -1);
  BOOST_TEST(c.n_test == 0u);
  BOOST_TEST(!c.standardize);
  BOOST_TEST(!c.shuffle);
  BOOST_TEST(c.csv_label == "0");
  BOOST_TEST(c.h5_x == "X");
  BOOST_CHECK_NO_THROW(lw::validate(c));
}

BOOST_AUTO_TEST_CASE(options_bind_from_the_command_line_and_an_ini_data_section) {
  lw::DataConfig c;
  lw::OptionTable table("data");
  lw::describe_options(table, c);
  const po::options_description& d = table.description();
  std::ostringstream help;
  help << d;
  for (const char* key : {"data.source", "data.path", "data.n_valid", "data.csv_label", "data.h5_y",
                          "data.blob_std", "fashion_mnist", "bars_stripes"})
    BOOST_TEST(help.str().find(key) != std::string::npos, key);

  const char* argv[] = {"prog", "--data.source", "blobs", "--data.n_train", "300", "--data.standardize", "true"};
  std::istringstream ini("[data]\nn_valid = 50\nsource = csv\nblob_std = 0.25\n");
  po::variables_map vm;
  po::store(po::parse_command_line(7, argv, d), vm);
  po::store(po::parse_config_file(ini, d), vm);   // the command line wins: stored first
  po::notify(vm);
  BOOST_TEST(c.source == "blobs");
  BOOST_TEST(c.n_train == 300u);
  BOOST_TEST(c.standardize);
  BOOST_TEST(c.n_valid == 50);
  BOOST_TEST(c.blob_std == 0.25);
  BOOST_TEST(c.csv_header == "auto");   // untouched defaults stay
}

BOOST_AUTO_TEST_CASE(validate_names_the_option_the_value_and_what_is_allowed) {
  const auto bad = [](auto change, std::initializer_list<std::string> parts) {
    lw::DataConfig c;
    change(c);
    BOOST_CHECK_EXCEPTION(lw::validate(c), std::invalid_argument, message_has(parts));
  };
  bad([](lw::DataConfig& c) { c.source = "imagenet"; }, {"data.source", "imagenet", "fashion_mnist", "blobs"});
  bad([](lw::DataConfig& c) { c.valid_fraction = 1.5; }, {"data.valid_fraction", "1.5", "[0, 1)"});
  bad([](lw::DataConfig& c) { c.valid_fraction = 0.1; c.n_valid = 5; }, {"data.valid_fraction", "not both"});
  bad([](lw::DataConfig& c) { c.n_valid = -3; }, {"data.n_valid", "-3"});
  bad([](lw::DataConfig& c) { c.csv_header = "yes"; }, {"data.csv_header", "yes", "auto, true or false"});
  bad([](lw::DataConfig& c) { c.noise = 0.9; }, {"data.noise", "0.9"});
  bad([](lw::DataConfig& c) { c.blob_std = 0; }, {"data.blob_std"});
  bad([](lw::DataConfig& c) { c.image_size = 1; }, {"data.image_size", "1"});
  // csv and hdf5 without data.path: before, "read_csv(): cannot open /usr/share/datasets/fashion-mnist".
  bad([](lw::DataConfig& c) { c.source = "csv"; }, {"data.path", "Fashion-MNIST folder", "CSV training file"});
  bad([](lw::DataConfig& c) { c.source = "hdf5"; }, {"data.path", "HDF5 training file"});
}

BOOST_AUTO_TEST_SUITE_END()
