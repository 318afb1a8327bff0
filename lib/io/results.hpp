#pragma once
// The results file, HDF5 schema version 4: the whole schema is written here and nowhere else.
// README holds the normative table; this header states the same contract and the decisions the
// design left open. Adding or changing a field bumps results_schema_version and README together.
//
// Files. One file per run, <dir>/<run_id>.h5. While the run is going it is <run_id>.h5.partial;
// finish(complete) renames it to <run_id>.h5 atomically (std::filesystem::rename, same folder).
// Any other final status (diverged, failed, interrupted) is written into the file, which stays
// <run_id>.h5.partial: only a complete run ever has the .h5 name, so resume logic checks
// is_complete(dir, run_id) and reruns everything else (a rerun replaces the old partial).
// Live reading: HDF5 holds the file it writes, .<run_id>.h5.writing (hidden), open and locked;
// after every flush a copy of it is renamed over <run_id>.h5.partial, so a reader (h5py,
// h5dump, xarray, tools/analysis/report) opens a consistent file with every flushed epoch while
// the run goes on, without blocking or slowing the writer, and a killed writer leaves that copy.
// At the end the writer's own file takes the final name. (HDF5's SWMR was the other route: its
// files refuse every non-SWMR reader, h5dump included, while written and after a kill, until
// `h5clear -s`.)
// A complete <run_id>.h5 is never replaced unless overwrite = true; then it is deleted when the
// new RunFile is created. The file is flushed (H5Fflush, global scope) after every fine-tuning and
// pretraining epoch, so a killed process leaves a .partial that h5py opens, with every finished
// epoch and status "running". Files use HDF5's default (1.8-compatible) format: 1.10's newer
// superblock marks a file "open for writing" and refuses to reopen it after a crash.
//
// Types. Integers are int64, reals float64, booleans h5py's bool enum (numpy.bool_), strings
// variable-length UTF-8 (h5py: str). W is stored (fan_out, fan_in) as NumPy sees it; weights keep
// the training precision (float32 or float64). L = number of weight layers = depth + 1; layer l = 0
// is next to the input; groups are layer_00, layer_01, ...; (S, L) columns are layers 0 .. L-1.
// Every dataset has `long_name`, `description` and `units` ("1" when dimensionless, "s",
// "fraction"). Series are chunked (steps 256 rows, epochs 64) and compressed (shuffle + gzip 4).
// Dimension scales name every series' axes: /finetune/epochs/epoch, /finetune/steps/step,
// /pretrain/layer_NN/epoch, and `layer` (int64 0 .. L-1) in /finetune/epochs and /finetune/steps,
// so xarray (engine h5netcdf) sees dimensions epoch, step and layer with coordinates.
//
// | path | contents |
// | `/` attrs | schema_version (4), run_id, experiment, status, seed, created_utc (ISO 8601 UTC),
// |           | command_line, toolkit_version, git_describe, armadillo_version, blas (OpenBLAS config
// |           | and version), blas_core, hdf5_version, boost_version, compiler, build_type,
// |           | blas_threads, host |
// | `/config` attrs | every effective option under its dotted key (int64/float64/bool/str), config_hash |
// | `/data` attrs | source, path, n_train, n_valid, n_test, n_features, n_classes, checksum (str),
// |               | n_labeled (the training examples fine-tuning saw; n_train unless data.n_labeled) |
// | `/network` attrs | depth, layer_sizes (int64[L+1]: input, hidden..., output), activations
// |                  | (str[L], per weight layer), loss, init, pretrain, precision ("float32"/"float64") |
// | `/pretrain` attrs | pretrained arms: stack_key (experiment/stack_store.hpp), stack_file (the
// |                   | stored stack the run used, relative to the experiment folder; "" without) |
// | `/pretrain/layer_NN` | attrs scheme, one attr per scheme option (key as declared, typed),
// |                      | wall_time_s and stored_in (written when the layer ends: the stack file
// |                      | the layer was read from, "" when this run trained it); datasets epoch (E) int64,
// |                      | loss (E) float64, valid_loss (E) float64 (NaN without validation) |
// | `/finetune/epochs` | epoch, train_loss, train_error, valid_loss, valid_error, wall_time_s (E);
// |                    | grad_norm_W_mean (E, L); layer (L) |
// | `/finetune/steps` | step, epoch, batch_loss (S); layer (L); grad_norm_W, grad_norm_b, delta_norm,
// |                   | weight_norm_W, update_ratio, act_mean, act_std, act_saturated (S, L) |
// | `/weights/{initial,pretrained,best}/layer_NN` | optional: W (fan_out, fan_in), b (fan_out) |
// | `/summary` attrs | best_epoch, best_valid_error, test_error, epochs_run, stopped_early (bool),
// |                  | total_wall_time_s |
// /pretrain and /finetune always exist (empty if unused); /finetune/{epochs,steps} exist once
// write_network() has fixed L; /summary exists once write_summary() was called. finish(complete)
// requires config, data, network and summary to have been written.
//
// Versions. 1: /pretrain/layer_NN had no valid_loss (readers: treat as absent). 2: valid_loss.
// 3: /data n_labeled (readers: n_train when absent). 4: dimension scales (the `layer` datasets
// are new), long_name and units on every dataset, compressed series; no field changed.
//
// Counting. Epochs are 1-based (row e is written after e passes over the training set). A step
// row describes the minibatch gradient of update number `step` (0-based), taken before that update
// is applied: step 0 is the at-initialisation picture; `epoch` is the (1-based) epoch it belongs to.
#include <armadillo>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "layerwise/core/config_value.hpp"
#include "layerwise/io/dataset.hpp"

namespace lw {

inline constexpr std::int64_t results_schema_version = 4;

enum class RunStatus { running, complete, diverged, failed, interrupted };
std::string to_string(RunStatus status);
RunStatus parse_run_status(const std::string& name);  // throws invalid_argument listing the names

// ConfigValue, ConfigEntry and config_hash (the /config attributes) are core/config_value.hpp's.

struct RunHeader {  // root attributes the caller knows; the rest comes from build_info()
  std::string run_id;  // file-name safe: [A-Za-z0-9._-]+
  std::string experiment;
  std::int64_t seed = 0;
  std::string command_line;
};

// DataInfo (the /data attributes) is the data layer's, io/dataset.hpp.

struct NetworkInfo {
  std::int64_t depth = 0;                    // hidden layers
  std::vector<std::int64_t> layer_sizes;     // depth + 2 sizes: input, hidden..., output
  std::vector<std::string> activations;      // depth + 1, one per weight layer
  std::string loss, init, pretrain, precision;
};

// One row of /finetune/steps; every vector has L entries (layer 0 next to the input).
struct StepRow {
  std::int64_t step = 0, epoch = 0;
  double batch_loss = 0;
  std::vector<double> grad_norm_W, grad_norm_b, delta_norm, weight_norm_W, update_ratio, act_mean,
      act_std, act_saturated;
};

// One row of /finetune/epochs; grad_norm_W_mean has L entries.
struct EpochRow {
  std::int64_t epoch = 0;
  double train_loss = 0, train_error = 0, valid_loss = 0, valid_error = 0, wall_time_s = 0;
  std::vector<double> grad_norm_W_mean;
};

struct Summary {
  std::int64_t best_epoch = 0;
  double best_valid_error = 0, test_error = 0;
  std::int64_t epochs_run = 0;
  bool stopped_early = false;
  double total_wall_time_s = 0;
};

enum class WeightStage { initial, pretrained, best };

// Writes one run's results file. Calls after finish() throw. Not thread-safe.
class RunFile {
 public:
  // Creates <dir>/<run_id>.h5.partial (and dir), replacing an old partial; writes the root
  // attributes with status "running". Throws std::runtime_error naming the file if it cannot be
  // created, or if <dir>/<run_id>.h5 exists and !overwrite.
  RunFile(const std::filesystem::path& dir, const RunHeader& header, bool overwrite = false);
  // Unfinished (an exception unwinding): status "failed" if still "running", closed, kept .partial.
  ~RunFile();
  RunFile(RunFile&&) noexcept;
  RunFile& operator=(RunFile&&) noexcept;

  void write_config(const std::vector<ConfigEntry>& entries);  // unique keys; adds config_hash
  void write_data(const DataInfo& data);
  void write_network(const NetworkInfo& network);  // fixes L; creates /finetune/{epochs,steps}

  // Pretraining of hidden layer `layer`, one at a time: begin, epochs (each flushed), end.
  // options: the scheme's options under their own keys, typed (SchemeOptions::entries()).
  void begin_pretrain_layer(std::size_t layer, const std::string& scheme,
                            const std::vector<ConfigEntry>& options);
  void append_pretrain_epoch(std::int64_t epoch, double loss, double valid_loss);
  // stored_in: the stack file a stored layer came from ("" when trained by this run).
  void end_pretrain_layer(double wall_time_s, const std::string& stored_in = "");
  // The stored stack of a pretrained run: its key and file ("" when not stored).
  void write_pretrain_stack(const std::string& key, const std::string& file);

  void append_epoch(const EpochRow& row);  // then flushes the file
  // Held in memory and written with the next flush (every epoch end, flush(), finish(), the
  // destructor) or every 256 rows: one write per dataset instead of eleven per step. Taken by
  // value: a temporary row (as the logger passes) moves in without copying its vectors.
  void append_step(StepRow row);

  // /weights/<stage>/layer_NN/{W, b}; T = float or double; W is fan_out x fan_in and must match
  // /network layer_sizes.
  template <class T>
  void write_weights(WeightStage stage, std::size_t layer, const arma::Mat<T>& W, const arma::Col<T>& b);

  void write_summary(const Summary& summary);
  void set_status(RunStatus status);
  void flush();
  // Writes the final status (not running), flushes, closes; complete -> renamed to <run_id>.h5.
  // Returns the final path of the file.
  std::filesystem::path finish(RunStatus status);

  const std::filesystem::path& path() const;  // where the file is now
  RunStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::filesystem::path results_path(const std::filesystem::path& dir, const std::string& run_id);  // .h5
std::filesystem::path partial_path(const std::filesystem::path& dir, const std::string& run_id);  // .h5.partial

// The root `status` attribute; nullopt if the file is missing, not HDF5, or has none. Never throws.
std::optional<std::string> read_status(const std::filesystem::path& file);
// <dir>/<run_id>.h5 exists and its status is "complete": the run need not be redone.
bool is_complete(const std::filesystem::path& dir, const std::string& run_id);

struct ResultsEntry {
  std::filesystem::path path;
  std::string run_id;
  std::string status;  // "unreadable" when read_status() gives nothing
};
// Every <run_id>.h5 and <run_id>.h5.partial in dir (not recursive), sorted by file name; opens each
// file only to read its status.
std::vector<ResultsEntry> list_results(const std::filesystem::path& dir);

}  // namespace lw
