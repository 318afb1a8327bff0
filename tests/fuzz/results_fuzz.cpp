// Fuzz target: what a rerun reads of a results folder (experiment/sweep.hpp, io/results.hpp). The
// input is written as a run's complete file <run_id>.h5 (seeds: real run files, complete and
// killed part-way, and a truncated one) and read as the resume does: unreadable_result judges it
// in a child process (a corrupt file can crash or hang HDF5 there, which is no finding), then, if
// it passed, is_complete, read_run_hash and SweepRecords read it here, which must not crash; and
// once more as the run's .partial, which the resume never trusts.
// Invariants: a file that unreadable_result passes is complete and its summary reads back (else a
// rerun would abort on it, as issue #25 found); its test error is a number. The documented errors
// (std::runtime_error, std::invalid_argument) are fine; a crash, a sanitizer report, another
// exception, an allocation beyond -rss_limit_mb or a hang is a finding.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "layerwise/experiment/sweep.hpp"
#include "layerwise/io/results.hpp"

namespace {

namespace fs = std::filesystem;

const lw::SweepPlan& plan() {
  static const lw::SweepPlan p = [] {
    lw::SweepPlan s;
    s.dir = fs::temp_directory_path() / ("lw_fuzz_results_" + std::to_string(::getpid()));
    lw::RunSpec run{.run_id = "", .depth = 1, .arm = "uniform", .pretrained = false,
                    .activation = "sigmoid", .width = 4, .seed = 1};
    run.run_id = lw::canonical_run_id(run);
    s.runs = {run};
    fs::create_directories(s.dir);
    return s;
  }();
  return p;
}

struct RemoveAtExit {
  ~RemoveAtExit() {
    std::error_code ec;
    fs::remove_all(plan().dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static RemoveAtExit cleanup;
  const lw::SweepPlan& s = plan();
  const std::string& id = s.runs.front().run_id;
  const fs::path complete = lw::results_path(s.dir, id), partial = lw::partial_path(s.dir, id);
  std::error_code ec;
  fs::remove(partial, ec);
  lw::fuzz::write_file(complete.string(), data, size);
  try {
    const auto why = lw::unreadable_result(s, s.runs.front());
    if (!why) {  // judged in a child (core/isolated.hpp): now read here, as the resume does
      lw::fuzz::expect(lw::is_complete(s.dir, id), "a trusted file is complete");
      (void)lw::read_run_hash(complete);
      const lw::SweepRecords records(s);  // reads its summary: must not throw now
      lw::fuzz::expect(records.todo.empty() && records.by_run.front().has_value(), "a trusted run is skipped");
      const double e = records.by_run.front()->summary.test_error;
      lw::fuzz::expect(!std::isinf(e), "the test error is a number or NaN");
    }
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
  fs::rename(complete, partial, ec);  // a partial: listed, never trusted
  try {
    lw::fuzz::expect(!lw::is_complete(s.dir, id), "a partial is never complete");
    lw::fuzz::expect(!lw::unreadable_result(s, s.runs.front()).has_value(), "no complete file to judge");
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
