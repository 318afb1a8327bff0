// Faults while a sweep runs: a results folder that cannot take files, and a disk that fills up
// (a file-size limit, RLIMIT_FSIZE, stands in for a full disk: writes fail with EFBIG). Neither may
// leave a file that looks complete but is not, or lose finished runs; a rerun completes the sweep
// with the files of an uninterrupted one. (SIGKILL, SIGINT/SIGTERM and divergence: depth_sweep_test.)
#include <unistd.h>

#include <boost/test/unit_test.hpp>

// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>

#include "experiment/sweep_runner.hpp"
#include "layerwise/experiment/run.hpp"
#include "layerwise/io/results.hpp"
#include "layerwise/io/stack_file.hpp"
#include "support/temp_dir.hpp"
#include "support/contains.hpp"

using lw::test::contains;
namespace fs = std::filesystem;
using lw::test::depth_sweep;
using lw::test::run_program;

namespace {

std::vector<std::string> grid(const fs::path& results) {
  return {"--results", results.string(), "--experiment", "f", "--depths", "1,2", "--inits",
          "uniform,xavier", "--seeds", "1", "--width", "64", "--threads", "1", "--jobs", "1", "--data.source",
          "bars_stripes", "--data.n_examples", "400", "--finetune.epochs", "3",
          "--finetune.patience", "0", "--log.every", "3", "--log.weights"};  // weights: depth 2 is larger
}

// depth_sweep args... with files limited to `bytes` (SIGXFSZ ignored, so writes fail with EFBIG).
lw::test::ProcessResult run_with_file_size_limit(std::uintmax_t bytes,
                                                 const std::vector<std::string>& args,
                                                 const fs::path& log) {
  std::vector<std::string> all{
      "-c", "trap '' XFSZ; ulimit -f " + std::to_string(bytes / 512) + "; exec \"$0\" \"$@\"",
      depth_sweep()};
  all.insert(all.end(), args.begin(), args.end());
  return run_program("/bin/sh", all, log);
}

// The crash grid: 8 runs, an epoch flush per epoch (40 fine-tuning, 20 per pretrained layer).
std::vector<std::string> kill_grid(const fs::path& results) {
  return {"--results", results.string(), "--experiment", "k", "--depths", "1,2", "--inits",
          "uniform,dae", "--seeds", "1-2", "--width", "16", "--threads", "1", "--jobs", "1", "--data.source",
          "bars_stripes", "--data.n_examples", "400", "--finetune.epochs", "40",
          "--finetune.patience", "0", "--log.every", "1", "--pretrain.dae.epochs", "20"};
}
constexpr int kill_grid_runs = 8, kill_grid_groups = 4;

// What holds in the folder whatever moment the sweep died at: a file with a run's final name is
// complete, with a readable summary; a stored stack under its final name is whole; summary.csv,
// if there, is whole. "" or what does not hold.
std::string crash_invariant(const fs::path& dir) {
  for (const auto& f : lw::test::files_in(dir)) {
    const std::string name = f.filename().string();
    if (f.extension() == ".h5" && f.parent_path().filename() == "stacks") {  // a whole stack
      try {
        if (lw::stack_file_layers(f) < 1) return name + " is a stack without layers";
      } catch (const std::exception& e) {
        return name + ": " + e.what();
      }
      continue;
    }
    if (f.extension() == ".h5") {
      if (lw::read_status(f) != std::string("complete")) return name + " has the final name but is not complete";
      try {
        lw::read_summary(f);
      } catch (const std::exception& e) {
        return name + ": " + e.what();
      }
    }
    if (name == "summary.csv") {
      std::istringstream lines(lw::test::read_text(f));
      int n = 0;
      for (std::string line; std::getline(lines, line);) ++n;
      if (n != 1 + kill_grid_groups) return "summary.csv has " + std::to_string(n) + " lines";
    }
  }
  return "";
}

// Every run file of `a` equals its namesake in `b`, dataset by dataset.
void expect_same_runs(const fs::path& a, const fs::path& b) {
  int compared = 0;
  for (const auto& f : lw::test::run_files_in(a)) {
    if (f.extension() != ".h5") continue;
    BOOST_TEST_CONTEXT(b / f.filename()) {
      BOOST_TEST_REQUIRE(fs::exists(b / f.filename()));
      BOOST_TEST(lw::test::compare_results(f, b / f.filename()) == "");
    }
    ++compared;
  }
  BOOST_TEST(compared == kill_grid_runs);
  // and nothing else is left (no .partial, no summary.csv.tmp): the same names as `a`
  const auto names = [](const fs::path& d) {
    std::vector<std::string> out;
    for (const auto& f : lw::test::files_in(d)) out.push_back(f.filename().string());
    return out;
  };
  BOOST_TEST(names(a) == names(b), boost::test_tools::per_element());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_faults)

BOOST_AUTO_TEST_CASE(a_results_folder_that_cannot_take_files_fails_before_any_run) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "a_file", "not a folder\n");
  // Under a regular file no folder can be made, even by root.
  const auto r = run_program(depth_sweep(), grid(dir / "a_file/res"), dir / "log.txt");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(contains(r.output, "--results: cannot write into"), r.output);
  BOOST_TEST(contains(r.output, (dir / "a_file/res/f").string()), r.output);
  BOOST_TEST(!contains(r.output, "[run "), r.output);
  if (geteuid() != 0) {  // permissions do not stop root
    fs::create_directories(dir / "ro/f");
    fs::permissions(dir / "ro/f", fs::perms::owner_read | fs::perms::owner_exec);
    const auto ro = run_program(depth_sweep(), grid(dir / "ro"), dir / "log2.txt");
    BOOST_TEST(ro.exit_code == 2);
    BOOST_TEST(contains(ro.output, "Permission denied"), ro.output);
    fs::permissions(dir / "ro/f", fs::perms::owner_all);
  }
}

BOOST_AUTO_TEST_CASE(a_full_disk_fails_the_run_keeps_finished_ones_and_a_rerun_completes) {
  lw::test::TempDir dir;
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), grid(dir / "whole"), dir / "a.txt").exit_code, 0);
  // A limit between the depth-1 and the depth-2 files: the depth-1 runs fit, the first depth-2
  // run hits the "full disk" part-way.
  const auto size = [&](const char* name) { return fs::file_size(dir / "whole/f" / name); };
  const std::uintmax_t d1 = std::max(size("d1-sigmoid-w64-uniform-s01.h5"), size("d1-sigmoid-w64-xavier-s01.h5"));
  const std::uintmax_t d2 = std::min(size("d2-sigmoid-w64-uniform-s01.h5"), size("d2-sigmoid-w64-xavier-s01.h5"));
  BOOST_REQUIRE_MESSAGE(d1 + 2048 < d2, "depth-2 files should be larger: " << d1 << " " << d2);
  const std::uintmax_t limit = (d1 + 512 + d2) / 2 / 512 * 512;
  const auto r = run_with_file_size_limit(limit, grid(dir / "b"), dir / "b.txt");
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(contains(r.output, "d2-sigmoid-w64-uniform-s01.h5"), r.output);  // .partial or its .writing
  BOOST_TEST(contains(r.output, "File too large"), r.output);
  const auto status = [&](const char* name) {
    return lw::read_status(dir / "b/f" / name).value_or("unreadable");
  };
  BOOST_TEST(status("d1-sigmoid-w64-uniform-s01.h5") == "complete");
  BOOST_TEST(status("d1-sigmoid-w64-xavier-s01.h5") == "complete");
  BOOST_TEST(!fs::exists(dir / "b/f/d2-sigmoid-w64-uniform-s01.h5"));  // never renamed to look complete
  // Failed, and says so if HDF5 can still open it (a flush that stopped half-way can leave a
  // superblock that claims more bytes than the disk took: "truncated file"); never "running".
  const std::string broken = status("d2-sigmoid-w64-uniform-s01.h5.partial");
  BOOST_TEST((broken == "failed" || broken == "unreadable"), broken);
  BOOST_TEST(!fs::exists(dir / "b/f/d2-sigmoid-w64-xavier-s01.h5.partial"));  // the sweep stopped there
  // With room again, a rerun redoes the broken run and the rest.
  const auto rerun = run_program(depth_sweep(), grid(dir / "b"), dir / "c.txt");
  BOOST_REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.output);
  BOOST_TEST(contains(rerun.output, "2 of 4 runs complete, skipped"), rerun.output);
  for (const char* name : {"d1-sigmoid-w64-uniform-s01.h5", "d1-sigmoid-w64-xavier-s01.h5", "d2-sigmoid-w64-uniform-s01.h5", "d2-sigmoid-w64-xavier-s01.h5"})
    BOOST_TEST(lw::test::compare_results(dir / "whole/f" / name, dir / "b/f" / name) == "", name);
}

// SIGKILL at the moments that matter (LW_KILL_AT, core/fault_point.hpp): an epoch flush early,
// mid-pretraining and mid-fine-tuning, a complete file before its rename, summary.csv before its
// rename, a stored stack before its rename. Each time: nothing looks complete that is not, and one
// rerun gives the files of an uninterrupted sweep.
BOOST_AUTO_TEST_CASE(killed_at_each_critical_point_a_rerun_gives_the_files_of_an_uninterrupted_sweep) {
  lw::test::TempDir dir;
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), kill_grid(dir / "whole"), dir / "whole.txt").exit_code, 0);
  int case_no = 0;
  for (const char* at : {"flush:1", "flush:9", "flush:30", "flush:75", "flush:200", "rename:1", "rename:5",
                         "rename:8", "summary:1", "stack:1", "stack:3"}) {
    BOOST_TEST_CONTEXT("LW_KILL_AT=" << at) {
      const fs::path res = dir / ("k" + std::to_string(++case_no));
      std::vector<std::string> args{"-c", std::string("LW_KILL_AT=") + at + " exec \"$0\" \"$@\"", depth_sweep()};
      for (auto& a : kill_grid(res)) args.push_back(a);
      const auto killed = run_program("/bin/sh", args, dir / "killed.txt");
      BOOST_TEST(killed.exit_code == 128 + 9, killed.output);
      BOOST_TEST(crash_invariant(res / "k") == "");
      if (std::string(at).rfind("rename", 0) == 0) {  // complete inside, never renamed: redone
        std::vector<fs::path> partials, writing;
        for (const auto& f : lw::test::files_in(res / "k")) {
          if (f.extension() == ".partial") partials.push_back(f);
          if (f.extension() == ".writing") writing.push_back(f);
        }
        BOOST_TEST_REQUIRE(partials.size() == 1u);
        BOOST_TEST_REQUIRE(writing.size() == 1u);
        // The writer's own file says complete; the copy readers see is the last one published.
        BOOST_TEST(lw::read_status(writing[0]).value_or("unreadable") == "complete");
        BOOST_TEST(lw::read_status(partials[0]).value_or("unreadable") == "running");
      }
      if (std::string(at).rfind("stack", 0) == 0) {  // the stack's .partial, never used
        int partial_stacks = 0;
        for (const auto& f : lw::test::files_in(res / "k/stacks")) partial_stacks += f.extension() == ".partial";
        BOOST_TEST(partial_stacks == 1);
      }
      if (std::string(at) == "summary:1") {
        BOOST_TEST(fs::exists(res / "k/summary.csv.tmp"));
        BOOST_TEST(!fs::exists(res / "k/summary.csv"));
      }
      const auto rerun = run_program(depth_sweep(), kill_grid(res), dir / "rerun.txt");
      BOOST_TEST_REQUIRE(rerun.exit_code == 0, rerun.output);
      expect_same_runs(dir / "whole/k", res / "k");
    }
  }
}

// SIGKILL at random moments (seeded, uniform over an uninterrupted sweep's wall time), the sweep
// restarted after each kill until it completes; at every kill nothing looks complete that is not;
// the final files equal an uninterrupted sweep's.
BOOST_AUTO_TEST_CASE(killed_at_random_moments_and_rerun_until_complete_the_files_equal_an_uninterrupted_sweep) {
  lw::test::TempDir dir;
  const auto t0 = std::chrono::steady_clock::now();
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), kill_grid(dir / "whole"), dir / "whole.txt").exit_code, 0);
  const double whole_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::mt19937_64 rng(20261202);
  std::uniform_real_distribution<double> moment(0.0, whole_s);
  int kills = 0, mid_run = 0;
  for (int chain = 1; kills < 20 && chain <= 40; ++chain) {
    const fs::path res = dir / ("r" + std::to_string(chain));
    int exit_code = -1;
    for (int attempt = 0; attempt < 60 && exit_code != 0; ++attempt) {
      const double delay = moment(rng);
      const auto start = std::chrono::steady_clock::now();
      exit_code = lw::test::run_and_kill_when(
          depth_sweep(), kill_grid(res), dir / "log.txt",
          [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= delay; },
          600);
      BOOST_TEST_CONTEXT("chain " << chain << ", kill after " << delay << " s") {
        BOOST_TEST((exit_code == 0 || exit_code == 128 + 9), lw::test::read_text(dir / "log.txt"));
        BOOST_TEST(crash_invariant(res / "k") == "");
      }
      if (exit_code != 0) {
        ++kills;
        for (const auto& f : lw::test::files_in(res / "k")) mid_run += f.extension() == ".partial";
      }
    }
    BOOST_TEST_REQUIRE(exit_code == 0, "chain " << chain << " never completed");
    expect_same_runs(dir / "whole/k", res / "k");
  }
  BOOST_TEST_MESSAGE(kills << " kills over " << whole_s << " s sweeps, " << mid_run << " with a run part-way");
  BOOST_TEST(kills >= 20);
  BOOST_TEST(mid_run >= 10);
}

// The disk full from the first flush on: the file's status is rewritten in place, so the partial
// says "failed" (before, it said "running", as if a sweep were still writing it).
BOOST_AUTO_TEST_CASE(a_run_that_fails_for_lack_of_space_says_failed_not_running) {
  lw::test::TempDir dir;
  const auto r = run_with_file_size_limit(30 * 1024, grid(dir / "b"), dir / "b.txt");
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(contains(r.output, "File too large"), r.output);
  BOOST_TEST(lw::read_status(dir / "b/f/d1-sigmoid-w64-uniform-s01.h5.partial").value_or("unreadable") ==
             "failed");
}

// Memory that runs out although the parameters fit in RAM (here: an address-space limit): the
// error names the run, its file and the sizes, and the partial says failed. Before: "std::bad_alloc".
BOOST_AUTO_TEST_CASE(running_out_of_memory_names_the_run_the_file_and_the_sizes) {
#if defined(__SANITIZE_ADDRESS__)
  return;  // AddressSanitizer reserves terabytes of address space: no limit can be set under it
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  return;
#endif
#endif
  lw::test::TempDir dir;
  const std::vector<std::string> args{
      "-c", "ulimit -v 1500000; exec \"$0\" \"$@\"", depth_sweep(), "--results", (dir / "res").string(),
      "--experiment", "m", "--depths", "2", "--inits", "xavier", "--width", "12000", "--threads", "1", "--jobs", "1",
      "--data.source", "bars_stripes", "--data.n_examples", "200", "--finetune.epochs", "1"};
  const auto r = run_program("/bin/sh", args, dir / "log.txt");
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(contains(r.output, "out of memory in run d2-sigmoid-w12000-xavier-s01 ("), r.output);
  BOOST_TEST(contains(r.output, "d2-sigmoid-w12000-xavier-s01.h5.partial is kept, status failed"), r.output);
  BOOST_TEST(contains(r.output, "network of width 12000 on 16 features needs at least 1.73 GB"), r.output);
  BOOST_TEST(lw::read_status(dir / "res/m/d2-sigmoid-w12000-xavier-s01.h5.partial").value_or("missing") == "failed");
}

BOOST_AUTO_TEST_SUITE_END()
