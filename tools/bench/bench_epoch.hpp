#pragma once
// Timed training epochs for lw_bench, through the library's own loop (train/train.hpp), exactly as
// the experiment drivers train:
//   MLP   sizes s_0 .. s_L, sigmoid hidden units, softmax cross-entropy, xavier init (seed 1),
//         SGD lr 0.1, batch B, one epoch over X (no validation); optionally with the results
//         logger (instrument/loggers.hpp) attached at log.every = k, as depth_sweep attaches it
//   DAE   one tied denoising-autoencoder layer d -> h -> d (pretrain/autoencoder.hpp): sigmoid
//         encoder, masking noise 0.25, cross-entropy reconstruction, SGD lr 0.1, batch B
// Each call builds a fresh network and times only train() (and the results file's flush).
// breakdown() times the parts of one MLP training step on full batches.
#include <armadillo>
#include <filesystem>
#include <vector>

namespace lw::bench {

struct Timing {
  double wall = 0, cpu = 0;  // seconds; cpu = user + sys of every thread of the process
};

struct MlpRun {
  std::vector<arma::uword> sizes;
  arma::uword batch = 128;
  long log_every = 0;           // 0: no observer; k: ResultsLogger at log.every = k
  std::filesystem::path dir;    // scratch folder for the results file when logging
};

template <class T>
Timing mlp_epoch(const arma::Mat<T>& X, const arma::Mat<T>& Y, const MlpRun& run);

template <class T>
Timing dae_epoch(const arma::Mat<T>& X, arma::uword n_hidden, arma::uword batch);

// Median seconds per call of each part of one training step of the MLP, on the first full
// batches of X: forward, backward (loss included), the SGD update (with and without the update
// norms the results logger reads), and layer_stats (what log.every = 1 adds per step). Here
// Timing::cpu is the CPU time of the calling thread only (the parts other than products are
// single-threaded).
struct StepBreakdown {
  Timing forward, backward, update, update_with_norms, layer_stats;
};

template <class T>
StepBreakdown breakdown(const arma::Mat<T>& X, const arma::Mat<T>& Y,
                        const std::vector<arma::uword>& sizes, arma::uword batch, int steps);

}  // namespace lw::bench
