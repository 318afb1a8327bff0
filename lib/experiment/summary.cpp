#include "layerwise/experiment/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <tuple>

#include "layerwise/core/check.hpp"
#include "layerwise/core/fault_point.hpp"

namespace lw {
namespace {

using Values = std::vector<std::pair<std::string, std::string>>;

std::string identity(const SummaryRow& r, bool with_searched) {
  std::string id = cat(r.arm, '\x1f', r.depth, '\x1f', r.activation, '\x1f', r.width);
  for (const auto& [k, v] : r.compared) id += cat('\x1f', k, '=', v);
  if (with_searched)
    for (const auto& [k, v] : r.searched) id += cat('\x1f', k, '=', v);
  return id;
}

void fill_statistics(SummaryRow& row, const std::vector<const RunOutcome*>& outcomes) {
  double sum = 0, sq = 0, valid = 0, epochs = 0, wall = 0;
  for (const RunOutcome* r : outcomes) {
    if (r->status != RunStatus::complete) {
      ++row.n_not_complete;
      continue;
    }
    ++row.n_seeds;
    sum += r->summary.test_error;
    sq += r->summary.test_error * r->summary.test_error;
    valid += r->summary.best_valid_error;
    epochs += static_cast<double>(r->summary.epochs_run);
    wall += r->summary.total_wall_time_s;
  }
  if (row.n_seeds > 0) {
    const double n = row.n_seeds;
    row.test_error_mean = sum / n;
    // The sample sd of one value is undefined: NaN, not 0 (a table showing "+- 0.00" claims a
    // spread of zero that nobody measured).
    row.test_error_sd = n > 1 ? std::sqrt(std::max(0.0, (sq - sum * sum / n) / (n - 1))) : std::nan("");
    row.valid_error_mean = valid / n;
    row.epochs_mean = epochs / n;
    row.wall_time_mean_s = wall / n;
  } else {
    row.test_error_mean = row.test_error_sd = row.valid_error_mean = std::nan("");
  }
}

}  // namespace

std::vector<SummaryRow> summarize(const std::vector<RunSpec>& runs,
                                  const std::vector<std::optional<RunOutcome>>& outcomes,
                                  const std::vector<Axis>& axes) {
  require(outcomes.size() == runs.size(),
          cat("summarize(): ", outcomes.size(), " outcomes for ", runs.size(), " runs"));
  const auto searched = [&](const std::string& key) {
    return std::any_of(axes.begin(), axes.end(), [&](const Axis& a) { return a.key == key && a.searched; });
  };
  std::vector<SummaryRow> rows;
  std::vector<std::vector<const RunOutcome*>> members;
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!outcomes[i]) continue;
    const RunSpec& r = runs[i];
    SummaryRow row{.arm = r.arm, .activation = r.activation, .depth = r.depth, .width = r.width};
    for (const auto& kv : r.values) (searched(kv.first) ? row.searched : row.compared).push_back(kv);
    const auto [it, added] = at.emplace(identity(row, true), rows.size());
    if (added) {
      rows.push_back(std::move(row));
      members.emplace_back();
    }
    members[it->second].push_back(&*outcomes[i]);
  }
  for (std::size_t i = 0; i < rows.size(); ++i) fill_statistics(rows[i], members[i]);
  // Model selection in each group of compared values; rows are in grid order, so the first of
  // equals is the setting listed first.
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < rows.size(); ++i) groups[identity(rows[i], false)].push_back(i);
  for (const auto& [id, settings] : groups) {
    const auto rank = [&](std::size_t i) {
      const SummaryRow& r = rows[i];
      const double valid = std::isnan(r.valid_error_mean) ? std::numeric_limits<double>::infinity()
                                                          : r.valid_error_mean;
      return std::make_tuple(r.n_not_complete > 0 || r.n_seeds == 0, valid, i);
    };
    const std::size_t best = *std::min_element(settings.begin(), settings.end(),
                                               [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
    for (const std::size_t i : settings) rows[i].n_settings = static_cast<int>(settings.size());
    rows[best].selected = rows[best].n_seeds > 0;
  }
  std::stable_sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    return std::tie(a.activation, a.width, a.arm) < std::tie(b.activation, b.width, b.arm);
  });
  return rows;
}

std::string format_summary(const std::vector<SummaryRow>& rows, bool selected_only) {
  const bool any_searched =
      std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) { return !r.searched.empty(); });
  const auto percent = [](double mean, double sd, int n) -> std::string {
    char text[64];
    if (n > 1) std::snprintf(text, sizeof text, "%.2f +- %.2f", 100 * mean, 100 * sd);
    else if (n == 1) std::snprintf(text, sizeof text, "%.2f", 100 * mean);
    else std::snprintf(text, sizeof text, "-");
    return text;
  };
  std::vector<std::string> compared_keys, searched_keys;
  for (const auto& r : rows) {
    for (const auto& kv : r.compared)
      if (std::find(compared_keys.begin(), compared_keys.end(), kv.first) == compared_keys.end())
        compared_keys.push_back(kv.first);
    for (const auto& kv : r.searched)
      if (std::find(searched_keys.begin(), searched_keys.end(), kv.first) == searched_keys.end())
        searched_keys.push_back(kv.first);
  }
  const auto value_of = [](const Values& values, const std::string& key) -> std::string {
    for (const auto& [k, v] : values)
      if (k == key) return v;
    return "";
  };
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> notes;
  std::vector<std::string> head{"arm", "activation", "width", "depth"};
  head.insert(head.end(), compared_keys.begin(), compared_keys.end());
  if (!selected_only) head.insert(head.end(), searched_keys.begin(), searched_keys.end());
  head.push_back("test error %");
  if (any_searched) head.push_back("valid error %");
  for (const char* h : {"seeds", "epochs", "wall s"}) head.push_back(h);
  if (selected_only && any_searched) head.push_back("selected (of settings tried)");
  table.push_back(head);
  notes.push_back("");
  // A group none of whose settings has a complete seed still gets its row (its first setting's),
  // marked not complete: it never disappears from the table.
  std::map<std::string, bool> group_has_selected;
  for (const auto& r : rows) group_has_selected[identity(r, false)] |= r.selected;
  std::map<std::string, bool> group_shown;
  for (const auto& r : rows) {
    if (selected_only && any_searched) {
      const std::string group = identity(r, false);
      const bool stand_in = !group_has_selected[group] && !group_shown[group];
      if (!r.selected && !stand_in) continue;
      group_shown[group] = true;
    }
    char number[64];
    std::vector<std::string> line{r.arm, r.activation, std::to_string(r.width), std::to_string(r.depth)};
    for (const auto& k : compared_keys) line.push_back(value_of(r.compared, k));
    if (!selected_only)
      for (const auto& k : searched_keys) line.push_back(value_of(r.searched, k));
    line.push_back(percent(r.test_error_mean, r.test_error_sd, r.n_seeds));
    if (any_searched) {
      std::snprintf(number, sizeof number, r.n_seeds ? "%.2f" : "-", 100 * r.valid_error_mean);
      line.push_back(number);
    }
    line.push_back(std::to_string(r.n_seeds));
    std::snprintf(number, sizeof number, "%.1f", r.epochs_mean);
    line.push_back(number);
    std::snprintf(number, sizeof number, "%.1f", r.wall_time_mean_s);
    line.push_back(number);
    if (selected_only && any_searched) {
      std::string chosen;
      for (const auto& [k, v] : r.searched) chosen += cat(chosen.empty() ? "" : " ", k, "=", v);
      line.push_back(r.selected ? cat(chosen, " (of ", r.n_settings, ")")
                                : cat("none: no setting completed (of ", r.n_settings, ")"));
    }
    table.push_back(line);
    notes.push_back(r.n_not_complete ? cat("  (", r.n_not_complete, " not complete)") : "");
  }
  std::vector<std::size_t> widths(head.size(), 0);
  for (const auto& line : table)
    for (std::size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], line[c].size());
  std::string out;
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::string text;
    for (std::size_t c = 0; c < table[i].size(); ++c) {
      const std::string& cell = table[i][c];
      const bool last = c + 1 == table[i].size();
      text += cell + (last ? "" : std::string(widths[c] - cell.size() + 2, ' '));
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + notes[i] + "\n";
  }
  return out;
}

void write_summary_csv(const std::filesystem::path& path, const std::vector<SummaryRow>& rows) {
  std::filesystem::create_directories(path.parent_path());
  std::vector<std::string> keys;  // the other axes, compared then searched, as first met
  for (const auto& r : rows)
    for (const Values* values : {&r.compared, &r.searched})
      for (const auto& kv : *values)
        if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) keys.push_back(kv.first);
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(tmp);
    require_io(out.good(), cat("write_summary_csv(): cannot write ", tmp.string()));
    out << "arm,activation,width,depth,n_seeds,n_not_complete,test_error_mean,test_error_sd,"
           "epochs_mean,wall_time_mean_s,valid_error_mean,n_settings,selected";
    for (const auto& k : keys) out << "," << k;
    out << "\n";
    out.precision(10);
    for (const auto& r : rows) {
      out << r.arm << "," << r.activation << "," << r.width << "," << r.depth << "," << r.n_seeds
          << "," << r.n_not_complete << "," << r.test_error_mean << "," << r.test_error_sd << ","
          << r.epochs_mean << "," << r.wall_time_mean_s << "," << r.valid_error_mean << ","
          << r.n_settings << "," << (r.selected ? "true" : "false");
      for (const auto& k : keys) {
        out << ",";
        for (const Values* values : {&r.compared, &r.searched})
          for (const auto& [key, v] : *values)
            if (key == k) out << v;
      }
      out << "\n";
    }
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
