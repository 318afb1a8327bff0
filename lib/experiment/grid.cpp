#include "layerwise/experiment/grid.hpp"

#include <algorithm>
#include <cstdio>

#include "layerwise/core/check.hpp"
#include "layerwise/nn/init.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace lw {

std::vector<RunSpec> expand_grid(const ExperimentConfig& cfg) {
  const auto depths = parse_int_list("depths", cfg.depths);
  const auto arms = parse_name_list("inits", cfg.inits);
  const auto acts = parse_name_list("activations", cfg.activations);
  const auto widths = parse_int_list("width", cfg.widths);
  const auto seeds = parse_int_list("seeds", cfg.seeds);
  for (const auto& arm : arms) {
    const bool is_init = has_initializer(arm), is_scheme = has_scheme(arm);
    require(!(is_init && is_scheme),
            cat("--inits: '", arm, "' names both an initializer and a pretraining scheme"));
    if (!is_init && !is_scheme) {
      std::string known;
      for (const auto& i : initializers()) known += (known.empty() ? "" : ", ") + i.name;
      std::string known_schemes;
      for (const auto& s : schemes()) known_schemes += (known_schemes.empty() ? "" : ", ") + s.name;
      throw std::invalid_argument(cat("--inits: unknown initializer or scheme '", arm,
                                      "' (initializers: ", known, "; schemes: ", known_schemes,
                                      ")"));
    }
  }
  const std::vector<Axis> axes = resolve_axes(cfg);
  // The other axes' combinations for an arm: every axis not of a scheme, and its own scheme's.
  const auto combinations = [&](const std::string& arm) {
    std::vector<std::vector<std::pair<std::string, std::string>>> out{{}};
    for (const auto& axis : axes) {
      if (!axis.scheme.empty() && axis.scheme != arm) continue;
      std::vector<std::vector<std::pair<std::string, std::string>>> next;
      for (const auto& partial : out)
        for (const auto& v : axis.values) {
          next.push_back(partial);
          next.back().emplace_back(axis.key, v);
        }
      out = std::move(next);
      if (out.size() > 100000) break;  // refused below
    }
    return out;
  };
  // Each list may hold 10000 entries; their product is checked (saturating, no overflow).
  constexpr std::size_t max_runs = 100000;
  std::size_t per_arm = 0;
  for (const auto& arm : arms) per_arm = std::min(max_runs + 1, per_arm + combinations(arm).size());
  std::size_t n_runs = 1;
  for (std::size_t n : {depths.size(), per_arm, acts.size(), widths.size(), seeds.size()})
    n_runs = (n != 0 && n_runs > max_runs / n) ? max_runs + 1 : n_runs * n;
  require(n_runs <= max_runs, cat("expand_grid(): the grid (depths x inits x activations x width x ",
                                  axes.empty() ? "" : "the other axes x ", "seeds) has more than ",
                                  max_runs, " runs"));
  std::vector<RunSpec> runs;
  for (long depth : depths)
    for (const auto& arm : arms) {
      const auto combos = combinations(arm);
      for (const auto& act : acts)
        for (long width : widths)
          for (const auto& values : combos)
            for (long seed : seeds) {
              RunSpec run{.run_id = {}, .depth = depth, .arm = arm, .pretrained = has_scheme(arm),
                          .activation = act, .width = width,
                          .seed = static_cast<std::uint64_t>(seed), .values = values};
              run.run_id = canonical_run_id(run, axes);
              // <run_id>.h5.partial and .unreadable-N must fit a file name (255 bytes).
              require(run.run_id.size() <= 200,
                      cat("expand_grid(): the run id ", run.run_id, " is longer than 200 characters; "
                          "sweep fewer options at once"));
              runs.push_back(std::move(run));
            }
    }
  require(!runs.empty(), "expand_grid(): the grid is empty");
  return runs;
}

namespace {

std::string base_run_id(const RunSpec& run) {
  char seed[32];
  std::snprintf(seed, sizeof seed, "s%02llu", static_cast<unsigned long long>(run.seed));
  return cat("d", run.depth, "-", run.activation, "-w", run.width, "-", run.arm, "-", seed);
}

std::string id_value(const std::string& key, const std::string& value) {
  const bool plain = !value.empty() && value.size() <= 24 &&
                     value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789.+-") == std::string::npos;
  if (plain) return value;
  std::string hashed(1, 'h');
  hashed.append(config_hash({{key, value}}), 0, 8);
  return hashed;
}

}  // namespace

namespace {

// "-{name}_{value}" of each of the run's other axes, in order.
std::vector<std::string> id_segments(const RunSpec& run, const std::vector<Axis>& axes) {
  std::vector<std::string> out;
  for (const auto& kv : run.values) {
    const std::string& key = kv.first;  // not a structured binding: lambdas capture it (clang 14)
    const auto axis = std::find_if(axes.begin(), axes.end(), [&](const Axis& a) { return a.key == key; });
    require(axis != axes.end(), cat("canonical_run_id(): ", key, " is not an axis of the grid"));
    out.push_back(cat("-", axis->id_name, "_", id_value(key, kv.second)));
  }
  return out;
}

}  // namespace

std::string canonical_run_id(const RunSpec& run, const std::vector<Axis>& axes) {
  std::string id = base_run_id(run);
  for (const auto& segment : id_segments(run, axes)) id += segment;
  return id;
}

std::vector<std::string> legacy_run_ids(const RunSpec& run, const std::vector<Axis>& axes) {
  char seed[32];
  std::snprintf(seed, sizeof seed, "s%02llu", static_cast<unsigned long long>(run.seed));
  std::vector<std::string> ids{cat("d", run.depth, "-", run.arm, "-", seed),
                               cat("d", run.depth, "-", run.activation, "-", run.arm, "-", seed),
                               cat("d", run.depth, "-w", run.width, "-", run.arm, "-", seed)};
  if (run.values.empty()) return ids;
  // Its ids while only some of its axes were axes (none, one, ... all but one): every proper
  // subset of its segments, for up to 6 axes; beyond, only the id without them.
  const std::vector<std::string> segments = id_segments(run, axes);
  const std::size_t k = segments.size();
  const std::size_t subsets = k <= 6 ? (std::size_t{1} << k) - 1 : 1;
  for (std::size_t mask = 0; mask < subsets; ++mask) {
    std::string id = base_run_id(run);
    for (std::size_t i = 0; i < k; ++i)
      if (mask & (std::size_t{1} << i)) id += segments[i];
    ids.push_back(id);
  }
  return ids;
}

std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, const std::string& shard) {
  if (shard.empty()) return runs;
  unsigned long k = 0, n = 0;
  char extra = 0;
  require(std::sscanf(shard.c_str(), "%lu/%lu%c", &k, &n, &extra) == 2 && n >= 1 && k < n,
          cat("--shard: '", shard, "' must be k/n with 0 <= k < n, e.g. 0/4"));
  std::vector<RunSpec> out;
  for (std::size_t i = 0; i < runs.size(); ++i)
    if (i % n == k) out.push_back(runs[i]);
  return out;
}

std::filesystem::path experiment_dir(const ExperimentConfig& cfg) {
  return std::filesystem::path(cfg.results) / cfg.experiment;
}

}  // namespace lw
