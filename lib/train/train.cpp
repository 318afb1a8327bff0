#include "layerwise/train/train.hpp"

#include <chrono>
#include <cmath>
#include <cstring>

#include "layerwise/core/check.hpp"
#include "layerwise/train/early_stopping.hpp"

namespace lw {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

template <class T>
void gather_columns(const arma::Mat<T>& src, const arma::uvec& order, arma::uword first,
                    arma::uword count, arma::Mat<T>& dst) {
  dst.set_size(src.n_rows, count);
  for (arma::uword j = 0; j < count; ++j)
    std::memcpy(dst.colptr(j), src.colptr(order[first + j]), src.n_rows * sizeof(T));
}

template <class T>
bool parameters_finite(const std::vector<Parameter<T>>& params) {
  for (const auto& p : params)
    if (!p.value->is_finite()) return false;
  return true;
}

}  // namespace

template <class T>
void gather_layer_norms(const std::vector<Parameter<T>>& params,
                        const std::vector<UpdateNorms>& norms, std::size_t n_layers,
                        std::vector<LayerNorms>& out) {
  require(norms.size() == params.size(),
          cat("gather_layer_norms(): ", norms.size(), " norms for ", params.size(), " parameters"));
  out.assign(n_layers, LayerNorms{});
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Parameter<T>& p = params[i];
    if (p.layer < 0 || static_cast<std::size_t>(p.layer) >= n_layers) continue;
    LayerNorms& l = out[static_cast<std::size_t>(p.layer)];
    if (p.role == ParamRole::weight) l.W = norms[i];
    else if (p.role == ParamRole::bias) l.b = norms[i];
    else continue;
    l.measured = true;
  }
}

Monitor parse_monitor(std::string_view name) {
  if (name == "valid_error") return Monitor::valid_error;
  if (name == "valid_loss") return Monitor::valid_loss;
  throw std::invalid_argument(
      cat("parse_monitor(): unknown metric '", name, "' (known: valid_error, valid_loss)"));
}

std::string to_string(Monitor monitor) {
  return monitor == Monitor::valid_error ? "valid_error" : "valid_loss";
}

std::string to_string(TrainStatus status) {
  switch (status) {
    case TrainStatus::complete: return "complete";
    case TrainStatus::diverged: return "diverged";
    case TrainStatus::interrupted: return "interrupted";
  }
  return "unknown";
}

void validate(const TrainConfig& c, arma::uword n_train) {
  require(c.epochs >= 1, cat("train: epochs must be >= 1 (", c.epochs, ")"));
  require(c.batch_size >= 1 && c.batch_size <= n_train,
          cat("train: batch_size must be between 1 and the training set size ", n_train, " (",
              c.batch_size, ")"));
  require(c.patience >= 0, cat("train: patience must be >= 0 (", c.patience, ")"));
  require(c.min_delta >= 0, cat("train: min_delta must be >= 0 (", c.min_delta, ")"));
  validate(c.optimizer);
}

template <class T>
TrainResult train(Objective<T>& objective, const TrainData<T>& data, const TrainConfig& config,
                  Rng& shuffle_rng, const PhaseInfo& phase, const TrainHooks<T>& hooks) {
  const arma::uword n = data.X.n_cols;
  require(data.Y.n_cols == n, cat("train(): ", n, " inputs but ", data.Y.n_cols, " targets"));
  validate(config, n);
  const bool has_valid = data.X_valid && data.Y_valid && data.X_valid->n_cols > 0;

  Optimizer<T> optimizer(config.optimizer);
  EarlyStopping stopping(config.patience, config.min_delta);
  const std::vector<Parameter<T>> params = objective.parameters();
  std::vector<UpdateNorms> norms;
  std::vector<LayerNorms> layer_norms;  // norms by network layer (gather_layer_norms)
  const std::size_t n_net_layers = objective.network() ? objective.network()->layers.size() : 0;
  arma::Mat<T> Xb, Yb;
  TrainResult result;
  StepEvent<T> event;
  event.objective = &objective;

  for (auto* o : hooks.observers) o->on_phase_begin(phase);
  const auto finish = [&] {
    if (config.restore_best && has_valid && objective.has_snapshot() &&
        result.status != TrainStatus::diverged)
      objective.restore_snapshot();
    for (auto* o : hooks.observers) o->on_phase_end(phase, result);
    return result;
  };

  double last_finite_loss = nan_value;
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const double lr = learning_rate_at(config.optimizer, epoch);
    const arma::uvec order = permutation(n, shuffle_rng);
    double loss_sum = 0;
    std::int64_t error_sum = 0;
    bool classifies = true;
    for (arma::uword first = 0; first < n; first += config.batch_size) {
      const arma::uword count = std::min<arma::uword>(config.batch_size, n - first);
      gather_columns(data.X, order, first, count, Xb);
      gather_columns(data.Y, order, first, count, Yb);
      if (hooks.augment) hooks.augment(Xb);
      const BatchResult batch = objective.compute(Xb, Yb);
      if (!std::isfinite(batch.loss)) {
        result.status = TrainStatus::diverged;
        result.message = cat("non-finite loss at step ", result.steps, " (epoch ", epoch + 1,
                             "); last finite batch loss ", last_finite_loss);
        return finish();
      }
      last_finite_loss = batch.loss;
      event.step = result.steps;
      event.epoch = epoch;
      event.batch_loss = batch.loss;
      event.learning_rate = lr;
      event.norms = nullptr;
      event.layer_norms = nullptr;
      for (auto* o : hooks.observers) o->on_gradient(event);
      // The update norms only when someone watches (measuring them costs a pass of reductions).
      const bool watched = !hooks.observers.empty();
      optimizer_step(optimizer, params, lr, watched ? &norms : nullptr);
      objective.after_update();
      event.norms = watched ? &norms : nullptr;
      if (watched && n_net_layers > 0) {
        gather_layer_norms(params, norms, n_net_layers, layer_norms);
        event.layer_norms = &layer_norms;
      }
      for (auto* o : hooks.observers) o->on_step_end(event);
      ++result.steps;
      loss_sum += batch.loss * static_cast<double>(count);
      if (batch.errors < 0) classifies = false;
      else error_sum += batch.errors;
      if (hooks.stop_requested && hooks.stop_requested->load()) {
        result.status = TrainStatus::interrupted;
        result.message = cat("interrupted at step ", result.steps, " (epoch ", epoch + 1, ")");
        return finish();
      }
    }
    if (!parameters_finite(params)) {
      result.status = TrainStatus::diverged;
      result.message = cat("non-finite parameters after epoch ", epoch + 1, " (step ", result.steps,
                           "); last finite batch loss ", last_finite_loss);
      return finish();
    }
    EpochMetrics m;
    m.epoch = epoch;
    m.train_loss = loss_sum / static_cast<double>(n);
    if (classifies) m.train_error = static_cast<double>(error_sum) / static_cast<double>(n);
    if (has_valid) {
      const BatchResult v = objective.evaluate(*data.X_valid, *data.Y_valid);
      m.valid_loss = v.loss;
      if (v.errors >= 0)
        m.valid_error = static_cast<double>(v.errors) / static_cast<double>(data.X_valid->n_cols);
      const double metric = config.monitor == Monitor::valid_error && !std::isnan(m.valid_error)
                                ? m.valid_error
                                : m.valid_loss;
      if (stopping.record(epoch, metric)) {
        objective.snapshot();
        result.best_epoch = epoch;
        result.best_metric = metric;
      }
    }
    m.wall_time_s = seconds_since(epoch_start);
    result.epochs.push_back(m);
    bool go_on = true;
    for (auto* o : hooks.observers) go_on = o->on_epoch_end(m) && go_on;
    if (has_valid && stopping.should_stop()) {
      result.stopped_early = true;
      break;
    }
    if (!go_on) break;
  }
  return finish();
}

template void gather_layer_norms(const std::vector<Parameter<float>>&,
                                 const std::vector<UpdateNorms>&, std::size_t,
                                 std::vector<LayerNorms>&);
template void gather_layer_norms(const std::vector<Parameter<double>>&,
                                 const std::vector<UpdateNorms>&, std::size_t,
                                 std::vector<LayerNorms>&);
template TrainResult train(Objective<float>&, const TrainData<float>&, const TrainConfig&, Rng&,
                           const PhaseInfo&, const TrainHooks<float>&);
template TrainResult train(Objective<double>&, const TrainData<double>&, const TrainConfig&, Rng&,
                           const PhaseInfo&, const TrainHooks<double>&);

}  // namespace lw
