#include "layerwise/instrument/loggers.hpp"

#include <cmath>

#include "layerwise/core/check.hpp"
#include "layerwise/instrument/layer_stats.hpp"

namespace lw {

template <class T>
ResultsLogger<T>::ResultsLogger(RunFile& file, long every) : file_(file), every_(every) {
  require(every >= 1, cat("ResultsLogger: log.every must be >= 1 (", every, ")"));
}

template <class T>
void ResultsLogger<T>::on_phase_begin(const PhaseInfo& phase) {
  active_ = phase.name == "finetune";
}

// Everything happens after the update: the optimizer's UpdateNorms carry this step's gradient,
// weight and step norms, and the trace and gradients are still this step's.
template <class T>
void ResultsLogger<T>::on_step_end(const StepEvent<T>& e) {
  if (!active_) return;
  const Network<T>* net = e.objective->network();
  const Gradients<T>* grads = e.objective->gradients();
  if (!net || !grads) return;
  const std::size_t L = net->layers.size();
  if (grad_sum_.size() != L) grad_sum_.assign(L, 0.0);
  e.for_each_layer([&](std::size_t l, const arma::Mat<T>& dW, const arma::Mat<T>&,
                       const LayerNorms* norms) {
    grad_sum_[l] += norms && norms->measured ? std::sqrt(norms->W.grad_sq) : frobenius_norm(dW);
  });
  ++grad_count_;
  if (e.step % every_ != 0) return;
  LayerStats s = layer_stats(*net, *e.objective->trace(), *grads, e.layer_norms);
  file_.append_step(StepRow{.step = e.step,
                            .epoch = e.epoch + 1,
                            .batch_loss = e.batch_loss,
                            .grad_norm_W = std::move(s.grad_norm_W),
                            .grad_norm_b = std::move(s.grad_norm_b),
                            .delta_norm = std::move(s.delta_norm),
                            .weight_norm_W = std::move(s.weight_norm_W),
                            .update_ratio = std::move(s.update_ratio),
                            .act_mean = std::move(s.act_mean),
                            .act_std = std::move(s.act_std),
                            .act_saturated = std::move(s.act_saturated)});
}

template <class T>
bool ResultsLogger<T>::on_epoch_end(const EpochMetrics& m) {
  if (!active_) return true;
  EpochRow row{.epoch = m.epoch + 1,
               .train_loss = m.train_loss,
               .train_error = m.train_error,
               .valid_loss = m.valid_loss,
               .valid_error = m.valid_error,
               .wall_time_s = m.wall_time_s,
               .grad_norm_W_mean = {}};
  for (double s : grad_sum_)
    row.grad_norm_W_mean.push_back(grad_count_ > 0 ? s / static_cast<double>(grad_count_) : 0.0);
  file_.append_epoch(row);
  std::fill(grad_sum_.begin(), grad_sum_.end(), 0.0);
  grad_count_ = 0;
  return true;
}

template <class T>
PretrainLogger<T>::PretrainLogger(RunFile& file, std::vector<ConfigEntry> options)
    : file_(file), options_(std::move(options)) {}

template <class T>
void PretrainLogger<T>::on_phase_begin(const PhaseInfo& phase) {
  active_ = phase.name == "pretrain";
  if (!active_) return;
  require(phase.layer >= 0,
          cat("PretrainLogger: pretraining phase without a layer (", phase.layer, ")"));
  file_.begin_pretrain_layer(static_cast<std::size_t>(phase.layer), phase.scheme, options_);
  started_ = std::chrono::steady_clock::now();
}

template <class T>
bool PretrainLogger<T>::on_epoch_end(const EpochMetrics& m) {
  if (active_) file_.append_pretrain_epoch(m.epoch + 1, m.train_loss, m.valid_loss);
  return true;
}

template <class T>
void PretrainLogger<T>::on_phase_end(const PhaseInfo& phase, const TrainResult& result) {
  if (!active_) return;
  active_ = false;
  double wall_time_s = 0;  // a stored layer: the time its training took, as recorded
  if (phase.stored_in.empty())
    wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  else
    for (const EpochMetrics& m : result.epochs) wall_time_s += m.wall_time_s;
  file_.end_pretrain_layer(wall_time_s, phase.stored_in);
}

template class ResultsLogger<float>;
template class ResultsLogger<double>;
template class PretrainLogger<float>;
template class PretrainLogger<double>;

}  // namespace lw
