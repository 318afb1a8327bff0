#pragma once
// The gradient probe: per-layer gradient statistics of a network at initialisation, without
// training. For each of n_batches consecutive batches of X: forward, backward, layer_stats
// (instrument/layer_stats.hpp); the result is the mean of each statistic over the batches.
//   ratio_first_last = grad_norm_W[0] / grad_norm_W[L-1]: how much smaller the gradient is next to
//   the input than at the output (1 = no vanishing).
#include <armadillo>

#include "layerwise/instrument/layer_stats.hpp"
#include "layerwise/io/probe_file.hpp"
#include "layerwise/nn/network.hpp"

namespace lw {

struct ProbeResult {
  LayerStats mean;          // over the batches; update_ratio is NaN (no update)
  double ratio_first_last = 0;
  arma::uword n_batches = 0, batch_size = 0;
};

// X: inputs (one example per column), Y: one-hot targets; needs n_batches * batch_size columns.
template <class T>
ProbeResult probe_gradients(const Network<T>& net, const arma::Mat<T>& X, const arma::Mat<T>& Y,
                            arma::uword batch_size, arma::uword n_batches);

// The result as gradient_probe.h5 stores it (io/probe_file.hpp): every statistic but update_ratio.
ProbeRecord probe_record(const ProbeResult& r);

}  // namespace lw
