#include "layerwise/io/results.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <system_error>
#include <utility>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/build_info.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/core/fault_point.hpp"
#include "layerwise/io/h5.hpp"

namespace lw {
namespace {

const char* const status_names[] = {"running", "complete", "diverged", "failed", "interrupted"};
const char* const stage_names[] = {"initial", "pretrained", "best"};

std::string layer_name(std::size_t layer) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "layer_%02zu", layer);
  return buf;
}

struct EpochField {
  const char* name;
  double EpochRow::*member;
  const char* long_name;
  const char* description;
  const char* units;
};
const EpochField epoch_fields[] = {
    {"train_loss", &EpochRow::train_loss, "training loss", "training loss of this epoch: mean over its minibatches as trained (dropout on), weighted by batch size", "1"},
    {"train_error", &EpochRow::train_error, "training error", "training classification error of this epoch, counted on its minibatches as trained", "fraction"},
    {"valid_loss", &EpochRow::valid_loss, "validation loss", "loss on the validation set after this epoch, mean over examples", "1"},
    {"valid_error", &EpochRow::valid_error, "validation error", "classification error on the validation set after this epoch", "fraction"},
    {"wall_time_s", &EpochRow::wall_time_s, "epoch wall time", "wall-clock time of this epoch (training and evaluation)", "s"},
};

struct StepField {
  const char* name;
  std::vector<double> StepRow::*member;
  const char* long_name;
  const char* description;
  const char* units;
};
constexpr std::size_t step_rows_per_write = 256;  // the steps datasets' chunk rows

const StepField step_fields[] = {
    {"grad_norm_W", &StepRow::grad_norm_W, "weight gradient norm", "per layer: Frobenius norm of dL/dW of the minibatch, before the update", "1"},
    {"grad_norm_b", &StepRow::grad_norm_b, "bias gradient norm", "per layer: Euclidean norm of dL/db of the minibatch, before the update", "1"},
    {"delta_norm", &StepRow::delta_norm, "delta norm", "per layer: Frobenius norm of the back-propagated error dL/dz over the minibatch, divided by sqrt(batch size)", "1"},
    {"weight_norm_W", &StepRow::weight_norm_W, "weight norm", "per layer: Frobenius norm of W before the update", "1"},
    {"update_ratio", &StepRow::update_ratio, "update ratio", "per layer: Frobenius norm of this step's change of W divided by that of W", "1"},
    {"act_mean", &StepRow::act_mean, "activation mean", "per layer: mean of the activations a over units and examples of the minibatch", "1"},
    {"act_std", &StepRow::act_std, "activation standard deviation", "per layer: standard deviation of the activations a over units and examples", "1"},
    {"act_saturated", &StepRow::act_saturated, "saturated fraction",
     "per layer: fraction of (unit, example) activations saturated: sigmoid/tanh within 1% of a bound, relu zero", "fraction"},
};

void write_value(const h5::Object& obj, const std::string& name, const ConfigValue& value) {
  std::visit([&](const auto& v) { h5::write_attr(obj, name, v); }, value);
}

bool safe_run_id(const std::string& id) {
  return !id.empty() && id != "." && id != ".." && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

std::string to_string(RunStatus status) { return status_names[static_cast<int>(status)]; }

RunStatus parse_run_status(const std::string& name) {
  for (int i = 0; i < 5; ++i)
    if (name == status_names[i]) return static_cast<RunStatus>(i);
  throw std::invalid_argument(
      cat("parse_run_status(): unknown status (", name, "); known: running, complete, diverged, failed, interrupted"));
}

std::filesystem::path results_path(const std::filesystem::path& dir, const std::string& run_id) {
  return dir / (run_id + ".h5");
}
std::filesystem::path partial_path(const std::filesystem::path& dir, const std::string& run_id) {
  return dir / (run_id + ".h5.partial");
}

struct RunFile::Impl {
  // writing: the file HDF5 has open (hidden, .<run_id>.h5.writing); partial: the published copy
  // of it (<run_id>.h5.partial); publishing: the copy on its way there (.<run_id>.h5.publishing).
  std::filesystem::path writing, publishing, partial, final_path, current;
  h5::Object file, pretrain, finetune;
  RunStatus status = RunStatus::running;
  bool finished = false, has_config = false, has_data = false, has_network = false, has_summary = false;
  std::vector<std::int64_t> layer_sizes;
  std::size_t n_layers = 0;  // L
  h5::Series epoch_epoch, epoch_grad;
  std::vector<h5::Series> epoch_series;  // parallel to epoch_fields
  h5::Series step_step, step_epoch, step_loss;
  std::vector<h5::Series> step_series;  // parallel to step_fields
  // Step rows wait here and go to the file in one write per dataset when append_epoch(),
  // flush() or finish() flushes (or at 256 rows, one chunk): appending a row to 11 datasets costs
  // ~40 us, the time of a whole step of a small network. A row is durable only once the file is
  // flushed, so a killed run loses nothing it would have kept.
  std::vector<StepRow> pending_steps;
  h5::Object pretrain_layer;
  h5::Series pretrain_epoch, pretrain_loss, pretrain_valid_loss;

  void require_open(const char* func) const {
    require(!finished, cat("RunFile::", func, "(): file already finished (", current.string(), ")"));
  }
  void write_pending_steps() {
    const std::size_t n = pending_steps.size();
    if (n == 0) return;
    std::vector<std::int64_t> ints(n);
    for (std::size_t r = 0; r < n; ++r) ints[r] = pending_steps[r].step;
    step_step.append_rows(ints.data(), n);
    for (std::size_t r = 0; r < n; ++r) ints[r] = pending_steps[r].epoch;
    step_epoch.append_rows(ints.data(), n);
    std::vector<double> values(n);
    for (std::size_t r = 0; r < n; ++r) values[r] = pending_steps[r].batch_loss;
    step_loss.append_rows(values.data(), n);
    values.resize(n * n_layers);
    for (std::size_t i = 0; i < step_series.size(); ++i) {
      for (std::size_t r = 0; r < n; ++r) {
        const std::vector<double>& row = pending_steps[r].*(step_fields[i].member);
        std::copy(row.begin(), row.end(), values.begin() + static_cast<std::ptrdiff_t>(r * n_layers));
      }
      step_series[i].append_rows(values.data(), n);
    }
    pending_steps.clear();
  }
  // Every flush publishes: the flushed file is copied and the copy renamed over <run_id>.h5.partial,
  // so that a reader (h5py, h5dump, tools/analysis/report) opens a consistent file holding every
  // flushed epoch, while the writer keeps its own file open. A reader never touches the writer's
  // file: it neither blocks the writer (HDF5 locks an open file) nor sees it half-written, and a
  // reader holding the old copy open keeps reading it (the rename unlinks, never overwrites).
  void publish() {
    std::error_code ec;
    std::filesystem::copy_file(writing, publishing, std::filesystem::copy_options::overwrite_existing, ec);
    if (!ec) std::filesystem::rename(publishing, partial, ec);
    if (ec) {
      std::error_code ignored;
      std::filesystem::remove(publishing, ignored);
      require_io(false, cat("RunFile: cannot publish ", partial.string(), ": ", ec.message()));
    }
  }
  void flush_file() {
    write_pending_steps();
    fault_point("flush");
    h5::flush(file);
    publish();
  }
  void close_all() {
    epoch_series.clear();
    step_series.clear();
    for (h5::Series* s : {&epoch_epoch, &epoch_grad, &step_step, &step_epoch, &step_loss, &pretrain_epoch, &pretrain_loss,
                         &pretrain_valid_loss})
      s->close();
    pretrain_layer.close();
    pretrain.close();
    finetune.close();
    file.close();
  }
  // After a failed write (a full disk): every handle closed, errors ignored, so that the file can
  // be opened afresh.
  void abandon() noexcept {
    epoch_series.clear();
    step_series.clear();
    const auto quietly = [](auto& object) {
      try {
        object.close();
      } catch (...) {
      }
    };
    for (h5::Series* s : {&epoch_epoch, &epoch_grad, &step_step, &step_epoch, &step_loss, &pretrain_epoch, &pretrain_loss,
                         &pretrain_valid_loss})
      quietly(*s);
    for (h5::Object* o : {&pretrain_layer, &pretrain, &finetune, &file}) quietly(*o);
  }
};

namespace {

// A failed run's status, written into a file that its writer could not finish (the disk filled
// up): reopened, so that only the status attribute is rewritten, which needs little space (a
// short string in the file's global heap, whose collection usually has room). Best effort: false
// if even that fails; the file then keeps "running", or cannot be opened at all.
bool record_status(const std::filesystem::path& file, RunStatus status) noexcept {
  try {
    h5::Object f = h5::open_file(file, true);
    h5::write_attr(f, "status", to_string(status));
    f.close();
    return read_status(file) == to_string(status);
  } catch (...) {
    return false;
  }
}

}  // namespace

RunFile::RunFile(const std::filesystem::path& dir, const RunHeader& header, bool overwrite)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  require(safe_run_id(header.run_id), cat("RunFile(): run_id must match [A-Za-z0-9._-]+ (", header.run_id, ")"));
  m.partial = m.current = partial_path(dir, header.run_id);
  m.writing = dir / cat(".", header.run_id, ".h5.writing");
  m.publishing = dir / cat(".", header.run_id, ".h5.publishing");
  m.final_path = results_path(dir, header.run_id);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  require_io(!ec, cat("RunFile(): cannot create results file (", m.partial.string(), "): cannot create folder ",
                      dir.string(), ": ", ec.message()));
  if (std::filesystem::exists(m.final_path)) {
    require_io(overwrite, cat("RunFile(): a complete result exists; pass overwrite to replace it (",
                              m.final_path.string(), ")"));
    std::filesystem::remove(m.final_path, ec);
    require_io(!ec, cat("RunFile(): cannot remove old result (", m.final_path.string(), "): ", ec.message()));
  }
  // An old partial is unlinked, never truncated in place: a reader that holds it open (h5py, a
  // report) keeps its own view of the old file, and this run gets a new one.
  require_io(!std::filesystem::is_directory(std::filesystem::symlink_status(m.partial, ec)),
             cat("RunFile(): cannot create results file (", m.partial.string(),
                 "): a folder of that name is in the way"));
  std::filesystem::remove(m.partial, ec);
  require_io(!ec, cat("RunFile(): cannot remove the old partial (", m.partial.string(), "): ", ec.message()));
  for (const auto& stale : {m.writing, m.publishing}) {  // left by a killed writer of this run
    std::filesystem::remove(stale, ec);
    require_io(!ec, cat("RunFile(): cannot remove ", stale.string(), ": ", ec.message()));
  }
  m.file = h5::create_file(m.writing, h5::Create::exclusive);
  const h5::Object& f = m.file;
  h5::write_attr(f, "schema_version", results_schema_version);
  h5::write_attr(f, "run_id", header.run_id);
  h5::write_attr(f, "experiment", header.experiment);
  h5::write_attr(f, "status", to_string(RunStatus::running));
  h5::write_attr(f, "seed", header.seed);
  h5::write_attr(f, "created_utc", utc_now());
  h5::write_attr(f, "command_line", header.command_line);
  for (const auto& [key, value] : build_info_fields(build_info())) h5::write_attr(f, key, value);
  h5::write_attr(f, "blas_threads", static_cast<std::int64_t>(blas_threads()));
  h5::write_attr(f, "host", host_name());
  m.pretrain = h5::create_group(f, "pretrain");
  m.finetune = h5::create_group(f, "finetune");
  m.flush_file();
}

RunFile::~RunFile() {
  if (!impl_ || impl_->finished) return;
  Impl& m = *impl_;
  // Still running, or a finish() that failed part-way (complete was never reached): failed.
  const RunStatus final_status =
      m.status == RunStatus::running || m.status == RunStatus::complete ? RunStatus::failed : m.status;
  std::error_code ec;
  try {
    m.write_pending_steps();  // the rows so far are true; the status says the run failed
    set_status(final_status);
    m.close_all();
    std::filesystem::rename(m.writing, m.partial, ec);  // the writer's file replaces the last copy
    if (!ec) return;
  } catch (...) {  // a destructor must not throw; the file stays .partial
  }
  // A write failed (a full disk, EFBIG, EIO): the rows not yet flushed are lost, the status is
  // still written if anything can be, so that the file does not say "running". The writer's file
  // when it takes the status (it holds the most), else the last published copy.
  m.abandon();
  std::filesystem::remove(m.publishing, ec);
  if (record_status(m.writing, final_status) || !std::filesystem::exists(m.partial, ec)) {
    std::filesystem::rename(m.writing, m.partial, ec);
    if (!ec) record_status(m.partial, final_status);
  } else {
    record_status(m.partial, final_status);
    std::filesystem::remove(m.writing, ec);
  }
}

RunFile::RunFile(RunFile&&) noexcept = default;
RunFile& RunFile::operator=(RunFile&&) noexcept = default;

void RunFile::write_config(const std::vector<ConfigEntry>& entries) {
  impl_->require_open("write_config");
  h5::Object g = h5::create_group(impl_->file, "config");
  for (const auto& e : entries) {
    require(!e.key.empty() && e.key != "config_hash" && !h5::has_attr(g, e.key),
            cat("RunFile::write_config(): empty, reserved or repeated key (", e.key, ")"));
    write_value(g, e.key, e.value);
  }
  h5::write_attr(g, "config_hash", config_hash(entries));
  impl_->has_config = true;
}

void RunFile::write_data(const DataInfo& d) {
  impl_->require_open("write_data");
  h5::Object g = h5::create_group(impl_->file, "data");
  h5::write_attr(g, "source", d.source);
  h5::write_attr(g, "path", d.path);
  h5::write_attr(g, "n_train", d.n_train);
  h5::write_attr(g, "n_valid", d.n_valid);
  h5::write_attr(g, "n_test", d.n_test);
  h5::write_attr(g, "n_features", d.n_features);
  h5::write_attr(g, "n_classes", d.n_classes);
  h5::write_attr(g, "checksum", d.checksum);
  h5::write_attr(g, "n_labeled", d.n_labeled > 0 ? d.n_labeled : d.n_train);
  impl_->has_data = true;
}

void RunFile::write_network(const NetworkInfo& n) {
  Impl& m = *impl_;
  m.require_open("write_network");
  require(n.depth >= 0 && n.layer_sizes.size() == static_cast<std::size_t>(n.depth) + 2 &&
              n.activations.size() == static_cast<std::size_t>(n.depth) + 1,
          cat("RunFile::write_network(): need depth + 2 layer sizes and depth + 1 activations (depth ", n.depth,
              ", ", n.layer_sizes.size(), " sizes, ", n.activations.size(), " activations)"));
  for (const auto s : n.layer_sizes) require(s > 0, cat("RunFile::write_network(): layer size must be > 0 (", s, ")"));
  h5::Object g = h5::create_group(m.file, "network");
  h5::write_attr(g, "depth", n.depth);
  h5::write_attr(g, "layer_sizes", n.layer_sizes);
  h5::write_attr(g, "activations", n.activations);
  h5::write_attr(g, "loss", n.loss);
  h5::write_attr(g, "init", n.init);
  h5::write_attr(g, "pretrain", n.pretrain);
  h5::write_attr(g, "precision", n.precision);
  m.layer_sizes = n.layer_sizes;
  m.n_layers = n.activations.size();
  const hsize_t L = m.n_layers;

  // Dimension scales (netCDF-4 / xarray): epochs are indexed by `epoch`, steps by `step`, the
  // per-layer columns by `layer` (0 .. L-1, one scale in each group).
  const auto layer_scale = [&](const h5::Object& group) {
    h5::Object layer =
        h5::write_vector(group, "layer", arma::Col<std::int64_t>(arma::regspace<arma::Col<std::int64_t>>(0, L - 1)));
    h5::describe(layer, "layer", "weight layer, 0 next to the input; the columns of the per-layer datasets", "1");
    h5::make_scale(layer, "layer");
    return layer;
  };
  const h5::Object e = h5::create_group(m.finetune, "epochs");
  m.epoch_epoch = h5::Series::create(e, "epoch", h5::Dtype::int64, 0, 64);
  h5::describe(m.epoch_epoch.dataset(), "epoch", "epoch number, 1-based: row e is written after e passes over the training set", "1");
  h5::make_scale(m.epoch_epoch.dataset(), "epoch");
  const h5::Object epoch_layer = layer_scale(e);
  for (const auto& f : epoch_fields) {
    m.epoch_series.push_back(h5::Series::create(e, f.name, h5::Dtype::float64, 0, 64));
    h5::describe(m.epoch_series.back().dataset(), f.long_name, f.description, f.units);
    h5::attach_scale(m.epoch_series.back().dataset(), m.epoch_epoch.dataset(), 0);
  }
  m.epoch_grad = h5::Series::create(e, "grad_norm_W_mean", h5::Dtype::float64, L, 64);
  h5::describe(m.epoch_grad.dataset(), "mean weight gradient norm",
               "per layer: mean over every step of the epoch of the Frobenius norm of dL/dW", "1");
  h5::attach_scale(m.epoch_grad.dataset(), m.epoch_epoch.dataset(), 0);
  h5::attach_scale(m.epoch_grad.dataset(), epoch_layer, 1);

  const h5::Object s = h5::create_group(m.finetune, "steps");
  m.step_step = h5::Series::create(s, "step", h5::Dtype::int64, 0, step_rows_per_write);
  h5::describe(m.step_step.dataset(), "step",
               "update number, 0-based; the statistics are taken before this update (0 = at initialisation)", "1");
  h5::make_scale(m.step_step.dataset(), "step");
  const h5::Object step_layer = layer_scale(s);
  m.step_epoch = h5::Series::create(s, "epoch", h5::Dtype::int64, 0, step_rows_per_write);
  h5::describe(m.step_epoch.dataset(), "epoch", "epoch (1-based) the step belongs to", "1");
  m.step_loss = h5::Series::create(s, "batch_loss", h5::Dtype::float64, 0, step_rows_per_write);
  h5::describe(m.step_loss.dataset(), "minibatch loss", "loss of the minibatch before the update, mean over its examples", "1");
  for (const h5::Series* series : {&m.step_epoch, &m.step_loss}) h5::attach_scale(series->dataset(), m.step_step.dataset(), 0);
  for (const auto& f : step_fields) {
    m.step_series.push_back(h5::Series::create(s, f.name, h5::Dtype::float64, L, step_rows_per_write));
    h5::describe(m.step_series.back().dataset(), f.long_name, f.description, f.units);
    h5::attach_scale(m.step_series.back().dataset(), m.step_step.dataset(), 0);
    h5::attach_scale(m.step_series.back().dataset(), step_layer, 1);
  }
  m.has_network = true;
}

void RunFile::begin_pretrain_layer(std::size_t layer, const std::string& scheme, const std::vector<ConfigEntry>& options) {
  Impl& m = *impl_;
  m.require_open("begin_pretrain_layer");
  require(!m.pretrain_layer.is_open(), "RunFile::begin_pretrain_layer(): previous layer not ended");
  m.pretrain_layer = h5::create_group(m.pretrain, layer_name(layer));
  h5::write_attr(m.pretrain_layer, "scheme", scheme);
  for (const auto& o : options) {
    require(o.key != "scheme" && o.key != "wall_time_s" && o.key != "stored_in" &&
                !h5::has_attr(m.pretrain_layer, o.key),
            cat("RunFile::begin_pretrain_layer(): reserved or repeated option (", o.key, ")"));
    require(!o.key.empty() && o.key.find('.') == std::string::npos,
            cat("RunFile::begin_pretrain_layer(): an option's own key, not a dotted one (", o.key, ")"));
    write_value(m.pretrain_layer, o.key, o.value);
  }
  m.pretrain_epoch = h5::Series::create(m.pretrain_layer, "epoch", h5::Dtype::int64, 0, 64);
  h5::describe(m.pretrain_epoch.dataset(), "epoch", "pretraining epoch of this layer, 1-based", "1");
  h5::make_scale(m.pretrain_epoch.dataset(), "epoch");
  m.pretrain_loss = h5::Series::create(m.pretrain_layer, "loss", h5::Dtype::float64, 0, 64);
  h5::describe(m.pretrain_loss.dataset(), "pretraining loss", "the scheme's training loss in this epoch, mean over examples", "1");
  m.pretrain_valid_loss = h5::Series::create(m.pretrain_layer, "valid_loss", h5::Dtype::float64, 0, 64);
  h5::describe(m.pretrain_valid_loss.dataset(), "pretraining validation loss",
               "the scheme's loss on the validation set after this epoch, mean over examples; NaN without one", "1");
  for (const h5::Series* series : {&m.pretrain_loss, &m.pretrain_valid_loss})
    h5::attach_scale(series->dataset(), m.pretrain_epoch.dataset(), 0);
  m.flush_file();
}

void RunFile::append_pretrain_epoch(std::int64_t epoch, double loss, double valid_loss) {
  Impl& m = *impl_;
  m.require_open("append_pretrain_epoch");
  require(m.pretrain_layer.is_open(), "RunFile::append_pretrain_epoch(): no pretraining layer begun");
  m.pretrain_epoch.append(epoch);
  m.pretrain_loss.append(loss);
  m.pretrain_valid_loss.append(valid_loss);
  m.flush_file();
}

void RunFile::end_pretrain_layer(double wall_time_s, const std::string& stored_in) {
  Impl& m = *impl_;
  m.require_open("end_pretrain_layer");
  require(m.pretrain_layer.is_open(), "RunFile::end_pretrain_layer(): no pretraining layer begun");
  h5::write_attr(m.pretrain_layer, "wall_time_s", wall_time_s);
  h5::write_attr(m.pretrain_layer, "stored_in", stored_in);
  m.pretrain_epoch.close();
  m.pretrain_loss.close();
  m.pretrain_valid_loss.close();
  m.pretrain_layer.close();
  m.flush_file();
}

void RunFile::write_pretrain_stack(const std::string& key, const std::string& file) {
  Impl& m = *impl_;
  m.require_open("write_pretrain_stack");
  h5::write_attr(m.pretrain, "stack_key", key);
  h5::write_attr(m.pretrain, "stack_file", file);
  m.flush_file();
}

void RunFile::append_epoch(const EpochRow& row) {
  Impl& m = *impl_;
  m.require_open("append_epoch");
  require(m.has_network, "RunFile::append_epoch(): write_network() first");
  require(row.grad_norm_W_mean.size() == m.n_layers, cat("RunFile::append_epoch(): grad_norm_W_mean needs ",
                                                          m.n_layers, " values (", row.grad_norm_W_mean.size(), ")"));
  m.epoch_epoch.append(row.epoch);
  for (std::size_t i = 0; i < m.epoch_series.size(); ++i) m.epoch_series[i].append(row.*(epoch_fields[i].member));
  m.epoch_grad.append(row.grad_norm_W_mean);
  m.flush_file();
}

void RunFile::append_step(StepRow row) {
  Impl& m = *impl_;
  m.require_open("append_step");
  require(m.has_network, "RunFile::append_step(): write_network() first");
  for (const auto& f : step_fields)
    require((row.*f.member).size() == m.n_layers,
            cat("RunFile::append_step(): ", f.name, " needs ", m.n_layers, " values (", (row.*f.member).size(), ")"));
  m.pending_steps.push_back(std::move(row));
  if (m.pending_steps.size() >= step_rows_per_write) m.write_pending_steps();
}

template <class T>
void RunFile::write_weights(WeightStage stage, std::size_t layer, const arma::Mat<T>& W, const arma::Col<T>& b) {
  Impl& m = *impl_;
  m.require_open("write_weights");
  require(m.has_network && layer < m.n_layers, cat("RunFile::write_weights(): write_network() first; layer < L (", layer, ")"));
  const auto fan_in = static_cast<arma::uword>(m.layer_sizes[layer]);
  const auto fan_out = static_cast<arma::uword>(m.layer_sizes[layer + 1]);
  require(W.n_rows == fan_out && W.n_cols == fan_in && b.n_elem == fan_out,
          cat("RunFile::write_weights(): layer ", layer, " needs W ", fan_out, "x", fan_in, " and b ", fan_out, " (W ",
              W.n_rows, "x", W.n_cols, ", b ", b.n_elem, ")"));
  const std::string path = cat("weights/", stage_names[static_cast<int>(stage)], "/", layer_name(layer));
  const h5::Object g = h5::require_group(m.file, path);
  for (const char* name : {"W", "b"})
    if (h5::exists(g, name)) h5::remove(g, name);  // replaced (the space is not reclaimed)
  h5::describe(h5::write_matrix(g, "W", W), "weights", cat("weights of layer ", layer, ", shape (fan_out, fan_in): z = W a + b"), "1");
  h5::describe(h5::write_vector(g, "b", b), "biases", cat("biases of layer ", layer, ", shape (fan_out)"), "1");
}
template void RunFile::write_weights<float>(WeightStage, std::size_t, const arma::Mat<float>&, const arma::Col<float>&);
template void RunFile::write_weights<double>(WeightStage, std::size_t, const arma::Mat<double>&, const arma::Col<double>&);

void RunFile::write_summary(const Summary& s) {
  impl_->require_open("write_summary");
  const h5::Object g = h5::require_group(impl_->file, "summary");
  h5::write_attr(g, "best_epoch", s.best_epoch);
  h5::write_attr(g, "best_valid_error", s.best_valid_error);
  h5::write_attr(g, "test_error", s.test_error);
  h5::write_attr(g, "epochs_run", s.epochs_run);
  h5::write_attr(g, "stopped_early", s.stopped_early);
  h5::write_attr(g, "total_wall_time_s", s.total_wall_time_s);
  impl_->has_summary = true;
}

void RunFile::set_status(RunStatus status) {
  impl_->require_open("set_status");
  h5::write_attr(impl_->file, "status", to_string(status));
  impl_->status = status;
}

void RunFile::flush() {
  impl_->require_open("flush");
  impl_->flush_file();
}

std::filesystem::path RunFile::finish(RunStatus status) {
  Impl& m = *impl_;
  m.require_open("finish");
  require(status != RunStatus::running, "RunFile::finish(): the final status cannot be running");
  if (status == RunStatus::complete)
    require(m.has_config && m.has_data && m.has_network && m.has_summary,
            cat("RunFile::finish(): a complete run needs config, data, network and summary written (",
                m.partial.string(), ")"));
  set_status(status);
  m.write_pending_steps();
  fault_point("flush");
  m.close_all();
  m.finished = true;
  fault_point("rename");
  // The writer's file takes the final name: <run_id>.h5 for a complete run (the published copy is
  // then removed), else <run_id>.h5.partial (replacing the copy).
  const std::filesystem::path& to = status == RunStatus::complete ? m.final_path : m.partial;
  std::error_code ec;
  std::filesystem::rename(m.writing, to, ec);
  require_io(!ec, cat("RunFile::finish(): cannot rename ", m.writing.string(), " to ", to.string(), ": ", ec.message()));
  if (status == RunStatus::complete) {
    std::filesystem::remove(m.partial, ec);
    require_io(!ec, cat("RunFile::finish(): cannot remove ", m.partial.string(), ": ", ec.message()));
  }
  m.current = to;
  return m.current;
}

const std::filesystem::path& RunFile::path() const { return impl_->current; }
RunStatus RunFile::status() const { return impl_->status; }

std::optional<std::string> read_status(const std::filesystem::path& file) {
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
    const h5::Object f = h5::open_file(file, false);
    if (!h5::has_attr(f, "status")) return std::nullopt;
    return h5::read_attr<std::string>(f, "status");
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool is_complete(const std::filesystem::path& dir, const std::string& run_id) {
  return read_status(results_path(dir, run_id)) == std::string("complete");
}

std::vector<ResultsEntry> list_results(const std::filesystem::path& dir) {
  std::vector<ResultsEntry> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const std::string suffix : {".h5", ".h5.partial"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        out.push_back({entry.path(), name.substr(0, name.size() - suffix.size()),
                       read_status(entry.path()).value_or("unreadable")});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path.filename() < b.path.filename(); });
  return out;
}

}  // namespace lw
