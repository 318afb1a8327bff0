#pragma once
// Observers that write fine-tuning to the results file (io/results.hpp):
//   /finetune/steps   layer statistics (layer_stats.hpp) at step 0 and every `every` steps
//   /finetune/epochs  each epoch's metrics and the epoch mean of each layer's ||dL/dW||_F
// The file is flushed at every epoch end (RunFile::append_epoch).
#include <vector>

#include "io/results.hpp"
#include "train/observer.hpp"

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
  bool active_ = false;         // fine-tuning phase
  std::vector<double> grad_sum_;  // per layer, this epoch
  long grad_count_ = 0;
};

}  // namespace lw
