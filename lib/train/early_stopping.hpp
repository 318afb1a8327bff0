#pragma once
// Early stopping on a validation metric to be minimised. An epoch improves when its metric is
// below best - min_delta; training stops after `patience` epochs in a row without improvement
// (patience 0: never stop early; the best epoch is still tracked so its weights can be restored).
#include <limits>

namespace lw {

class EarlyStopping {
 public:
  EarlyStopping(int patience, double min_delta);

  // Records an epoch's metric; true when it is the new best.
  bool record(int epoch, double metric);
  bool should_stop() const { return patience_ > 0 && since_best_ >= patience_; }
  int best_epoch() const { return best_epoch_; }
  double best() const { return best_; }

 private:
  int patience_;
  double min_delta_;
  int best_epoch_ = -1;
  double best_ = std::numeric_limits<double>::infinity();
  int since_best_ = 0;
};

}  // namespace lw
