#pragma once
// A sweep's worker: the loop body shared by the serial driver and every MPI rank. It runs the
// runs it is handed one at a time, loading a split only when the run's data options (all but
// data.n_labeled, which picks from the split: experiment/labeled.hpp) differ from the loaded
// one's, or its seed does and the split depends on it (io/datasets.hpp split_depends_on_seed),
// and turns each outcome into the one-line report the driver prints.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layerwise/experiment/config.hpp"
#include "layerwise/experiment/grid.hpp"
#include "layerwise/experiment/run.hpp"
#include "layerwise/io/dataset.hpp"

namespace lw {

class RunWorker {
 public:
  RunWorker(const ExperimentConfig& cfg, const std::vector<ConfigEntry>& effective,
            std::string command_line, const std::atomic<bool>* stop_requested);

  // Loads the run's split now and checks the run's options against it (validate_for_data): bad
  // data options or files throw here, before any run starts.
  void load(const RunSpec& run);
  // Every distinct configuration of `runs` (their axes' values) checked whole (validate, the
  // schemes' checks) and against its split (validate_for_data; other splits loaded one at a
  // time), so a bad combination fails before any file. Throws std::invalid_argument.
  void check(const std::vector<RunSpec>& runs);
  // Runs one run into its results file, holding its RunLock (io/run_lock.hpp) meanwhile, so two
  // processes sharing the folder never train one run at once. A run another process holds is
  // left to it (status running, "being run by another process"); one another process completed
  // since the sweep started is read back, not redone. progress may be null: no console output.
  RunOutcome run(const RunSpec& run, SweepProgress* progress);

 private:
  ExperimentConfig cfg_;  // copies: callers may pass temporaries
  std::vector<ConfigEntry> effective_;
  std::string command_line_;
  const std::atomic<bool>* stop_;
  std::optional<std::uint64_t> loaded_seed_;
  std::string loaded_data_;  // data_key of the loaded split
  Split split_;
};

// "complete: test error 12.34%, 14 epochs, 180.2 s" or "diverged: <message>".
std::string describe_outcome(const RunOutcome& outcome);

}  // namespace lw
