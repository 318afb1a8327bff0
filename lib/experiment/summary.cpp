#include "layerwise/experiment/summary.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <tuple>

#include "layerwise/core/check.hpp"
#include "layerwise/core/fault_point.hpp"

namespace lw {

std::vector<SummaryRow> summarize(const std::vector<RunSpec>& runs,
                                  const std::vector<std::optional<RunOutcome>>& outcomes) {
  require(outcomes.size() == runs.size(),
          cat("summarize(): ", outcomes.size(), " outcomes for ", runs.size(), " runs"));
  using Key = std::tuple<std::string, long, std::string, long>;  // arm, depth, act, width
  std::vector<Key> order;
  std::map<Key, std::vector<const RunOutcome*>> groups;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!outcomes[i]) continue;
    const RunSpec& r = runs[i];
    const Key key{r.arm, r.depth, r.activation, r.width};
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&*outcomes[i]);
  }
  std::vector<SummaryRow> rows;
  for (const auto& key : order) {
    SummaryRow row{.arm = std::get<0>(key), .activation = std::get<2>(key),
                   .depth = std::get<1>(key), .width = std::get<3>(key)};
    double sum = 0, sq = 0, epochs = 0, wall = 0;
    for (const RunOutcome* r : groups[key]) {
      if (r->status != RunStatus::complete) {
        ++row.n_not_complete;
        continue;
      }
      ++row.n_seeds;
      sum += r->summary.test_error;
      sq += r->summary.test_error * r->summary.test_error;
      epochs += static_cast<double>(r->summary.epochs_run);
      wall += r->summary.total_wall_time_s;
    }
    if (row.n_seeds > 0) {
      const double n = row.n_seeds;
      row.test_error_mean = sum / n;
      // The sample sd of one value is undefined: NaN, not 0 (a table showing "+- 0.00" claims a
      // spread of zero that nobody measured).
      row.test_error_sd =
          n > 1 ? std::sqrt(std::max(0.0, (sq - sum * sum / n) / (n - 1))) : std::nan("");
      row.epochs_mean = epochs / n;
      row.wall_time_mean_s = wall / n;
    } else {
      row.test_error_mean = row.test_error_sd = std::nan("");
    }
    rows.push_back(row);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    return std::tie(a.activation, a.width, a.arm) < std::tie(b.activation, b.width, b.arm);
  });
  return rows;
}

std::string format_summary(const std::vector<SummaryRow>& rows) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %-10s %6s %5s  %-18s %6s %9s  %s\n", "arm", "activation",
                "width", "depth", "test error %", "seeds", "epochs", "wall s");
  out += line;
  for (const auto& r : rows) {
    char err[64];
    if (r.n_seeds > 1)
      std::snprintf(err, sizeof err, "%.2f +- %.2f", 100 * r.test_error_mean,
                    100 * r.test_error_sd);
    else if (r.n_seeds == 1)
      std::snprintf(err, sizeof err, "%.2f", 100 * r.test_error_mean);
    else
      std::snprintf(err, sizeof err, "-");
    std::snprintf(line, sizeof line, "%-16s %-10s %6ld %5ld  %-18s %6d %9.1f  %.1f%s\n",
                  r.arm.c_str(), r.activation.c_str(), r.width, r.depth, err, r.n_seeds,
                  r.epochs_mean, r.wall_time_mean_s,
                  r.n_not_complete ? cat("  (", r.n_not_complete, " not complete)").c_str() : "");
    out += line;
  }
  return out;
}

void write_summary_csv(const std::filesystem::path& path, const std::vector<SummaryRow>& rows) {
  std::filesystem::create_directories(path.parent_path());
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(tmp);
    require_io(out.good(), cat("write_summary_csv(): cannot write ", tmp.string()));
    out << "arm,activation,width,depth,n_seeds,n_not_complete,test_error_mean,test_error_sd,"
           "epochs_mean,wall_time_mean_s\n";
    out.precision(10);
    for (const auto& r : rows)
      out << r.arm << "," << r.activation << "," << r.width << "," << r.depth << "," << r.n_seeds
          << "," << r.n_not_complete << "," << r.test_error_mean << "," << r.test_error_sd << ","
          << r.epochs_mean << "," << r.wall_time_mean_s << "\n";
    out.close();  // flushes: a full disk shows here, not before
    if (out.fail()) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);  // the previous summary.csv stays as it was
      throw std::runtime_error(cat("write_summary_csv(): writing ", tmp.string(),
                                   " failed (disk full?); ", path.string(), " is unchanged"));
    }
  }
  fault_point("summary");
  std::filesystem::rename(tmp, path);
}

}  // namespace lw
