// experiment/worker: one run of a sweep at a time, and the line that reports it.
#include "layerwise/experiment/worker.hpp"

#include "layerwise/io/run_lock.hpp"

#include <boost/test/unit_test.hpp>

// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "support/temp_dir.hpp"

namespace {

// One epoch on 200 bars and stripes, results under `results`/`experiment`.
lw::ExperimentConfig tiny_config(const std::filesystem::path& results, const std::string& experiment) {
  lw::ExperimentConfig cfg;
  cfg.results = results.string();
  cfg.experiment = experiment;
  cfg.data.source = "bars_stripes";
  cfg.data.n_examples = 200;
  cfg.finetune.train.epochs = 1;
  return cfg;
}

// d1-sigmoid-w4-xavier-s02
lw::RunSpec xavier_run() {
  lw::RunSpec run{.run_id = {}, .depth = 1, .arm = "xavier", .pretrained = false,
                  .activation = "sigmoid", .width = 4, .seed = 2};
  run.run_id = lw::canonical_run_id(run);
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_worker)

BOOST_AUTO_TEST_CASE(a_worker_runs_a_run_into_its_results_file) {
  lw::test::TempDir dir;
  const lw::ExperimentConfig cfg = tiny_config(dir.path(), "worker_test");
  const lw::RunSpec run = xavier_run();
  lw::RunWorker worker(cfg, {}, "worker_test", nullptr);
  const lw::RunOutcome out = worker.run(run, nullptr);
  BOOST_TEST((out.status == lw::RunStatus::complete), out.message);
  BOOST_TEST(out.file == lw::results_path(lw::experiment_dir(cfg), "d1-sigmoid-w4-xavier-s02"));
  BOOST_TEST(lw::is_complete(lw::experiment_dir(cfg), run.run_id));
  BOOST_TEST(out.summary.epochs_run == 1);
}

// What a second process sharing the folder sees: a run held by the first is left to it; a run it
// completed meanwhile is read back, but only if made with the same options (run_hash).
BOOST_AUTO_TEST_CASE(runs_another_process_holds_or_completed_are_not_redone_or_mixed_in) {
  lw::test::TempDir dir;
  const lw::ExperimentConfig cfg = tiny_config(dir.path(), "shared");
  const lw::RunSpec run = xavier_run();
  {
    const auto held = lw::RunLock::try_take(lw::experiment_dir(cfg), run.run_id);  // "another process"
    BOOST_TEST_REQUIRE(held.has_value());
    const lw::RunOutcome out = lw::RunWorker(cfg, {}, "", nullptr).run(run, nullptr);
    BOOST_TEST((out.status == lw::RunStatus::running));
    BOOST_TEST(out.message.find("being run by another process") == 0u, out.message);
    BOOST_TEST(!std::filesystem::exists(lw::partial_path(lw::experiment_dir(cfg), run.run_id)));
  }
  BOOST_TEST_REQUIRE((lw::RunWorker(cfg, {}, "", nullptr).run(run, nullptr).status == lw::RunStatus::complete));
  // The same options: read back, not redone.
  const lw::RunOutcome again = lw::RunWorker(cfg, {}, "", nullptr).run(run, nullptr);
  BOOST_TEST((again.status == lw::RunStatus::complete));
  BOOST_TEST(again.message == "by another process");
  // Other options: never reported as this configuration's result.
  lw::ExperimentConfig other = cfg;
  other.finetune.train.optimizer.learning_rate = 0.05;
  const lw::RunOutcome mixed = lw::RunWorker(other, {{"finetune.learning_rate", 0.05}}, "", nullptr).run(run, nullptr);
  BOOST_TEST((mixed.status == lw::RunStatus::failed));
  BOOST_TEST(mixed.message.find("with other options (run_hash differs)") != std::string::npos, mixed.message);
}

BOOST_AUTO_TEST_CASE(a_bad_data_option_fails_at_load_before_any_file) {
  lw::test::TempDir dir;
  lw::ExperimentConfig cfg;
  cfg.results = dir.path().string();
  cfg.data.path = (dir / "missing").string();
  lw::RunWorker worker(cfg, {}, "", nullptr);
  lw::RunSpec run;
  run.seed = 1;
  BOOST_CHECK_THROW(worker.load(run), std::exception);
  BOOST_TEST(std::filesystem::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(an_outcome_is_described_in_one_line) {
  lw::RunOutcome done{.status = lw::RunStatus::complete, .summary = {}, .message = {}, .file = {}};
  done.summary.test_error = 0.1234;
  done.summary.epochs_run = 14;
  done.summary.total_wall_time_s = 180.24;
  BOOST_TEST(lw::describe_outcome(done) == "complete: test error 12.34%, 14 epochs, 180.2 s");
  const lw::RunOutcome diverged{.status = lw::RunStatus::diverged,
                                .summary = {},
                                .message = "non-finite loss at step 3",
                                .file = {}};
  BOOST_TEST(lw::describe_outcome(diverged) == "diverged: non-finite loss at step 3");
}

BOOST_AUTO_TEST_SUITE_END()
