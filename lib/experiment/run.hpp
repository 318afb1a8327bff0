#pragma once
// One run of a grid, start to finish, into its own results file (io/results.hpp):
//   build the network: the arm's initializer for hidden layers, or greedy layer-wise pretraining
//   with the arm's scheme; the output layer from output_init on stream::output_init (core/streams.hpp);
//   fine-tune every layer (or only the output layer with pretrain.freeze) with early stopping;
//   evaluate the best epoch's weights on the test set; write the summary; finish the file.
// Pairing: for one seed every arm sees the same split, the same fine-tuning batch order
// (stream::finetune_shuffle), the same dropout and augmentation draws, and the same output-layer weights.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "layerwise/experiment/config.hpp"
#include "layerwise/experiment/grid.hpp"
#include "layerwise/instrument/console.hpp"
#include "layerwise/io/dataset.hpp"

namespace lw {

// What became of a run: the one description of an outcome, for the console, the summary table and
// the MPI reports (which carry all but `file`).
struct RunOutcome {
  RunStatus status = RunStatus::failed;
  Summary summary;      // complete runs; partly filled otherwise
  std::string message;  // why it did not complete (for a failed run, the error)
  std::filesystem::path file;  // its results file, where it is now
};

// progress: console progress lines, or null for none (MPI ranks report to rank 0 instead).
RunOutcome run_one(const ExperimentConfig& cfg, const RunSpec& run, const Split& split,
                   const std::vector<ConfigEntry>& effective, const std::string& command_line,
                   SweepProgress* progress, const std::atomic<bool>* stop_requested);

// The output layer's initializer: output_init, or with "arm" the arm's own initializer (xavier for
// a pretrained arm).
std::string output_init_of(const ExperimentConfig& cfg, const RunSpec& run);

// The summary of a finished run's file, read back (for the table of a resumed sweep).
Summary read_summary(const std::filesystem::path& file);

// What /config records for a run: the effective options (an axis's option with this run's value,
// output_init "arm" resolved), the run's own values (run.depth, run.arm, run.activation,
// run.width, run.seed), for a pretrained arm every option of its scheme typed as declared
// (pretrain.<scheme>.<key>), and last run_hash. `cfg`: the grid's; the run's values are applied.
std::vector<ConfigEntry> run_config(const ExperimentConfig& cfg, const RunSpec& run,
                                    const std::vector<ConfigEntry>& effective);

// The config_hash of what decides a run's numbers and file contents: run_config without where the
// results go or how fast they are made (results, experiment, threads, overwrite, shard), without the
// grid lists (the run's own values stand for them) and without other schemes' options. A resumed
// sweep skips a complete file only if its run_hash matches.
// Options added after the hash was defined (0.2.0) enter it only when set to another value than
// their default (options_hashed_when_set), so a file made before they existed keeps its hash.
std::string run_hash(const std::vector<ConfigEntry>& run_config);

// The options run_hash leaves out while they have their default (key, default); "pretrain.*.rho"
// stands for every scheme's option rho.
const std::vector<ConfigEntry>& options_hashed_when_set();

// The /config run_hash attribute of a results file; nullopt if missing or unreadable.
std::optional<std::string> read_run_hash(const std::filesystem::path& file);

// Where --log.model saves a run's best network: <results>/<experiment>/models/<run_id>.h5.
std::filesystem::path model_path(const ExperimentConfig& cfg, const std::string& run_id);

}  // namespace lw
