#pragma once
// The grid of an experiment: every combination of depth x arm (initializer or pretraining
// scheme) x activation x width x seed, in that nesting order (seed innermost), each with a run id
// that names its results file. The id is a function of the run's own values only, never of the
// grid's shape or a clock: d{depth}-{activation}-w{width}-{arm}-s{seed, 2 digits}, e.g.
// d3-sigmoid-w500-xavier-s02. Growing the grid renames no run, so a resumed sweep finds it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

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
};

// d{depth}-{activation}-w{width}-{arm}-s{seed:02}: every axis, in that order. File-name safe, as
// activation and arm names are snake_case registry names.
std::string canonical_run_id(const RunSpec& run);
// The ids earlier versions gave the same run, depending on the grid's shape (d3-xavier-s02,
// d3-tanh-xavier-s02, d3-w1000-xavier-s02); the sweep adopts such complete files (sweep.hpp).
std::vector<std::string> legacy_run_ids(const RunSpec& run);

// Throws std::invalid_argument for an arm that is neither an initializer nor a scheme (listing
// both registries), a name in both registries, or an empty grid.
std::vector<RunSpec> expand_grid(const ExperimentConfig& cfg);

// Runs i with i % n == k (0-based), for --shard k/n; "" means all.
std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, const std::string& shard);

std::filesystem::path experiment_dir(const ExperimentConfig& cfg);

}  // namespace lw
