#pragma once
// The gradient probe's file, <dir>/gradient_probe.h5 (experiments/gradient_probe.cpp; the
// statistics come from experiment/probe.hpp). The whole layout is written here and nowhere else;
// tools/analysis/lwresults tells it from a run's results file by "a root with /probe and no
// run_id", so neither may change without that reader.
//
// Files. Written as <dir>/gradient_probe.h5.partial (replacing one a killed probe left) and renamed
// to gradient_probe.h5 by finish(); a probe that fails keeps the .partial name.
//
// Types as in the results file (io/results.hpp): integers int64, reals float64, strings
// variable-length UTF-8. L = number of weight layers = depth + 1; entry l of a per-layer dataset is
// weight layer l, 0 next to the input. Every dataset has a `description` attribute, and `units`
// where it applies.
//
// | path | contents |
// | `/` attrs | build_info_fields() (core/build_info.hpp: toolkit_version, git_describe,
// |           | armadillo_version, blas, blas_core, blas_kernel, hdf5_version, boost_version,
// |           | compiler, build_type; unlike a run's file no blas_threads or host), command_line,
// |           | created_utc (ISO 8601 UTC), seed, data_checksum (str) |
// | `/probe/<activation>/<arm>/depth_NN` | one freshly initialised network: attrs depth (hidden
// |           | layers), arm (initializer), activation; datasets grad_norm_W, grad_norm_b,
// |           | delta_norm, weight_norm_W, act_mean, act_std, act_saturated (L), each the mean over
// |           | the batches; attrs ratio_first_last (grad_norm_W[0] / grad_norm_W[L-1]), n_batches,
// |           | batch_size |
// | `/loaded/network_KK` | the k-th network loaded from a checkpoint (0-based, two digits at
// |           | least): attrs depth, file (the checkpoint's path as given); then the same datasets
// |           | and attrs as a /probe group |
// There is no update in a probe, so there is no update_ratio.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lw {

inline constexpr const char* probe_file_name = "gradient_probe.h5";

struct ProbeHeader {  // root attributes the caller knows; the rest comes from build_info()
  std::string command_line;
  std::int64_t seed = 0;
  std::string data_checksum;
};

// The statistics of one probed network; every vector has L entries.
struct ProbeRecord {
  std::vector<double> grad_norm_W, grad_norm_b, delta_norm, weight_norm_W, act_mean, act_std,
      act_saturated;
  double ratio_first_last = 0;
  std::int64_t n_batches = 0, batch_size = 0;
};

// Writes one gradient_probe.h5. Calls after finish() throw. Not thread-safe.
class ProbeFile {
 public:
  // Creates <dir>/gradient_probe.h5.partial (dir must exist) and writes the root attributes.
  // Throws std::runtime_error naming the file if it cannot be created.
  ProbeFile(const std::filesystem::path& dir, const ProbeHeader& header);
  ~ProbeFile();  // unfinished: closed, kept as .partial
  ProbeFile(ProbeFile&&) noexcept;
  ProbeFile& operator=(ProbeFile&&) noexcept;

  // /probe/<activation>/<arm>/depth_NN.
  void write_probe(const std::string& activation, const std::string& arm, std::int64_t depth,
                   const ProbeRecord& record);
  // /loaded/network_KK, KK = index.
  void write_loaded(std::size_t index, const std::string& file, std::int64_t depth,
                    const ProbeRecord& record);
  // Closes the file and renames it to <dir>/gradient_probe.h5; returns that path.
  std::filesystem::path finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lw
