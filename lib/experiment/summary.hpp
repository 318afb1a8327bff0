#pragma once
// The sweep's summary: for each arm x depth (x activation x width), the test error mean and
// sample standard deviation over the seeds whose runs completed, the number of seeds, the runs
// that diverged, failed or were interrupted, and the mean epochs run and wall time.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "layerwise/experiment/grid.hpp"
#include "layerwise/experiment/run.hpp"

namespace lw {

struct SummaryRow {
  std::string arm, activation;
  long depth = 0, width = 0;
  int n_seeds = 0;           // complete runs
  int n_not_complete = 0;    // diverged, failed or interrupted
  double test_error_mean = 0, test_error_sd = 0;  // fractions; sd NaN for one seed
  double epochs_mean = 0, wall_time_mean_s = 0;
};

// outcomes[i] is runs[i]'s (runs without one, not run yet, are left out).
std::vector<SummaryRow> summarize(const std::vector<RunSpec>& runs,
                                  const std::vector<std::optional<RunOutcome>>& outcomes);
std::string format_summary(const std::vector<SummaryRow>& rows);  // a plain-text table
// Written to path.tmp and renamed, so a reader never sees half a file.
void write_summary_csv(const std::filesystem::path& path, const std::vector<SummaryRow>& rows);

}  // namespace lw
