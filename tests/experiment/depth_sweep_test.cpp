// The depth_sweep driver end to end: every config runs, bad options fail cleanly, a killed sweep
// resumes to the same files, arms are paired, reruns are bit-identical.
#include <boost/test/unit_test.hpp>
// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <cmath>
#include <future>
#include <filesystem>
#include <map>
#include <sstream>

#include "experiment/sweep_runner.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/io/results.hpp"
#include "support/temp_dir.hpp"
#include "support/contains.hpp"

using lw::test::contains;
namespace fs = std::filesystem;
using lw::test::depth_sweep;
using lw::test::run_program;

namespace {

// A small, fast grid on synthetic data.
std::vector<std::string> tiny_grid(const fs::path& results, const std::string& experiment) {
  return {"--results", results.string(), "--experiment", experiment, "--depths", "1,2",
          "--inits", "uniform,xavier,dae", "--seeds", "1-2", "--width", "16", "--threads", "1", "--jobs", "1",
          "--data.source", "bars_stripes", "--data.n_examples", "400", "--finetune.epochs", "3",
          "--pretrain.dae.epochs", "2", "--log.every", "3", "--log.weights"};
}

// args with option `key` set to value (replaced if present, else appended).
std::vector<std::string> with(std::vector<std::string> args, const std::string& key,
                              const std::string& value) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == key) {
      args[i + 1] = value;
      return args;
    }
  args.insert(args.end(), {key, value});
  return args;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_depth_sweep)

BOOST_AUTO_TEST_CASE(every_config_runs_with_tiny_overrides) {
  lw::test::TempDir dir;
  for (const auto& entry : fs::directory_iterator(fs::path(LW_SOURCE_DIR) / "experiments/configs")) {
    if (entry.path().extension() != ".ini") continue;
    BOOST_TEST_CONTEXT(entry.path().filename()) {
      std::vector<std::string> args{
          "--config", entry.path().string(), "--results", dir.path().string(), "--seeds", "1",
          "--threads", "1", "--jobs", "1", "--data.n_train", "300", "--data.n_valid", "100", "--data.n_test",
          "100", "--finetune.epochs", "1", "--pretrain.ae.epochs", "1", "--pretrain.dae.epochs", "1",
          "--pretrain.rbm.epochs", "1", "--pretrain.supervised.epochs", "1"};
      if (entry.path().filename() == "labeled.ini")  // its label counts, within the 300 examples
        args.insert(args.end(), {"--grid", "data.n_labeled=100,300"});
      const auto r = run_program(depth_sweep(), args, dir / "log.txt");
      BOOST_TEST(r.exit_code == 0, r.output);
      BOOST_TEST(contains(r.output, "test error %"));
    }
  }
  for (const auto& name : {"quick", "fm_depth", "glorot", "bengio2007", "labeled"})
    BOOST_TEST(fs::exists(dir / name / "summary.csv"), name);
}

BOOST_AUTO_TEST_CASE(bad_options_exit_2_with_a_clear_message_and_create_no_files) {
  lw::test::TempDir dir;
  const fs::path results = dir / "res";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--no_such_option", "1"}, "no_such_option"},
      {{"--depths", "0"}, "--depths"},
      {{"--depths", "two"}, "--depths"},
      {{"--finetune.learning_rate", "-0.1"}, "--finetune.learning_rate"},
      {{"--finetune.learning_rate", "0"}, "--finetune.learning_rate"},
      {{"--inits", "nonesuch"}, "nonesuch"},
      {{"--pretrain.dae.nonesuch", "1"}, "nonesuch"},
      {{"--inits", ""}, "--inits"},
      {{"--width", "0"}, "--width"},
      {{"--finetune.dropout", "1"}, "--finetune.dropout"},
      {{"--finetune.patience", "-1"}, "--finetune.patience"},
      {{"--activations", "swish"}, "swish"},
      {{"--data.source", "nonesuch"}, "nonesuch"},
      {{"--config", (dir / "missing.ini").string()}, "missing.ini"},
      {{"--depths", "1,1"}, "appears twice"},
      {{"--finetune.epoch", "1"}, "did you mean --finetune.epochs?"},  // no guessing of names
      {{"--finetune.lerning_rate", "0.1"}, "did you mean --finetune.learning_rate?"},
      {{"--finetune.momentum", "5"}, "--finetune.momentum"},
      {{"--finetune.weight_decay", "-1"}, "--finetune.weight_decay"},
      {{"--threads", "100000"}, "--threads"},
      {{"--blas-kernel", "nonesuch"}, "nonesuch"},
      {{"--data.path", (dir / "nowhere").string()}, "nowhere"},
      {{"--shard", "2/2"}, "--shard"},
      {{"--finetune.epochs", "abc"}, "--finetune.epochs"},
      {{"--finetune.batch_size", "0"}, "--finetune.batch_size"},
      {{"--finetune.batch_size", "60000"}, "larger than the training set (60000 > 50000"},
      {{"--inits", "dae", "--pretrain.dae.batch_size", "60000"}, "--pretrain.dae.batch_size"},
      {{"--config", dir.path().string()}, "--config"},  // a folder, not a file
      {{"--seeds", "1-10000", "--width", "1-100"}, "more than 100000 runs"},
      // combinations the layers cannot take, caught once the data is loaded: before, the runs failed
      {{"--inits", "dae", "--activations", "tanh", "--depths", "1,2"}, "above the first layer the inputs are tanh outputs"},
      {{"--inits", "rbm", "--activations", "relu"}, "Bernoulli hidden units need sigmoid hidden layers"},
      {{"--width", "10000000"}, "--width 10000000: a depth-3 network of that width on 784 features needs at least"},
      // axes: every check before any file (experiment/axes.hpp)
      {{"--grid", "finetune.nonesuch=1,2"}, "--grid finetune.nonesuch: unknown option"},
      {{"--search", "finetune.learning_rate=0.1,-2"}, "the value '-2' is refused"},
      {{"--grid", "pretrain.dae.corruption=0.1,0.2"}, "the arm dae is not in --inits (uniform,xavier)"},
      {{"--grid", "seeds=1,2"}, "--seeds 1-3"},
      {{"--grid", "finetune.epochs=1", "--search", "finetune.epochs=2"}, "the axis is given twice"},
      {{"--grid", "data.n_labeled=100,60000"}, "more labeled examples than the training set has (60000 > 50000)"},
      {{"--grid", "data.n_labeled=100,32", "--finetune.batch_size", "64"}, "larger than the labeled examples (64 > data.n_labeled 32)"},
      // each value alone is fine, one combination is not
      {{"--grid", "data.n_train=5000,1000", "--grid", "data.n_labeled=500,2000"},
       "the runs with data.n_labeled=2000, data.n_train=1000: validate(): data.n_labeled = 2000 is invalid"},
  };
  for (const auto& [args, expected] : cases) {
    std::vector<std::string> all{"--results", results.string()};
    all.insert(all.end(), args.begin(), args.end());
    const auto r = run_program(depth_sweep(), all, dir / "log.txt");
    BOOST_TEST_CONTEXT(args.front() << " " << (args.size() > 1 ? args[1] : "")) {
      BOOST_TEST(r.exit_code == 2);
      BOOST_TEST(contains(r.output, expected), r.output);
      BOOST_TEST(!fs::exists(results));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_key_in_a_config_file_names_the_file_and_the_key) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "bad.ini", "depths = 1\n[finetune]\nepochs = 2\nlearning_rat = 0.1\n");
  const auto r = run_program(depth_sweep(),
                             {"--config", (dir / "bad.ini").string(), "--results",
                              (dir / "res").string()},
                             dir / "log.txt");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.output, "bad.ini"), r.output);
  BOOST_TEST(contains(r.output, "learning_rat"), r.output);
  BOOST_TEST(contains(r.output, "did you mean finetune.learning_rate?"), r.output);
  BOOST_TEST(!fs::exists(dir / "res"));
}

BOOST_AUTO_TEST_CASE(dry_run_lists_every_run_and_writes_nothing) {
  lw::test::TempDir dir;
  auto args = tiny_grid(dir / "res", "dry");
  args.push_back("--dry-run");
  const auto r = run_program(depth_sweep(), args, dir / "log.txt");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(contains(r.output, "12 runs"), r.output);
  BOOST_TEST(contains(r.output, "d2-sigmoid-w16-dae-s02.h5"), r.output);
  BOOST_TEST(!fs::exists(dir / "res"));
}

BOOST_AUTO_TEST_CASE(a_killed_sweep_resumes_to_the_files_of_an_uninterrupted_one) {
  lw::test::TempDir dir;
  // Runs of a fixed length (no early stopping), long enough for the kill to land mid-run.
  const auto grid = [&](const std::string& root) {
    return with(with(tiny_grid(dir / root, "s"), "--finetune.epochs", "150"),
                "--finetune.patience", "0");
  };
  const auto whole = run_program(depth_sweep(), grid("a"), dir / "a.txt");
  BOOST_REQUIRE_EQUAL(whole.exit_code, 0);
  // Kill the second sweep as soon as its fourth run has started writing.
  const int killed = lw::test::run_and_kill_when(depth_sweep(), grid("b"), dir / "b.txt",
                                                 dir / "b/s/d1-sigmoid-w16-xavier-s02.h5.partial", 60);
  BOOST_TEST(killed == 128 + 9);
  BOOST_TEST(!fs::exists(dir / "b/s/d2-sigmoid-w16-dae-s02.h5"));
  const auto resumed = run_program(depth_sweep(), grid("b"), dir / "c.txt");
  BOOST_REQUIRE_EQUAL(resumed.exit_code, 0);
  BOOST_TEST(contains(resumed.output, "complete, skipped"), resumed.output);
  int compared = 0;
  for (const auto& f : lw::test::run_files_in(dir / "a/s")) {
    if (f.extension() != ".h5" || contains(f.filename().string(), ".model.")) continue;
    const fs::path other = dir / "b/s" / f.filename();
    BOOST_TEST_CONTEXT(f.filename()) {
      BOOST_REQUIRE(fs::exists(other));
      BOOST_TEST(lw::test::compare_results(f, other) == "");
      BOOST_TEST(*lw::read_status(other) == "complete");
    }
    ++compared;
  }
  BOOST_TEST(compared == 12);
  BOOST_TEST(!fs::exists(dir / "b/s/d1-sigmoid-w16-xavier-s02.h5.partial"));
}

// Pretraining epochs reach the file as they end: a run SIGKILLed while its third layer trains keeps
// the first two layers' curves (training and validation loss) and the third's finished epochs.
BOOST_AUTO_TEST_CASE(a_run_killed_during_layer_3_keeps_the_pretraining_curves_of_layers_1_and_2) {
  lw::test::TempDir dir;
  const std::vector<std::string> args{
      "--results", (dir / "res").string(), "--experiment", "k", "--depths", "3", "--inits", "dae",
      "--width", "16", "--threads", "1", "--jobs", "1", "--data.source", "bars_stripes", "--data.n_examples",
      "400", "--pretrain.dae.epochs", "2000"};
  const fs::path log = dir / "log.txt";
  const int code = lw::test::run_and_kill_when(
      depth_sweep(), args, log,
      [&] { return contains(lw::test::read_text(log), "pretrain dae layer 3 epoch 1 "); }, 120);
  BOOST_REQUIRE_EQUAL(code, 128 + 9);
  const lw::h5::Object f = lw::h5::open_file(dir / "res/k/d3-sigmoid-w16-dae-s01.h5.partial");
  BOOST_TEST(lw::h5::read_attr<std::string>(f, "status") == "running");
  for (const char* layer : {"pretrain/layer_00", "pretrain/layer_01"}) {
    BOOST_TEST_CONTEXT(layer) {
      const lw::h5::Object g = lw::h5::open_group(f, layer);
      BOOST_TEST(lw::h5::read_attr<std::string>(g, "scheme") == "dae");
      BOOST_TEST(lw::h5::has_attr(g, "wall_time_s"));
      const auto loss = lw::h5::read_vector<double>(g, "loss");
      const auto valid = lw::h5::read_vector<double>(g, "valid_loss");
      BOOST_TEST(loss.size() == 2000u);
      BOOST_TEST(valid.size() == 2000u);
      BOOST_TEST(std::isfinite(valid(valid.n_elem - 1)));
    }
  }
  const lw::h5::Object third = lw::h5::open_group(f, "pretrain/layer_02");
  BOOST_TEST(lw::h5::read_vector<double>(third, "loss").size() >= 1u);
  BOOST_TEST(!lw::h5::has_attr(third, "wall_time_s"));  // the layer never ended
}

// SIGHUP (a closed terminal or ssh session) too: before, it killed the process and left the run
// "running".
BOOST_AUTO_TEST_CASE(sigint_sigterm_and_sighup_stop_cleanly_and_a_rerun_resumes) {
  for (const auto& [signal, code] : {std::pair{2, 130}, std::pair{15, 143}, std::pair{1, 129}}) {
    lw::test::TempDir dir;
    // Two runs of a fixed length (no early stopping): the signal arrives as the second starts.
    const std::vector<std::string> args{
        "--results", (dir / "res").string(), "--experiment", "i", "--depths", "1", "--inits",
        "uniform", "--seeds", "1-2", "--width", "8", "--threads", "1", "--jobs", "1", "--data.source",
        "bars_stripes", "--data.n_examples", "200", "--finetune.epochs", "3000",
        "--finetune.patience", "0", "--log.every", "1000"};
    const int exit_code = lw::test::run_and_kill_when(
        depth_sweep(), args, dir / "a.txt", dir / "res/i/d1-sigmoid-w8-uniform-s02.h5.partial", 120, signal);
    const auto status = [&](const std::string& file) {
      return lw::read_status(dir / "res/i" / file).value_or("missing");
    };
    BOOST_TEST_CONTEXT("signal " << signal) {
      BOOST_TEST(exit_code == code);
      BOOST_TEST(status("d1-sigmoid-w8-uniform-s01.h5") == "complete");
      BOOST_TEST(status("d1-sigmoid-w8-uniform-s02.h5.partial") == "interrupted");
      const auto rerun = run_program(depth_sweep(), args, dir / "b.txt");
      BOOST_TEST(rerun.exit_code == 0, rerun.output);
      BOOST_TEST(contains(rerun.output, "complete, skipped"));
      BOOST_TEST(status("d1-sigmoid-w8-uniform-s02.h5") == "complete");
    }
  }
}

BOOST_AUTO_TEST_CASE(arms_of_a_seed_share_split_and_output_layer_weights) {
  lw::test::TempDir dir;
  const auto r = run_program(depth_sweep(), tiny_grid(dir / "res", "p"), dir / "log.txt");
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  namespace h5 = lw::h5;
  const auto output_W = [&](const std::string& run, const std::string& stage) {
    const h5::Object f = h5::open_file(dir / "res/p" / (run + ".h5"));
    return h5::read_matrix<double>(f, "weights/" + stage + "/layer_02/W");
  };
  const auto checksum = [&](const std::string& run) {
    const h5::Object f = h5::open_file(dir / "res/p" / (run + ".h5"));
    return h5::read_attr<std::string>(h5::open_group(f, "data"), "checksum");
  };
  const arma::mat u = output_W("d2-sigmoid-w16-uniform-s01", "initial");
  const arma::mat x = output_W("d2-sigmoid-w16-xavier-s01", "initial");
  const arma::mat d = output_W("d2-sigmoid-w16-dae-s01", "pretrained");
  BOOST_TEST(arma::approx_equal(u, x, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(u, d, "absdiff", 0.0));
  BOOST_TEST(!arma::approx_equal(u, output_W("d2-sigmoid-w16-uniform-s02", "initial"), "absdiff", 0.0));
  BOOST_TEST(checksum("d2-sigmoid-w16-uniform-s01") == checksum("d2-sigmoid-w16-dae-s01"));
  // Hidden layers do differ between arms: the comparison is about them.
  const h5::Object fu = h5::open_file(dir / "res/p/d2-sigmoid-w16-uniform-s01.h5");
  const h5::Object fx = h5::open_file(dir / "res/p/d2-sigmoid-w16-xavier-s01.h5");
  BOOST_TEST(!arma::approx_equal(h5::read_matrix<double>(fu, "weights/initial/layer_00/W"),
                                 h5::read_matrix<double>(fx, "weights/initial/layer_00/W"),
                                 "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(the_same_config_and_seed_give_bit_identical_files) {
  lw::test::TempDir dir;
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), tiny_grid(dir / "a", "r"), dir / "a.txt").exit_code, 0);
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), tiny_grid(dir / "b", "r"), dir / "b.txt").exit_code, 0);
  for (const auto& f : lw::test::run_files_in(dir / "a/r"))
    if (f.extension() == ".h5")
      BOOST_TEST(lw::test::compare_results(f, dir / "b/r" / f.filename()) == "", f.filename());
}

BOOST_AUTO_TEST_CASE(complete_results_made_with_other_options_are_refused_not_reused) {
  lw::test::TempDir dir;
  auto args = tiny_grid(dir / "res", "h");
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), args, dir / "a.txt").exit_code, 0);
  const auto before = fs::last_write_time(dir / "res/h/d1-sigmoid-w16-xavier-s01.h5");
  // Same options (threads and where results go do not count): everything is skipped.
  const auto skipped = run_program(depth_sweep(), with(args, "--threads", "2"), dir / "b.txt");
  BOOST_TEST(skipped.exit_code == 0);
  BOOST_TEST(contains(skipped.output, "complete, skipped"));
  const auto shard = run_program(depth_sweep(), with(args, "--shard", "1/2"), dir / "b.txt");
  BOOST_TEST(shard.exit_code == 0, shard.output);
  BOOST_TEST(contains(shard.output, "6 of 6 runs complete, skipped"), shard.output);
  // Other options: refused, nothing touched.
  for (const auto& change : std::vector<std::vector<std::string>>{
           {"--finetune.learning_rate", "0.05"}, {"--pretrain.dae.corruption", "0.5"},
           {"--data.n_examples", "300"}}) {
    const auto r = run_program(depth_sweep(), with(args, change[0], change[1]), dir / "c.txt");
    BOOST_TEST(r.exit_code == 2, change[0]);
    BOOST_TEST(contains(r.output, "other options"), r.output);
  }
  BOOST_TEST((fs::last_write_time(dir / "res/h/d1-sigmoid-w16-xavier-s01.h5") == before));
  BOOST_TEST(run_program(depth_sweep(),
                         with(with(args, "--finetune.learning_rate", "0.05"), "--overwrite", "true"),
                         dir / "d.txt")
                 .exit_code == 0);
}

// Files of an earlier version, named by the grid's shape (d1-xavier-s01), are the same runs: a
// sweep with the same options renames them to their canonical ids and skips them.
BOOST_AUTO_TEST_CASE(complete_runs_under_an_earlier_versions_id_are_renamed_and_skipped) {
  lw::test::TempDir dir;
  const auto args = tiny_grid(dir / "res", "old");
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), args, dir / "a.txt").exit_code, 0);
  const fs::path folder = dir / "res/old";
  std::map<std::string, std::string> created;  // a rerun would write a new created_utc
  for (const char* canonical : {"d1-sigmoid-w16-xavier-s02", "d2-sigmoid-w16-dae-s01"}) {
    const std::string id = std::string(canonical);
    const std::string legacy = id.substr(0, 3) + id.substr(id.find("-w16-") + 5);
    fs::rename(folder / (id + ".h5"), folder / (legacy + ".h5"));
    lw::h5::write_attr(lw::h5::open_file(folder / (legacy + ".h5"), true), "run_id", legacy);
    created[id] = lw::h5::read_attr<std::string>(lw::h5::open_file(folder / (legacy + ".h5")),
                                                 "created_utc");
  }
  auto dry_args = args;
  dry_args.push_back("--dry-run");
  const auto dry = run_program(depth_sweep(), dry_args, dir / "b.txt");
  BOOST_TEST(contains(dry.output, "d1-sigmoid-w16-xavier-s02.h5  (complete as d1-xavier-s02.h5"),
             dry.output);
  const auto r = run_program(depth_sweep(), args, dir / "c.txt");
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(contains(r.output, "2 complete run(s) made with these options under an earlier"),
             r.output);
  BOOST_TEST(contains(r.output, "12 of 12 runs complete, skipped"), r.output);
  for (const auto& [id, utc] : created) {
    const lw::h5::Object f = lw::h5::open_file(folder / (id + ".h5"));
    BOOST_TEST(lw::h5::read_attr<std::string>(f, "created_utc") == utc, id);
    BOOST_TEST(lw::h5::read_attr<std::string>(f, "run_id") == id);
  }
  BOOST_TEST(!fs::exists(folder / "d1-xavier-s02.h5"));
}

BOOST_AUTO_TEST_CASE(two_shards_cover_the_grid_exactly_once) {
  lw::test::TempDir dir;
  std::map<std::string, int> trained;  // run id -> how many shards trained it
  for (const char* shard : {"0/2", "1/2"}) {
    auto args = tiny_grid(dir / "res", "sh");
    args.insert(args.end(), {"--shard", shard});
    const auto r = run_program(depth_sweep(), args, dir / "log.txt");
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(contains(r.output, "6 runs"), r.output);
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);)
      if (const auto at = line.find("] complete: "); at != std::string::npos)
        ++trained[line.substr(line.rfind(' ', at) + 1, at - line.rfind(' ', at) - 1)];
  }
  BOOST_TEST(trained.size() == 12u);
  for (const auto& [id, n] : trained) BOOST_TEST(n == 1, id);
  int runs = 0;
  for (const auto& f : lw::test::run_files_in(dir / "res/sh"))
    if (f.extension() == ".h5") ++runs;
  BOOST_TEST(runs == 12);
  BOOST_TEST(fs::exists(dir / "res/sh/summary-shard-0-2.csv"));
  BOOST_TEST(fs::exists(dir / "res/sh/summary-shard-1-2.csv"));
}

BOOST_AUTO_TEST_CASE(a_saved_model_evaluates_to_the_recorded_test_error) {
  lw::test::TempDir dir;
  const std::vector<std::string> data{"--data.source", "bars_stripes", "--data.n_examples", "400"};
  std::vector<std::string> args{"--results", (dir / "res").string(), "--experiment", "m",
                                "--depths", "1", "--inits", "xavier", "--width", "16",
                                "--finetune.epochs", "3", "--log.model"};
  args.insert(args.end(), data.begin(), data.end());
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), args, dir / "a.txt").exit_code, 0);
  BOOST_REQUIRE(fs::exists(dir / "res/m/models/d1-sigmoid-w16-xavier-s01.h5"));
  const lw::h5::Object f = lw::h5::open_file(dir / "res/m/d1-sigmoid-w16-xavier-s01.h5");
  const double recorded =
      lw::h5::read_attr<double>(lw::h5::open_group(f, "summary"), "test_error");
  std::vector<std::string> eval{"--model", (dir / "res/m/models/d1-sigmoid-w16-xavier-s01.h5").string()};
  eval.insert(eval.end(), data.begin(), data.end());
  const auto r = run_program(std::string(LW_BIN_DIR) + "/evaluate", eval, dir / "b.txt");
  BOOST_TEST(r.exit_code == 0, r.output);
  char expected[64];
  std::snprintf(expected, sizeof expected, "error %.4f%%", 100 * recorded);
  BOOST_TEST(contains(r.output, expected), r.output << " vs " << expected);
}

BOOST_AUTO_TEST_CASE(a_diverging_run_is_recorded_and_the_sweep_goes_on) {
  lw::test::TempDir dir;
  const auto r = run_program(
      depth_sweep(),
      {"--results", (dir / "res").string(), "--experiment", "div", "--depths", "1", "--inits",
       "xavier", "--seeds", "1-2", "--width", "8", "--activations", "relu", "--data.source",
       "blobs", "--data.n_examples", "200", "--finetune.epochs", "3",
       "--finetune.learning_rate", "1e30"},
      dir / "log.txt");
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(contains(r.output, "diverged"), r.output);
  BOOST_TEST(*lw::read_status(dir / "res/div/d1-relu-w8-xavier-s01.h5.partial") == "diverged");
  BOOST_TEST(*lw::read_status(dir / "res/div/d1-relu-w8-xavier-s02.h5.partial") == "diverged");
  BOOST_TEST(fs::exists(dir / "res/div/summary.csv"));
}

// A reader (h5py, a report) holding a killed run's .partial open: before, the rerun failed with
// "Resource temporarily unavailable" and left the partial truncated to 0 bytes. Now the old file
// is unlinked, not truncated: the reader keeps reading it, the rerun writes a new one.
BOOST_AUTO_TEST_CASE(a_reader_holding_a_partial_open_neither_blocks_the_rerun_nor_loses_its_view) {
  lw::test::TempDir dir;
  const auto args = [&](const std::string& epochs) {
    return std::vector<std::string>{
        "--results", (dir / "r").string(), "--experiment", "x", "--depths", "1", "--inits",
        "uniform", "--width", "8", "--threads", "1", "--jobs", "1", "--data.source", "bars_stripes",
        "--data.n_examples", "300", "--finetune.epochs", epochs, "--finetune.patience", "0"};
  };
  const auto partial = dir / "r/x/d1-sigmoid-w8-uniform-s01.h5.partial";
  const auto log = dir / "a.txt";
  lw::test::run_and_kill_when(depth_sweep(), args("100000"), log,
                              [&] { return contains(lw::test::read_text(log), "finetune epoch 20 "); }, 120);
  const lw::h5::Object reader = lw::h5::open_file(partial);
  const auto seen = lw::h5::read_vector<std::int64_t>(lw::h5::open_group(reader, "finetune/epochs"), "epoch");
  BOOST_TEST_REQUIRE(seen.size() >= 20u);
  const auto rerun = run_program(depth_sweep(), args("5"), dir / "b.txt");
  BOOST_TEST(rerun.exit_code == 0, rerun.output);
  BOOST_TEST(lw::is_complete(dir / "r/x", "d1-sigmoid-w8-uniform-s01"));
  const auto again = lw::h5::read_vector<std::int64_t>(lw::h5::open_group(reader, "finetune/epochs"), "epoch");
  BOOST_TEST(again.size() == seen.size());  // the reader's file is intact
}

// Two sweeps started at once on one folder share the work (RunLock): every run is trained once, by
// one of them, and the files equal a single sweep's. Before, the loser's create-with-truncate could
// hit the winner's open file, leaving a "complete" result with an unreadable /finetune.
BOOST_AUTO_TEST_CASE(two_sweeps_at_once_on_one_folder_share_the_runs_and_write_a_single_sweeps_files) {
  lw::test::TempDir dir;
  const auto args = [&](const std::string& results) {
    return std::vector<std::string>{
        "--results", (dir / results).string(), "--experiment", "x", "--depths", "1,2", "--inits",
        "uniform,xavier,ae", "--width", "8", "--threads", "1", "--jobs", "1", "--data.source", "bars_stripes",
        "--data.n_examples", "300", "--finetune.epochs", "300", "--finetune.patience", "0",
        "--pretrain.ae.epochs", "100", "--log.every", "5"};
  };
  auto first = std::async(std::launch::async,
                          [&] { return run_program(depth_sweep(), args("shared"), dir / "a.txt"); });
  auto second = std::async(std::launch::async,
                           [&] { return run_program(depth_sweep(), args("shared"), dir / "b.txt"); });
  const auto a = first.get(), b = second.get();
  BOOST_TEST(a.exit_code == 0, a.output);
  BOOST_TEST(b.exit_code == 0, b.output);
  const auto trained = [](const std::string& out) {  // runs this process trained itself
    std::size_t n = 0;
    for (std::size_t at = out.find("] complete: test error"); at != std::string::npos;
         at = out.find("] complete: test error", at + 1))
      ++n;
    return n;
  };
  BOOST_TEST(trained(a.output) + trained(b.output) == 6u, a.output << "\n----\n" << b.output);
  const auto rerun = run_program(depth_sweep(), args("shared"), dir / "d.txt");
  BOOST_TEST(contains(rerun.output, "6 of 6 runs complete, skipped"), rerun.output);
  const auto single = run_program(depth_sweep(), args("single"), dir / "c.txt");
  BOOST_TEST_REQUIRE(single.exit_code == 0, single.output);
  for (const auto& f : lw::test::run_files_in(dir / "single/x")) {
    if (f.extension() != ".h5") continue;
    BOOST_TEST(lw::is_complete(dir / "shared/x", f.stem().string()), f.filename());
    BOOST_TEST(lw::test::compare_results(f, dir / "shared/x" / f.filename()) == "", f.filename());
  }
}

BOOST_AUTO_TEST_CASE(a_grown_axis_resumes_and_runs_made_before_the_axis_are_adopted) {
  lw::test::TempDir dir;
  auto args = tiny_grid(dir / "res", "axes");
  args = with(with(args, "--depths", "1"), "--inits", "uniform,dae");
  args = with(args, "--finetune.learning_rate", "0.1");
  const auto first = run_program(depth_sweep(), args, dir / "log1.txt");
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.output);
  fs::copy(dir / "res", dir / "before", fs::copy_options::recursive);
  // The learning rate becomes a searched axis holding the value those runs had.
  auto searched = args;
  searched.insert(searched.end(), {"--search", "finetune.learning_rate=0.1,0.05"});
  const auto second = run_program(depth_sweep(), searched, dir / "log2.txt");
  BOOST_TEST_REQUIRE(second.exit_code == 0, second.output);
  BOOST_TEST(contains(second.output, "4 complete run(s) made with these options under an earlier version's run id renamed"),
             second.output);
  BOOST_TEST(contains(second.output, "4 of 8 runs complete, skipped"), second.output);
  BOOST_TEST(lw::test::compare_results(dir / "before/axes/d1-sigmoid-w16-dae-s02.h5",
                                       dir / "res/axes/d1-sigmoid-w16-dae-s02-ft_learning_rate_0.1.h5") == "");
  BOOST_TEST(!fs::exists(dir / "res/axes/d1-sigmoid-w16-dae-s02.h5"));
  // Growing the axis runs only the new setting; the table shows each group's chosen setting.
  searched.back() = "finetune.learning_rate=0.1,0.05,0.3";
  const auto third = run_program(depth_sweep(), searched, dir / "log3.txt");
  BOOST_TEST_REQUIRE(third.exit_code == 0, third.output);
  BOOST_TEST(contains(third.output, "8 of 12 runs complete, skipped"), third.output);
  BOOST_TEST(contains(third.output, "(of 3)"), third.output);
  BOOST_TEST(contains(third.output, "model selection:"), third.output);
  const auto f = lw::h5::open_file(dir / "res/axes/d1-sigmoid-w16-uniform-s01-ft_learning_rate_0.3.h5");
  const auto config = lw::h5::open_group(f, "config");
  BOOST_TEST(lw::h5::read_attr<double>(config, "finetune.learning_rate") == 0.3);
  BOOST_TEST(lw::h5::read_attr<std::string>(config, "search.finetune.learning_rate") == "0.1,0.05,0.3");
}

BOOST_AUTO_TEST_CASE(few_labels_fine_tune_on_a_subset_while_pretraining_sees_every_example) {
  lw::test::TempDir dir;
  auto args = tiny_grid(dir / "res", "few");
  args = with(with(with(args, "--depths", "1"), "--inits", "uniform,dae"), "--seeds", "1");
  args = with(with(args, "--finetune.batch_size", "32"), "--log.every", "1");
  args = with(with(args, "--finetune.patience", "0"), "--pretrain.reuse", "false");
  auto all = args;
  all = with(all, "--experiment", "all");
  args.insert(args.end(), {"--grid", "data.n_labeled=64,128"});
  for (const auto* a : {&args, &all}) {
    const auto r = run_program(depth_sweep(), *a, dir / "log.txt");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  }
  const auto file = [&](const std::string& name) { return lw::h5::open_file(dir / "res" / name); };
  for (const auto& [n, steps] : std::vector<std::pair<int, arma::uword>>{{64, 2}, {128, 4}}) {
    for (const std::string arm : {"uniform", "dae"}) {
      const auto f = file(lw::cat("few/d1-sigmoid-w16-", arm, "-s01-n_labeled_", n, ".h5"));
      BOOST_TEST(lw::h5::read_attr<std::int64_t>(lw::h5::open_group(f, "data"), "n_labeled") == n);
      BOOST_TEST(lw::h5::read_attr<std::int64_t>(lw::h5::open_group(f, "data"), "n_train") > 128);
      // One logged step per update: 3 epochs of n / 32 batches.
      const auto step = lw::h5::read_vector<std::int64_t>(lw::h5::open_group(f, "finetune/steps"), "step");
      BOOST_TEST(step.n_elem == 3 * steps, arm << " " << n);
    }
  }
  // Pretraining saw every example whatever the labels: the same layers as with all of them.
  const auto W = [&](const std::string& name) {
    return lw::h5::read_matrix<float>(lw::h5::open_group(file(name), "weights/pretrained/layer_00"), "W");
  };
  const arma::fmat w_all = W("all/d1-sigmoid-w16-dae-s01.h5");
  BOOST_TEST(arma::approx_equal(W("few/d1-sigmoid-w16-dae-s01-n_labeled_64.h5"), w_all, "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(W("few/d1-sigmoid-w16-dae-s01-n_labeled_128.h5"), w_all, "absdiff", 0.0f));
  // Fine-tuning did not: 64 labels end elsewhere than 128.
  const auto best = [&](const std::string& name) {
    return lw::h5::read_matrix<float>(lw::h5::open_group(file(name), "weights/best/layer_00"), "W");
  };
  BOOST_TEST(!arma::approx_equal(best("few/d1-sigmoid-w16-dae-s01-n_labeled_64.h5"),
                                 best("few/d1-sigmoid-w16-dae-s01-n_labeled_128.h5"), "absdiff", 0.0f));
}

BOOST_AUTO_TEST_SUITE_END()
