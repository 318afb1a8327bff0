#pragma once
// The minibatch training loop, written once: fine-tuning and autoencoder pretraining both use it.
//
// for epoch e = 0 .. epochs-1:
//   order = permutation(n) from rng                 (a fresh shuffle every epoch)
//   for each batch of batch_size columns in order (the last may be smaller):
//     gather X, Y columns; augment(X)               (training batches only)
//     objective.compute(X, Y)                       -> batch loss, gradients
//     observers.on_gradient                         (before the update)
//     optimizer step with learning_rate_at(e); objective.after_update()
//     observers.on_step_end
//   validation loss and error (objective.evaluate); early stopping; observers.on_epoch_end
// At the end the best epoch's parameters are restored when restore_best and validation exist.
// A non-finite batch loss or parameter stops the run at once with status diverged; a set stop
// flag (e.g. from SIGINT) stops it after the current batch with status interrupted.
#include <armadillo>
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/train/observer.hpp"
#include "layerwise/train/optimizer.hpp"

namespace lw {

enum class Monitor { valid_error, valid_loss };
Monitor parse_monitor(std::string_view name);
std::string to_string(Monitor monitor);

struct TrainConfig {
  int epochs = 30;
  arma::uword batch_size = 64;
  OptimizerConfig optimizer;
  int patience = 0;            // epochs without improvement before stopping; 0: never stop early
  double min_delta = 0;        // an improvement must exceed this
  Monitor monitor = Monitor::valid_error;
  bool restore_best = true;    // restore the best epoch's parameters at the end
};

void validate(const TrainConfig& config, arma::uword n_train);

template <class T>
struct TrainData {
  const arma::Mat<T>& X;                  // training inputs, one example per column
  const arma::Mat<T>& Y;                  // training targets (one-hot, or X itself)
  const arma::Mat<T>* X_valid = nullptr;  // optional validation set
  const arma::Mat<T>* Y_valid = nullptr;
};

template <class T>
struct TrainHooks {
  std::vector<Observer<T>*> observers;
  std::function<void(arma::Mat<T>&)> augment;        // applied to each training batch
  const std::atomic<bool>* stop_requested = nullptr;  // checked after every batch
};

template <class T>
TrainResult train(Objective<T>& objective, const TrainData<T>& data, const TrainConfig& config,
                  Rng& shuffle_rng, const PhaseInfo& phase, const TrainHooks<T>& hooks = {});

}  // namespace lw
