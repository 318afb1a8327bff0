#pragma once
// The grid of an experiment: every combination of depth x arm (initializer or pretraining
// scheme) x activation x width x seed, in that nesting order (seed innermost), each with a run id
// that names its results file: d3-xavier-s02, or d3-tanh-w1000-xavier-s02 when the activation or
// width lists have more than one entry. Run ids come from the config, never from a clock.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "experiment/config.hpp"

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

// Throws std::invalid_argument for an arm that is neither an initializer nor a scheme (listing
// both registries), a name in both registries, or an empty grid.
std::vector<RunSpec> expand_grid(const ExperimentConfig& cfg);

// Runs i with i % n == k (0-based), for --shard k/n; "" means all.
std::vector<RunSpec> select_shard(const std::vector<RunSpec>& runs, const std::string& shard);

std::filesystem::path experiment_dir(const ExperimentConfig& cfg);

}  // namespace lw
