#pragma once
// One run of a grid, start to finish, into its own results file (io/results.hpp):
//   build the network: the arm's initializer for hidden layers, or greedy layer-wise pretraining
//   with the arm's scheme; the output layer from output_init on stream "init/output";
//   fine-tune every layer (or only the output layer with pretrain.freeze) with early stopping;
//   evaluate the best epoch's weights on the test set; write the summary; finish the file.
// Pairing: for one seed every arm sees the same split, the same fine-tuning batch order
// ("finetune/shuffle"), the same dropout and augmentation draws, and the same output-layer weights.
#include <atomic>
#include <string>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/grid.hpp"
#include "instrument/console.hpp"
#include "io/dataset.hpp"

namespace lw {

struct RunOutcome {
  RunStatus status = RunStatus::failed;
  Summary summary;
  std::string message;
  std::filesystem::path file;
};

RunOutcome run_one(const ExperimentConfig& cfg, const RunSpec& run, const Split& split,
                   const std::vector<ConfigEntry>& effective, const std::string& command_line,
                   SweepProgress& progress, const std::atomic<bool>* stop_requested);

// The summary of a finished run's file, read back (for the table of a resumed sweep).
Summary read_summary(const std::filesystem::path& file);

}  // namespace lw
