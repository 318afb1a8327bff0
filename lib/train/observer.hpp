#pragma once
// Observer hooks of the training loop (README, Extending and Architecture). Observers watch:
// they never change training state. Only on_epoch_end may ask the loop to stop.
//   on_phase_begin   before the first batch of a phase (fine-tuning, or one pretraining layer)
//   on_gradient      after backward, before the update: gradients of this step are in place
//   on_step_end      after the update, with the UpdateNorms of each parameter (gradient, weight
//                    and step norms) and of each network layer by name (layer_norms,
//                    for_each_layer); trace and gradients are still those of this step
//   on_epoch_end     after validation; return false to stop
//   on_phase_end     after the last epoch, with the outcome
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "layerwise/nn/network.hpp"
#include "layerwise/train/objective.hpp"
#include "layerwise/train/optimizer.hpp"

namespace lw {

struct PhaseInfo {
  std::string name;      // "finetune" or "pretrain"
  int layer = -1;        // pretraining: the layer being trained
  std::string scheme;    // pretraining: the scheme
  // pretraining: where a stored layer came from (pretrain/greedy.hpp LayerCache); its epochs are
  // replayed to the observers as recorded. "" for a layer trained now.
  std::string stored_in = {};
};

// The update norms of one network layer's W and b (Parameter::layer and role), as the optimizer
// measured them: the gradient it applied (zero for a frozen layer), the weights before the update
// and the step. measured is false for a layer whose parameters the objective does not list.
struct LayerNorms {
  UpdateNorms W, b;
  bool measured = false;
};

// The LayerNorms of layers 0 .. n_layers-1 from the norms of `params` (parallel lists), by each
// parameter's layer label. out is resized once and reused.
template <class T>
void gather_layer_norms(const std::vector<Parameter<T>>& params,
                        const std::vector<UpdateNorms>& norms, std::size_t n_layers,
                        std::vector<LayerNorms>& out);

template <class T>
struct StepEvent {
  long step = 0;          // 0 for the first batch
  int epoch = 0;          // 0-based
  double batch_loss = 0;
  double learning_rate = 0;
  const Objective<T>* objective = nullptr;
  const std::vector<UpdateNorms>* norms = nullptr;  // on_step_end only: one per Parameter
  // on_step_end only, when the objective has a network: one per layer of objective->network().
  const std::vector<LayerNorms>* layer_norms = nullptr;

  // f(layer, dW, db, const LayerNorms* or null) for every layer of the objective's network, layer 0
  // next to the input: this step's gradients by layer, and (on_step_end) the norms of the update.
  template <class F>
  void for_each_layer(F&& f) const;
};

inline constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

struct EpochMetrics {
  int epoch = 0;                        // 0-based
  double train_loss = nan_value;        // mean batch loss over the epoch (as trained: dropout on)
  double train_error = nan_value;       // fraction misclassified over the epoch's batches
  double valid_loss = nan_value;        // on the validation set after the epoch
  double valid_error = nan_value;
  double wall_time_s = 0;               // of this epoch, training and validation
};

enum class TrainStatus { complete, diverged, interrupted };
std::string to_string(TrainStatus status);

struct TrainResult {
  TrainStatus status = TrainStatus::complete;
  std::vector<EpochMetrics> epochs;
  int best_epoch = -1;                  // of the monitored metric; -1 without validation
  double best_metric = nan_value;
  bool stopped_early = false;
  long steps = 0;
  std::string message;                  // why it diverged or was interrupted
};

template <class T>
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_phase_begin(const PhaseInfo&) {}
  virtual void on_gradient(const StepEvent<T>&) {}
  virtual void on_step_end(const StepEvent<T>&) {}
  virtual bool on_epoch_end(const EpochMetrics&) { return true; }
  virtual void on_phase_end(const PhaseInfo&, const TrainResult&) {}
};

template <class T>
template <class F>
void StepEvent<T>::for_each_layer(F&& f) const {
  const Gradients<T>* grads = objective ? objective->gradients() : nullptr;
  if (!grads) return;
  for (std::size_t l = 0; l < grads->layers.size(); ++l)
    f(l, grads->layers[l].dW, grads->layers[l].db,
      layer_norms && l < layer_norms->size() ? &(*layer_norms)[l] : nullptr);
}

}  // namespace lw
