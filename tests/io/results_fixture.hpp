#pragma once
// Helpers for the io_h5 and io_results suites and for lw_write_sample_results: a sample run with
// known values (checked from C++ here and from Python by check_results_schema.py --sample), and a
// capture of everything written to file descriptor 2 (HDF5 prints its error stack there).
#include <filesystem>
#include <string>

#include "layerwise/io/results.hpp"

namespace lw::test {

// The sample: depth 2, layer_sizes {4, 3, 3, 2} (L = 3), 2 pretrained layers of 2 epochs each,
// 3 fine-tuning epochs of 2 logged steps each, weights initial/pretrained/best (float32) with
// W(i, j) = 100 l + 10 i + j and b(i) = 100 l + i, a summary, status complete.
inline constexpr const char* sample_run_id = "sample-d2-s07";
NetworkInfo sample_network();
EpochRow sample_epoch(std::int64_t epoch);          // grad_norm_W_mean = {epoch, 2 epoch, 3 epoch}
StepRow sample_step(std::int64_t step, std::int64_t epoch);  // every per-layer value = step + layer / 10
std::filesystem::path write_sample_results(const std::filesystem::path& dir);  // returns the .h5 path

// Starts a run, writes 3 epochs (each flushed), then `unflushed_steps` steps without a flush, and
// raises SIGKILL: to be called in a child process. Leaves <dir>/killed.h5.partial.
[[noreturn]] void write_then_kill(const std::filesystem::path& dir, int unflushed_steps);

// Redirects fd 2 to a file for its lifetime; text() restores it and returns what was written.
class StderrCapture {
 public:
  explicit StderrCapture(const std::filesystem::path& file);
  ~StderrCapture();
  std::string text();

 private:
  std::filesystem::path file_;
  int saved_ = -1;
};

}  // namespace lw::test
