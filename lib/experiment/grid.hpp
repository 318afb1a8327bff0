#pragma once
// The grid of an experiment: every combination of depth x arm (initializer or pretraining
// scheme) x activation x width x the other axes (experiment/axes.hpp; a scheme option's only for
// its arm) x seed, in that nesting order (seed innermost), each with a run id that names its
// results file. The id is a function of the run's own values only, never of the grid's shape or a
// clock: d{depth}-{activation}-w{width}-{arm}-s{seed, 2 digits}, e.g. d3-sigmoid-w500-xavier-s02,
// then -{name}_{value} for each other axis in key order, e.g.
// d3-sigmoid-w500-dae-s02-corruption_0.25-ft_learning_rate_0.1-n_labeled_1000. Growing an axis
// renames no run, so a resumed sweep finds it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "layerwise/experiment/axes.hpp"
#include "layerwise/experiment/config.hpp"

namespace lw {

struct RunSpec {
  std::string run_id;
  long depth = 0;
  std::string arm;         // initializer or pretraining scheme
  bool pretrained = false; // arm is a scheme
  std::string activation;
  long width = 0;
  std::uint64_t seed = 0;
  // The other axes' values of this run, in key order (canonical text, axes.hpp).
  std::vector<std::pair<std::string, std::string>> values = {};
};

// d{depth}-{activation}-w{width}-{arm}-s{seed:02}, then -{name}_{value} per other axis. File-name
// safe: activation and arm names are snake_case registry names, and a value holding other
// characters than letters, digits and . + - (or longer than 24) is written h{8 hex digits of its
// hash}. `axes`: the grid's, for the names (resolve_axes).
std::string canonical_run_id(const RunSpec& run, const std::vector<Axis>& axes = {});
// The ids earlier versions gave the same run, depending on the grid's shape (d3-xavier-s02,
// d3-tanh-xavier-s02, d3-w1000-xavier-s02), and, for a run with other axes, its id before they
// were axes: with only some of them (every proper subset of its -{name}_{value} parts, up to 6
// axes), or none (d3-sigmoid-w500-xavier-s02); the sweep adopts such complete files made with the
// same options (sweep.hpp). `axes`: the grid's (resolve_axes).
std::vector<std::string> legacy_run_ids(const RunSpec& run, const std::vector<Axis>& axes = {});

// Throws std::invalid_argument for an arm that is neither an initializer nor a scheme (listing
// both registries), a name in both registries, a bad axis (resolve_axes), more than 100000 runs,
// a run id longer than 200 characters, or an empty grid.
std::vector<RunSpec> expand_grid(const ExperimentConfig& cfg);

// Runs i with i % n == k (0-based), for --shard k/n; "" means all.
std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, const std::string& shard);

std::filesystem::path experiment_dir(const ExperimentConfig& cfg);

}  // namespace lw
