// The gradient_probe driver end to end. probe_gradients itself: tests/experiment/probe_test.cpp.
#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "experiment/sweep_runner.hpp"
#include "io/h5.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(experiment_gradient_probe)

BOOST_AUTO_TEST_CASE(the_probe_shows_gradients_vanishing_with_depth) {
  lw::test::TempDir dir;
  const auto r = lw::test::run_program(
      std::string(LW_BIN_DIR) + "/gradient_probe",
      {"--results", dir.path().string(), "--depths", "1,6", "--width", "32", "--batches", "2",
       "--batch_size", "50", "--data.source", "bars_stripes", "--data.n_examples", "200",
       "--threads", "1"},
      dir / "log.txt");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const lw::h5::Object f = lw::h5::open_file(dir / "gradient_probe/gradient_probe.h5");
  const auto ratio = [&](const std::string& g) {
    return lw::h5::read_attr<double>(lw::h5::open_group(f, g), "ratio_first_last");
  };
  for (const std::string init : {"uniform", "xavier"}) {
    const double shallow = ratio("probe/sigmoid/" + init + "/depth_01");
    const double deep = ratio("probe/sigmoid/" + init + "/depth_06");
    BOOST_TEST(deep < shallow / 10, init);
    BOOST_TEST(lw::h5::read_vector<double>(f, "probe/sigmoid/" + init + "/depth_06/delta_norm")
                   .n_elem == 7u);
  }
  BOOST_TEST(!fs::exists(dir / "gradient_probe/gradient_probe.h5.partial"));
}

BOOST_AUTO_TEST_CASE(bad_options_exit_2_naming_the_option) {
  lw::test::TempDir dir;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--depths", "0"}, {"--inits", "nonesuch"}, {"--width", "0"}, {"--bogus", "1"}}) {
    const auto r = lw::test::run_program(std::string(LW_BIN_DIR) + "/gradient_probe", args,
                                         dir / "log.txt");
    BOOST_TEST(r.exit_code == 2, args[0]);
    BOOST_TEST(r.output.find(args[0] == "--inits" ? "nonesuch" : args[0].substr(2)) !=
                   std::string::npos,
               r.output);
  }
}

BOOST_AUTO_TEST_SUITE_END()
