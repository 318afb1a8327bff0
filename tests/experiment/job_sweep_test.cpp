// --jobs: runs side by side in worker processes write the files of a serial sweep, stop together
// on a signal, and a worker that dies fails its run, not the files of the others.
#include "layerwise/experiment/job_sweep.hpp"

#include <boost/test/unit_test.hpp>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC 12, PR 105651 (short literals to std::string)
#endif

#include <filesystem>

#include "experiment/sweep_runner.hpp"
#include "layerwise/io/results.hpp"
#include "support/contains.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lw::test::contains;
using lw::test::depth_sweep;
using lw::test::run_program;

// 12 runs, a pretrained arm among them; `more` is appended.
std::vector<std::string> grid(const fs::path& results, std::vector<std::string> more, long epochs = 3) {
  std::vector<std::string> args{"--results", results.string(), "--experiment", "j", "--depths", "1,2",
                                "--inits", "uniform,xavier,dae", "--seeds", "1-2", "--width", "16",
                                "--data.source", "bars_stripes", "--data.n_examples", "400",
                                "--finetune.epochs", std::to_string(epochs), "--finetune.patience", "0",
                                "--pretrain.dae.epochs", "2", "--log.every", "3"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

int compare_folders(const fs::path& a, const fs::path& b) { return lw::test::compare_run_folders(a, b); }

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_job_sweep)

BOOST_AUTO_TEST_CASE(jobs_write_the_files_of_a_serial_sweep_and_the_default_is_one_per_core) {
  lw::test::TempDir dir;
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), grid(dir / "serial", {"--jobs", "1", "--threads", "1"}),
                                  dir / "a.txt").exit_code, 0);
  const auto r = run_program(depth_sweep(), grid(dir / "jobs", {"--jobs", "3"}), dir / "b.txt");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_TEST(contains(r.output, "12 runs -> " + (dir / "jobs/j").string() + "/ | 3 jobs"), r.output);
  BOOST_TEST(contains(r.output, "1 BLAS thread(s) each"), r.output);
  for (const char* who : {"| job 1]", "| job 2]", "| job 3]"}) BOOST_TEST(contains(r.output, who), r.output);
  BOOST_TEST(contains(r.output, "12/12 done, 0 running"), r.output);
  BOOST_TEST(contains(r.output, "test error %"), r.output);  // the summary table
  BOOST_TEST(compare_folders(dir / "serial/j", dir / "jobs/j") == 12);
  BOOST_TEST(fs::exists(dir / "jobs/j/summary.csv"));
  const auto again = run_program(depth_sweep(), grid(dir / "jobs", {"--jobs", "3"}), dir / "c.txt");
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(contains(again.output, "12 of 12 runs complete, skipped"), again.output);
  // The default: one job per core this process may use.
  const auto d = run_program(depth_sweep(), grid(dir / "default", {}), dir / "d.txt");
  BOOST_REQUIRE_EQUAL(d.exit_code, 0);
  if (lw::usable_cores() > 1)
    BOOST_TEST(contains(d.output, "| " + std::to_string(lw::usable_cores()) + " jobs"), d.output);
  BOOST_TEST(compare_folders(dir / "serial/j", dir / "default/j") == 12);
}

BOOST_AUTO_TEST_CASE(a_signal_stops_every_job_and_a_rerun_completes_the_files) {
  for (const auto& [signal, code] : {std::pair{15, 143}, std::pair{2, 130}}) {
    lw::test::TempDir dir;
    const auto args = grid(dir / "res", {"--jobs", "2"}, 400);
    const int exit_code = lw::test::run_and_kill_when(depth_sweep(), args, dir / "a.txt",
                                                      dir / "res/j/d1-sigmoid-w16-uniform-s02.h5.partial", 120, signal);
    BOOST_TEST_CONTEXT("signal " << signal) {
      BOOST_TEST(exit_code == code, lw::test::read_text(dir / "a.txt"));
      int interrupted = 0;
      for (const auto& f : lw::test::run_files_in(dir / "res/j"))
        if (f.extension() == ".partial") {
          BOOST_TEST(lw::read_status(f).value_or("unreadable") == "interrupted", f);
          ++interrupted;
        }
      BOOST_TEST(interrupted >= 1);
      BOOST_TEST(interrupted <= 2);
      const auto rerun = run_program(depth_sweep(), args, dir / "b.txt");
      BOOST_TEST_REQUIRE(rerun.exit_code == 0, rerun.output);
      BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), grid(dir / "serial", {"--jobs", "1", "--threads", "1"}, 400),
                                      dir / "c.txt").exit_code, 0);
      BOOST_TEST(compare_folders(dir / "serial/j", dir / "res/j") == 12);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_job_that_dies_fails_its_run_the_others_finish_and_a_rerun_completes) {
  lw::test::TempDir dir;
  // Every job dies at its 4th epoch flush, as kill -9 would kill it.
  std::vector<std::string> args{"-c", "LW_KILL_AT=flush:4 exec \"$0\" \"$@\"", depth_sweep()};
  for (auto& a : grid(dir / "res", {"--jobs", "2"})) args.push_back(a);
  const auto r = run_program("/bin/sh", args, dir / "a.txt");
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(contains(r.output, "was killed by SIGKILL"), r.output);
  BOOST_TEST(contains(r.output, "its file stays .partial"), r.output);
  BOOST_TEST(contains(r.output, "summary:"), r.output);  // the sweep's process wrote the summary
  const auto rerun = run_program(depth_sweep(), grid(dir / "res", {"--jobs", "2"}), dir / "b.txt");
  BOOST_TEST_REQUIRE(rerun.exit_code == 0, rerun.output);
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), grid(dir / "serial", {"--jobs", "1", "--threads", "1"}),
                                  dir / "c.txt").exit_code, 0);
  BOOST_TEST(compare_folders(dir / "serial/j", dir / "res/j") == 12);
}

BOOST_AUTO_TEST_CASE(a_negative_number_of_jobs_is_refused) {
  lw::test::TempDir dir;
  const auto r = run_program(depth_sweep(), grid(dir / "res", {"--jobs", "-1"}), dir / "a.txt");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.output, "--jobs: -1 is not a number of jobs"), r.output);
  BOOST_TEST(!fs::exists(dir / "res/j"));
}

BOOST_AUTO_TEST_SUITE_END()
