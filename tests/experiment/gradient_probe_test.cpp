// The gradient_probe driver end to end: its file, its options (typo hints, no abbreviations,
// --config FILE, --help). probe_gradients itself: tests/experiment/probe_test.cpp.
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "experiment/sweep_runner.hpp"
#include "layerwise/io/h5.hpp"
#include "support/temp_dir.hpp"
#include "support/contains.hpp"

using lw::test::contains;
namespace fs = std::filesystem;

namespace {

std::string gradient_probe() { return std::string(LW_BIN_DIR) + "/gradient_probe"; }

}  // namespace

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
           {"--depths", "0"}, {"--inits", "nonesuch"}, {"--width", "0"}, {"--bogus", "1"},
           {"--experiment", ".."},  // .. wrote into the parent of --results
           {"--load", "missing.h5"}}) {  // checked before the grid, not after it
    const auto r = lw::test::run_program(gradient_probe(), args, dir / "log.txt");
    BOOST_TEST(r.exit_code == 2, args[0]);
    BOOST_TEST(r.output.find(args[0] == "--inits"  ? "nonesuch"
                             : args[0] == "--load" ? "--load: cannot read 'missing.h5'"
                                                   : args[0].substr(2)) !=
                   std::string::npos,
               r.output);
  }
}

BOOST_AUTO_TEST_CASE(a_mistyped_or_abbreviated_option_exits_2_suggesting_the_real_one) {
  lw::test::TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--deptsh", "3"}, "did you mean --depths?"},
      {{"--depth", "3"}, "did you mean --depths?"},  // no guessing of abbreviated names
      {{"--widht", "8"}, "did you mean --width?"},
      {{"--data.sourc", "blobs"}, "did you mean --data.source?"},
      {{"--data.n_labeled", "100"}, "--data.n_labeled: 100: gradient_probe trains nothing"},
      {{"--width", "wide"}, "--width"},
      {{"--config", (dir / "missing.ini").string()}, "missing.ini"},
  };
  for (const auto& [args, expected] : cases) {
    std::vector<std::string> all{"--results", (dir / "res").string()};
    all.insert(all.end(), args.begin(), args.end());
    const auto r = lw::test::run_program(gradient_probe(), all, dir / "log.txt");
    BOOST_TEST_CONTEXT(args[0]) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(contains(r.output, "gradient_probe: "), r.output);
      BOOST_TEST(contains(r.output, expected), r.output);
      BOOST_TEST(!fs::exists(dir / "res"));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_config_file_sets_options_and_the_command_line_wins) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "probe.ini", "depths = 1,2\nwidth = 8\nbatches = 1\nbatch_size = 20\n"
                                          "inits = xavier\nthreads = 1\n"
                                          "[data]\nsource = blobs\nn_examples = 200\n");
  const auto r = lw::test::run_program(
      gradient_probe(),
      {"--config", (dir / "probe.ini").string(), "--results", dir.path().string(), "--depths", "3"},
      dir / "log.txt");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_TEST(contains(r.output, "width 8, 1 x 20 examples"), r.output);
  const lw::h5::Object f = lw::h5::open_file(dir / "gradient_probe/gradient_probe.h5");
  BOOST_TEST(lw::h5::exists(f, "probe/sigmoid/xavier/depth_03"));
  BOOST_TEST(!lw::h5::exists(f, "probe/sigmoid/xavier/depth_01"));  // the command line won
  BOOST_TEST(!lw::h5::exists(f, "probe/sigmoid/uniform"));          // the file's inits
  BOOST_TEST(lw::h5::read_vector<double>(f, "probe/sigmoid/xavier/depth_03/grad_norm_W").n_elem ==
             4u);
}

BOOST_AUTO_TEST_CASE(help_explains_every_option) {
  lw::test::TempDir dir;
  const auto r = lw::test::run_program(gradient_probe(), {"--help"}, dir / "log.txt");
  BOOST_TEST(r.exit_code == 0);
  for (const char* option :
       {"--help", "--config", "--experiment", "--results", "--depths", "--inits", "--activations",
        "--width", "--batch_size", "--batches", "--seed", "--output_init", "--load", "--threads",
        "--blas-kernel", "--data.source", "--data.n_train"})
    BOOST_TEST(contains(r.output, option), option);
  BOOST_TEST(contains(r.output, "xavier_normal"), r.output);  // the initializers are listed
  BOOST_TEST(!fs::exists(dir / "results"));
}

BOOST_AUTO_TEST_SUITE_END()
