#include "layerwise/experiment/worker.hpp"

#include <cstdio>
#include <new>
#include <stdexcept>

#include "layerwise/core/build_info.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/experiment/axes.hpp"
#include <algorithm>
#include <map>
#include <set>
#include "layerwise/io/datasets.hpp"
#include "layerwise/io/results.hpp"
#include "layerwise/io/run_lock.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace lw {

RunWorker::RunWorker(const ExperimentConfig& cfg, const std::vector<ConfigEntry>& effective,
                     std::string command_line, const std::atomic<bool>* stop_requested)
    : cfg_(cfg), effective_(effective), command_line_(std::move(command_line)),
      stop_(stop_requested) {}

namespace {

// Every data option but data.n_labeled: what decides the split.
std::string data_key(const DataConfig& data) {
  DataConfig d = data;
  OptionTable table;
  describe_options(table, d);
  std::vector<ConfigEntry> entries = table.entries();
  std::erase_if(entries, [](const ConfigEntry& e) { return e.key == "data.n_labeled"; });
  return config_hash(entries);
}

}  // namespace

void RunWorker::load(const RunSpec& run) {
  const ExperimentConfig cfg = with_values(cfg_, run.values);
  const std::string data = data_key(cfg.data);
  if (!loaded_seed_ || loaded_data_ != data ||
      (*loaded_seed_ != run.seed && split_depends_on_seed(cfg.data))) {
    loaded_seed_.reset();
    split_ = Split{};  // free the old split first: two at once would double the peak memory
    split_ = load_split(cfg.data, run.seed);
    loaded_seed_ = run.seed;
    loaded_data_ = data;
  }
  validate_for_data(cfg, split_);
}

void RunWorker::check(const std::vector<RunSpec>& runs) {
  require(!runs.empty(), "RunWorker::check(): no runs");
  // Every distinct combination of the axes' values, checked as a whole (each value alone was,
  // by resolve_axes), grouped by the split it needs.
  std::map<std::string, std::vector<ExperimentConfig>> by_data;
  std::vector<std::string> data_order;
  std::set<std::vector<std::pair<std::string, std::string>>> seen;
  for (const auto& run : runs) {
    if (!seen.insert(run.values).second) continue;
    ExperimentConfig cfg = with_values(cfg_, run.values);
    try {
      validate(cfg);
      validate_scheme_overrides(cfg.pretrain.options);
    } catch (const std::invalid_argument& e) {
      std::string values;
      for (const auto& [k, v] : run.values) values += cat(values.empty() ? "" : ", ", k, "=", v);
      throw std::invalid_argument(cat("the runs with ", values, ": ", e.what()));
    }
    const std::string data = data_key(cfg.data);
    if (!by_data.count(data)) data_order.push_back(data);
    by_data[data].push_back(std::move(cfg));
  }
  load(runs.front());
  // The other splits one at a time (each freed before the next): bad data for a later run fails
  // here, not after the first runs wrote their files.
  for (const auto& data : data_order) {
    if (data != loaded_data_) {
      loaded_seed_.reset();
      split_ = Split{};
      split_ = load_split(by_data[data].front().data, runs.front().seed);
      loaded_seed_ = runs.front().seed;
      loaded_data_ = data;
    }
    for (const auto& cfg : by_data[data]) validate_for_data(cfg, split_);
  }
}

RunOutcome RunWorker::run(const RunSpec& run, SweepProgress* progress) {
  const auto dir = experiment_dir(cfg_);
  const auto file = results_path(dir, run.run_id);
  const std::optional<RunLock> lock = RunLock::try_take(dir, run.run_id);
  if (!lock)
    return RunOutcome{.status = RunStatus::running, .summary = {},
                      .message = "being run by another process; left to it", .file = partial_path(dir, run.run_id)};
  if (!cfg_.overwrite && is_complete(dir, run.run_id)) {  // completed since the sweep started
    if (read_run_hash(file) != run_hash(run_config(cfg_, run, effective_)))
      return RunOutcome{.status = RunStatus::failed, .summary = {},
                        .message = cat("another process completed ", file.string(),
                                       " with other options (run_hash differs); use another --experiment"),
                        .file = file};
    return RunOutcome{.status = RunStatus::complete, .summary = read_summary(file),
                      .message = "by another process", .file = file};
  }
  load(run);
  try {
    return run_one(cfg_, run, split_, effective_, command_line_, progress, stop_);
  } catch (const std::bad_alloc&) {  // "std::bad_alloc" alone names nothing
    char sizes[96];
    std::snprintf(sizes, sizeof sizes, "at least %.3g GB of this machine's %.3g GB",
                  run_memory_lower_bound(cfg_, run.depth, run.width, split_.info.n_features,
                                         split_.info.n_classes) / 1e9,
                  physical_memory_bytes() / 1e9);
    throw std::runtime_error(cat("out of memory in run ", run.run_id, " (", partial_path(dir, run.run_id).string(),
                                 " is kept, status failed): a depth-", run.depth, " network of width ", run.width,
                                 " on ", split_.info.n_features, " features needs ", sizes,
                                 ", plus the data and the batches; try a smaller --width or fewer processes"));
  }
}

std::string describe_outcome(const RunOutcome& outcome) {
  const Summary& summary = outcome.summary;
  if (outcome.status != RunStatus::complete) return to_string(outcome.status) + ": " + outcome.message;
  const std::string by = outcome.message.empty() ? "" : " (" + outcome.message + ")";
  char text[128];
  std::snprintf(text, sizeof text, ": test error %.2f%%, %lld epochs, %.1f s",
                100 * summary.test_error, static_cast<long long>(summary.epochs_run),
                summary.total_wall_time_s);
  return "complete" + by + text;
}

}  // namespace lw
