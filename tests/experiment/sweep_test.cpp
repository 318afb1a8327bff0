// experiment/sweep: a serial sweep into its folder, read back, resumed; complete files
// made with other options refused; files of an earlier version's ids adopted.
#include "layerwise/experiment/sweep.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>

// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "layerwise/io/h5.hpp"
#include "layerwise/io/results.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

// The plan depth_sweep makes of these options (parse_arguments: the config and its effective
// options, which /config records and run_hash hashes).
lw::SweepPlan tiny_plan(const fs::path& results, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"depth_sweep", "--results", results.string(), "--experiment",
                                "sweep_test", "--depths", "1,2", "--inits", "xavier,ae",
                                "--width", "8", "--data.source", "bars_stripes",
                                "--data.n_examples", "200", "--finetune.epochs", "2",
                                "--pretrain.ae.epochs", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  lw::SweepPlan plan;
  plan.args = lw::parse_arguments(static_cast<int>(argv.size()), argv.data(), plan.cfg,
                                  lw::OptionTable(),
                                  lw::describe_scheme_options(plan.cfg.pretrain.options));
  plan.runs = lw::expand_grid(plan.cfg);
  plan.dir = lw::experiment_dir(plan.cfg);
  return plan;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_sweep)

BOOST_AUTO_TEST_CASE(a_serial_sweep_writes_every_run_and_a_rerun_reads_them_back) {
  lw::test::TempDir dir;
  lw::SweepPlan plan = tiny_plan(dir.path());
  lw::StopFlag stop;
  BOOST_TEST_REQUIRE(lw::run_serial(plan, stop) == 0);
  for (const auto& run : plan.runs) BOOST_TEST(lw::is_complete(plan.dir, run.run_id), run.run_id);
  BOOST_TEST(fs::exists(plan.dir / "summary.csv"));
  const lw::SweepRecords records(plan);
  BOOST_TEST(records.todo.empty());
  BOOST_TEST_REQUIRE(records.by_run.size() == 4u);
  for (const auto& r : records.by_run) {
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST((r->status == lw::RunStatus::complete));
    BOOST_TEST(r->summary.epochs_run >= 1);
    BOOST_TEST(fs::exists(r->file));
  }
  BOOST_TEST(!lw::check_folder(plan).has_value());  // same options: go on (and skip)

  // Other options: the complete files are refused.
  const lw::SweepPlan other = tiny_plan(dir.path(), {"--finetune.learning_rate", "0.05"});
  BOOST_TEST((lw::check_folder(other) == std::optional<int>(2)));
}

// Damage a complete sweep's files four ways; a rerun names each, moves it aside untouched and
// redoes the run, and skips the intact one (before: a missing /summary aborted the rerun, and an
// unreadable file blocked its run with "a complete result exists").
BOOST_AUTO_TEST_CASE(unreadable_complete_results_are_set_aside_and_redone_and_the_others_kept) {
  lw::test::TempDir dir;
  lw::SweepPlan plan = tiny_plan(dir.path());
  lw::StopFlag stop;
  BOOST_TEST_REQUIRE(lw::run_serial(plan, stop) == 0);
  const auto file = [&](std::size_t i) { return lw::results_path(plan.dir, plan.runs[i].run_id); };
  std::ofstream(file(0), std::ios::trunc).close();                       // 0 bytes
  std::ofstream(file(1), std::ios::trunc) << "random bytes, not HDF5";   // overwritten
  {                                                                      // no /summary
    const lw::h5::Object f = lw::h5::open_file(file(2), true);
    BOOST_TEST_REQUIRE(H5Ldelete(f.id(), "summary", H5P_DEFAULT) >= 0);
  }
  const auto intact = fs::last_write_time(file(3));
  BOOST_TEST((lw::unreadable_result(plan, plan.runs[0]) == std::optional<std::string>("0 bytes")));
  BOOST_TEST(lw::unreadable_result(plan, plan.runs[1]).value_or("").find("not a readable HDF5") == 0u);
  BOOST_TEST(lw::unreadable_result(plan, plan.runs[2]).value_or("").find("no readable /summary") == 0u);
  BOOST_TEST(!lw::unreadable_result(plan, plan.runs[3]).has_value());

  lw::SweepPlan rerun = tiny_plan(dir.path());
  BOOST_TEST(!lw::check_folder(rerun).has_value());
  BOOST_TEST_REQUIRE(lw::run_serial(rerun, stop) == 0);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(lw::is_complete(plan.dir, plan.runs[i].run_id), i);
    BOOST_TEST(fs::exists(file(i).string() + ".unreadable"), i);  // kept, never deleted
  }
  BOOST_TEST(fs::file_size(file(1).string() + ".unreadable") == 22u);
  BOOST_TEST((fs::last_write_time(file(3)) == intact));  // skipped, not redone

  // A directory under a run's file name is set aside too, and a second one gets its own name.
  fs::rename(file(0), dir.path() / "moved.h5");
  fs::create_directories(file(0));
  BOOST_TEST((lw::unreadable_result(rerun, rerun.runs[0]) == std::optional<std::string>("a directory")));
  BOOST_TEST(lw::set_aside_unreadable(rerun) == 1u);
  BOOST_TEST(fs::is_directory(file(0).string() + ".unreadable-2"));
}

// Debian 12's HDF5 crashes (SIGSEGV) or loops for ever on some corrupt files instead of raising:
// two such files (found by fuzzing, tests/fuzz/regressions/results/) as complete results. Before,
// the rerun died with them (exit 139, or hung); now each is judged in a child process, set aside
// and its run redone.
BOOST_AUTO_TEST_CASE(complete_files_that_crash_or_hang_hdf5_are_set_aside_and_redone) {
  lw::test::TempDir dir;
  lw::SweepPlan plan = tiny_plan(dir.path());
  fs::create_directories(plan.dir);
  const fs::path regressions = fs::path(LW_SOURCE_DIR) / "tests/fuzz/regressions/results";
  fs::copy_file(regressions / "hdf5_segv_in_attribute_read", lw::results_path(plan.dir, plan.runs[0].run_id));
  fs::copy_file(regressions / "hdf5_hang_in_global_heap", lw::results_path(plan.dir, plan.runs[1].run_id));
  struct Timeout {  // set for this test only, even when it fails
    Timeout() { ::setenv("LW_READ_TIMEOUT", "2", 1); }
    ~Timeout() { ::unsetenv("LW_READ_TIMEOUT"); }
  } timeout;
  const auto crashed = lw::unreadable_result(plan, plan.runs[0]);
  const auto hung = lw::unreadable_result(plan, plan.runs[1]);
  // SIGSEGV; under AddressSanitizer its report comes first and ends the child with exit status 1
  BOOST_TEST(crashed.value_or("").rfind("corrupt: HDF5 crashed reading it (", 0) == 0u, crashed.value_or(""));
  BOOST_TEST(hung.value_or("").rfind("corrupt, or on a very slow disk: HDF5 gave no answer in 2 s", 0) == 0u,
             hung.value_or(""));
  BOOST_TEST(!lw::check_folder(plan).has_value());  // reads neither
  lw::StopFlag stop;
  BOOST_TEST(lw::run_serial(plan, stop) == 0);
  for (const auto& run : plan.runs) BOOST_TEST(lw::is_complete(plan.dir, run.run_id), run.run_id);
  for (int i : {0, 1}) BOOST_TEST(fs::exists(lw::results_path(plan.dir, plan.runs[i].run_id).string() + ".unreadable"));
}

BOOST_AUTO_TEST_CASE(complete_files_under_a_legacy_id_made_with_these_options_are_adopted) {
  lw::test::TempDir dir;
  lw::SweepPlan plan = tiny_plan(dir.path());
  lw::StopFlag stop;
  BOOST_TEST_REQUIRE(lw::run_serial(plan, stop) == 0);
  const lw::RunSpec& run = plan.runs[1];  // d1, ae
  const std::string legacy = lw::legacy_run_ids(run)[0];
  fs::rename(lw::results_path(plan.dir, run.run_id), lw::results_path(plan.dir, legacy));
  BOOST_TEST(lw::SweepRecords(plan).todo.size() == 1u);
  BOOST_TEST(lw::adopt_legacy(plan) == 1u);
  BOOST_TEST(lw::is_complete(plan.dir, run.run_id));
  BOOST_TEST(!fs::exists(lw::results_path(plan.dir, legacy)));
  BOOST_TEST(lw::h5::read_attr<std::string>(
                 lw::h5::open_file(lw::results_path(plan.dir, run.run_id)), "run_id") ==
             run.run_id);
  BOOST_TEST(lw::SweepRecords(plan).todo.empty());

  // Made with other options: left alone under its old name, and the run is redone.
  fs::rename(lw::results_path(plan.dir, run.run_id), lw::results_path(plan.dir, legacy));
  BOOST_TEST(lw::adopt_legacy(tiny_plan(dir.path(), {"--pretrain.ae.learning_rate", "0.2"})) == 0u);
  BOOST_TEST(fs::exists(lw::results_path(plan.dir, legacy)));
}

BOOST_AUTO_TEST_CASE(a_legacy_file_made_with_other_options_is_refused_and_overwrite_redoes_it) {
  lw::test::TempDir dir;
  lw::SweepPlan plan = tiny_plan(dir.path());
  lw::StopFlag stop;
  BOOST_TEST_REQUIRE(lw::run_serial(plan, stop) == 0);
  const lw::RunSpec& run = plan.runs[0];  // d1, xavier
  const std::string legacy = lw::legacy_run_ids(run)[2];  // d1-w8-xavier-s01
  fs::rename(lw::results_path(plan.dir, run.run_id), lw::results_path(plan.dir, legacy));
  fs::rename(lw::results_path(plan.dir, plan.runs[1].run_id),
             lw::partial_path(plan.dir, lw::legacy_run_ids(plan.runs[1])[0]));
  const lw::SweepPlan other = tiny_plan(dir.path(), {"--finetune.learning_rate", "0.05"});
  BOOST_TEST((lw::check_folder(other) == std::optional<int>(2)));
  // --overwrite: adopted, then redone; the legacy partial becomes the canonical one, redone.
  lw::SweepPlan redo = tiny_plan(dir.path(), {"--finetune.learning_rate", "0.05", "--overwrite"});
  BOOST_TEST(!lw::check_folder(redo).has_value());
  BOOST_TEST_REQUIRE(lw::run_serial(redo, stop) == 0);
  BOOST_TEST(!fs::exists(lw::results_path(plan.dir, legacy)));
  BOOST_TEST(!fs::exists(lw::partial_path(plan.dir, lw::legacy_run_ids(plan.runs[1])[0])));
  for (const auto& r : redo.runs) BOOST_TEST(lw::is_complete(plan.dir, r.run_id), r.run_id);
  BOOST_TEST((lw::check_folder(other) == std::nullopt));  // made with these options now
}

BOOST_AUTO_TEST_CASE(an_empty_shard_has_nothing_to_do) {
  lw::SweepPlan plan;
  std::vector<const char*> argv{"depth_sweep", "--depths", "1", "--inits", "xavier",
                                "--shard", "3/4", "--data.source", "blobs"};
  BOOST_TEST((lw::prepare_sweep(static_cast<int>(argv.size()), const_cast<char**>(argv.data()),
                                plan, false, false, "") == std::optional<int>(0)));
}

BOOST_AUTO_TEST_CASE(a_stop_request_runs_nothing_more_and_exits_128_plus_the_signal) {
  lw::test::TempDir dir;
  lw::SweepPlan plan = tiny_plan(dir.path());
  lw::StopFlag stop;
  stop.signal = 15;
  stop.requested = true;
  BOOST_TEST(lw::run_serial(plan, stop) == 128 + 15);
  for (const auto& run : plan.runs) BOOST_TEST(!lw::is_complete(plan.dir, run.run_id));
}

BOOST_AUTO_TEST_SUITE_END()
