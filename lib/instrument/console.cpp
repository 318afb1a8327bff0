#include "layerwise/instrument/console.hpp"

#include <unistd.h>

#include <cmath>

#include "layerwise/core/check.hpp"

namespace lw {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

template <class T>
ConsoleProgress<T>::ConsoleProgress(std::string run_id, SweepProgress& sweep, std::FILE* out)
    : run_id_(std::move(run_id)), sweep_(sweep), out_(out), tty_(isatty(fileno(out)) != 0) {}

template <class T>
void ConsoleProgress<T>::on_phase_begin(const PhaseInfo& phase) {
  phase_ = phase;
}

template <class T>
bool ConsoleProgress<T>::on_epoch_end(const EpochMetrics& m) {
  if (!phase_.stored_in.empty()) return true;  // a stored layer: one line at its end
  std::string what = phase_.name == "pretrain"
                         ? cat("pretrain ", phase_.scheme, " layer ", phase_.layer + 1)
                         : std::string("finetune");
  std::string line = cat("[run ", sweep_.runs_done + 1, "/", sweep_.runs_total, " ", run_id_,
                         "] ", what, " epoch ", m.epoch + 1);
  char nums[160];
  std::snprintf(nums, sizeof nums, "  loss %.4f", m.train_loss);
  line += nums;
  if (!std::isnan(m.valid_error)) {
    std::snprintf(nums, sizeof nums, "  valid %.2f%%", 100 * m.valid_error);
    line += nums;
  } else if (!std::isnan(m.valid_loss)) {
    std::snprintf(nums, sizeof nums, "  valid loss %.4f", m.valid_loss);
    line += nums;
  }
  std::snprintf(nums, sizeof nums, "  %.1fs", m.wall_time_s);
  line += nums;
  if (phase_.name == "finetune") {
    ++sweep_.epochs_done;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sweep_.started).count();
    const double per_epoch = elapsed / static_cast<double>(sweep_.epochs_done);
    const double left_runs = static_cast<double>(sweep_.runs_total - sweep_.runs_done);
    const double remaining =
        per_epoch * (left_runs * static_cast<double>(sweep_.epochs_per_run) - (m.epoch + 1));
    if (tty_) line += "  ETA <= " + format_duration(std::max(0.0, remaining));
  }
  if (tty_)
    std::fprintf(out_, "\r\033[K%s", line.c_str());
  else
    std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
  return true;
}

template <class T>
void ConsoleProgress<T>::on_phase_end(const PhaseInfo& phase, const TrainResult& result) {
  if (!phase.stored_in.empty()) {
    const double loss = result.epochs.empty() ? nan_value : result.epochs.back().train_loss;
    std::fprintf(out_, "[run %zu/%zu %s] pretrain %s layer %d: stored (%s), %zu epochs, loss %.4f\n",
                 sweep_.runs_done + 1, sweep_.runs_total, run_id_.c_str(), phase.scheme.c_str(),
                 phase.layer + 1, phase.stored_in.c_str(), result.epochs.size(), loss);
    std::fflush(out_);
    return;
  }
  if (tty_) std::fprintf(out_, "\n");
  if (result.status != TrainStatus::complete)
    std::fprintf(out_, "[run %zu/%zu %s] %s %s: %s\n", sweep_.runs_done + 1, sweep_.runs_total,
                 run_id_.c_str(), phase.name.c_str(), to_string(result.status).c_str(),
                 result.message.c_str());
  std::fflush(out_);
}

template class ConsoleProgress<float>;
template class ConsoleProgress<double>;

}  // namespace lw
