#pragma once
// Progress on the console. On a terminal: one live line per run, rewritten in place,
//   [run 3/12 d2-xavier-s01] epoch 4/30  loss 0.4123  valid 12.34%  ETA 0:03:12
// Otherwise (logs, CI, pipes): one plain line per epoch. The ETA assumes the remaining runs take
// as long per epoch as the ones so far.
#include <chrono>
#include <cstdio>
#include <string>

#include "layerwise/train/observer.hpp"

namespace lw {

struct SweepProgress {
  std::size_t runs_total = 0;
  std::size_t runs_done = 0;  // before the current run
  long epochs_per_run = 0;    // the maximum, for the ETA
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  long epochs_done = 0;       // over the whole sweep
};

template <class T>
class ConsoleProgress final : public Observer<T> {
 public:
  ConsoleProgress(std::string run_id, SweepProgress& sweep, std::FILE* out = stdout);

  void on_phase_begin(const PhaseInfo& phase) override;
  bool on_epoch_end(const EpochMetrics& metrics) override;
  void on_phase_end(const PhaseInfo& phase, const TrainResult& result) override;

 private:
  std::string run_id_;
  SweepProgress& sweep_;
  std::FILE* out_;
  bool tty_;
  PhaseInfo phase_;
};

std::string format_duration(double seconds);  // h:mm:ss

}  // namespace lw
