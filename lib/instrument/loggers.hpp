#pragma once
// Observers that write training to the results file (io/results.hpp) as it happens:
//   ResultsLogger (fine-tuning)
//     /finetune/steps   layer statistics (layer_stats.hpp) at step 0 and every `every` steps
//     /finetune/epochs  each epoch's metrics and the epoch mean of each layer's ||dL/dW||_F
//   PretrainLogger (greedy pretraining, one phase per hidden layer)
//     /pretrain/layer_NN  begun with the scheme and its typed options when the layer's phase
//                         begins; each epoch's training and validation loss as it ends; the
//                         layer's wall time when the phase ends (for a layer read from a stored
//                         stack: the recorded epochs, the time its training took, and where)
// The file is flushed at every epoch end, so a killed run keeps every finished epoch of both.
#include <chrono>
#include <vector>

#include "layerwise/core/config_value.hpp"

#include "layerwise/io/results.hpp"
#include "layerwise/train/observer.hpp"

namespace lw {

template <class T>
class ResultsLogger final : public Observer<T> {
 public:
  ResultsLogger(RunFile& file, long every);

  void on_phase_begin(const PhaseInfo& phase) override;
  void on_step_end(const StepEvent<T>& event) override;
  bool on_epoch_end(const EpochMetrics& metrics) override;

 private:
  RunFile& file_;
  long every_;
  bool active_ = false;           // fine-tuning phase
  std::vector<double> grad_sum_;  // per layer, this epoch
  long grad_count_ = 0;
};

template <class T>
class PretrainLogger final : public Observer<T> {
 public:
  // options: the scheme's options under their own keys, typed (SchemeOptions::entries()).
  PretrainLogger(RunFile& file, std::vector<ConfigEntry> options);

  void on_phase_begin(const PhaseInfo& phase) override;
  bool on_epoch_end(const EpochMetrics& metrics) override;
  void on_phase_end(const PhaseInfo& phase, const TrainResult& result) override;

 private:
  RunFile& file_;
  std::vector<ConfigEntry> options_;
  bool active_ = false;  // inside a pretraining phase
  std::chrono::steady_clock::time_point started_;
};

}  // namespace lw
