// The evaluate driver's options: typo hints, no abbreviations, --config FILE, --help, exit codes.
// (A saved model evaluating to its recorded test error: tests/experiment/depth_sweep_test.cpp.)
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "experiment/sweep_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/contains.hpp"

using lw::test::contains;
namespace fs = std::filesystem;

namespace {

std::string evaluate() { return std::string(LW_BIN_DIR) + "/evaluate"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_evaluate)

BOOST_AUTO_TEST_CASE(bad_options_exit_2_naming_the_option) {
  lw::test::TempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--modle", "x.h5"}, "did you mean --model?"},
      {{"--mod", "x.h5"}, "did you mean --model?"},  // no guessing of abbreviated names
      {{"--model", "x.h5", "--splt", "test"}, "did you mean --split?"},
      {{"--model", "x.h5", "--split", "all"}, "--split"},
      {{"--model", "x.h5", "--seed", "one"}, "--seed"},
      {{"--split", "test"}, "--model"},  // required
      {{"--model", "x.h5", "--data.source", "nonesuch"}, "nonesuch"},
      {{"--config", (dir / "missing.ini").string()}, "missing.ini"},
      {{"--model", "x.h5", "--split", "%value%"}, "is not allowed"},
  };
  for (const auto& [args, expected] : cases) {
    const auto r = lw::test::run_program(evaluate(), args, dir / "log.txt");
    BOOST_TEST_CONTEXT(args[0] << " " << args[1]) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(contains(r.output, "evaluate: "), r.output);
      BOOST_TEST(contains(r.output, expected), r.output);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_config_file_sets_options_and_the_command_line_wins) {
  lw::test::TempDir dir;
  const std::string missing = (dir / "from_the_file.h5").string();
  lw::test::write_file(dir / "eval.ini", "model = " + missing + "\nsplit = valid\n"
                                         "[data]\nsource = blobs\nn_examples = 100\n");
  // The file's model is read (and missing: an unreadable file exits 1, naming it).
  auto r = lw::test::run_program(evaluate(), {"--config", (dir / "eval.ini").string()},
                                 dir / "log.txt");
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(contains(r.output, "from_the_file.h5"), r.output);
  // The command line's model wins over the file's.
  r = lw::test::run_program(evaluate(),
                            {"--config", (dir / "eval.ini").string(), "--model",
                             (dir / "from_the_command_line.h5").string()},
                            dir / "log.txt");
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(contains(r.output, "from_the_command_line.h5"), r.output);
  BOOST_TEST(!contains(r.output, "from_the_file.h5"), r.output);
  // An unknown key in the file names the file and suggests the key.
  lw::test::write_file(dir / "bad.ini", "modle = x.h5\n");
  r = lw::test::run_program(evaluate(), {"--config", (dir / "bad.ini").string()}, dir / "log.txt");
  BOOST_TEST(r.exit_code == 2, r.output);
  BOOST_TEST(contains(r.output, "bad.ini"), r.output);
  BOOST_TEST(contains(r.output, "did you mean model?"), r.output);
}

BOOST_AUTO_TEST_CASE(help_explains_every_option) {
  lw::test::TempDir dir;
  const auto r = lw::test::run_program(evaluate(), {"--help"}, dir / "log.txt");
  BOOST_TEST(r.exit_code == 0);
  for (const char* option : {"--help", "--config", "--model", "--split", "--seed", "--data.source",
                             "--data.n_test", "--data.shuffle"})
    BOOST_TEST(contains(r.output, option), option);
}

BOOST_AUTO_TEST_SUITE_END()
