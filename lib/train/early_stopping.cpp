#include "layerwise/train/early_stopping.hpp"

#include <cmath>

#include "layerwise/core/check.hpp"

namespace lw {

EarlyStopping::EarlyStopping(int patience, double min_delta)
    : patience_(patience), min_delta_(min_delta) {
  require(patience >= 0, cat("EarlyStopping: patience must be >= 0 (", patience, ")"));
  require(min_delta >= 0, cat("EarlyStopping: min_delta must be >= 0 (", min_delta, ")"));
}

bool EarlyStopping::record(int epoch, double metric) {
  if (!std::isnan(metric) && (best_epoch_ < 0 || metric < best_ - min_delta_)) {
    best_ = metric;
    best_epoch_ = epoch;
    since_best_ = 0;
    return true;
  }
  ++since_best_;
  return false;
}

}  // namespace lw
