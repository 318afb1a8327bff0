#pragma once
// The sweep's summary: for each arm x depth (x activation x width x the compared axes) and each
// setting of the searched axes (experiment/axes.hpp), the test error mean and sample standard
// deviation over the seeds whose runs completed, the mean best validation error, the number of
// seeds, the runs that diverged, failed or were interrupted, and the mean epochs run and wall time.
//
// Model selection: in each group of compared values, the selected setting is the one with the
// lowest mean validation error (each run's error at its best epoch) over its complete seeds,
// among the settings all of whose runs so far completed (a setting with a diverged seed is chosen
// only if every setting has one); ties go to the setting listed first on the axes. The test error
// never enters the choice. Without searched axes every row is its own group, selected.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "layerwise/experiment/axes.hpp"
#include "layerwise/experiment/grid.hpp"
#include "layerwise/experiment/run.hpp"

namespace lw {

struct SummaryRow {
  std::string arm, activation;
  long depth = 0, width = 0;
  std::vector<std::pair<std::string, std::string>> compared = {}, searched = {};  // other axes (key, value)
  int n_seeds = 0;           // complete runs
  int n_not_complete = 0;    // diverged, failed or interrupted
  double test_error_mean = 0, test_error_sd = 0;  // fractions; sd NaN for one seed
  double valid_error_mean = 0;                    // fraction; NaN without a complete seed
  double epochs_mean = 0, wall_time_mean_s = 0;
  bool selected = false;  // the group's chosen setting
  int n_settings = 1;     // settings of the group with an outcome (tried)
};

// outcomes[i] is runs[i]'s (runs without one, not run yet, are left out). `axes`: the grid's
// (resolve_axes), for which of a run's values are searched.
std::vector<SummaryRow> summarize(const std::vector<RunSpec>& runs,
                                  const std::vector<std::optional<RunOutcome>>& outcomes,
                                  const std::vector<Axis>& axes = {});
// A plain-text table; selected_only: one row per group, its chosen setting and how many were tried.
std::string format_summary(const std::vector<SummaryRow>& rows, bool selected_only = false);
// Every row, with the columns of format_summary's, then valid_error_mean, n_settings, selected
// and one column per other axis (its key). Written to path.tmp and renamed, so a reader never
// sees half a file.
void write_summary_csv(const std::filesystem::path& path, const std::vector<SummaryRow>& rows);

}  // namespace lw
