#pragma once
// Per-layer statistics of one training step: a pure function of (network, trace, gradients).
// For weight layer l (0 next to the input), with a[l+1] its output on the batch:
//   grad_norm_W    ||dL/dW_l||_F
//   grad_norm_b    ||dL/db_l||_2
//   delta_norm     ||dL/dz_l||_F / sqrt(n)   the back-propagated error, the quantity that vanishes
//                                             (per example: root of the batch mean of squares)
//   weight_norm_W  ||W_l||_F
//   update_ratio   ||step of W_l||_F / ||W_l||_F   (filled after the update; NaN before)
//   act_mean, act_std   of a[l+1] over units and examples
//   act_saturated  fraction of a[l+1] saturated: sigmoid/tanh/softsign within 1% of a bound,
//                  relu at zero (nn/activation.hpp is_saturated); 0 for identity/leaky_relu
#include <vector>

#include "nn/network.hpp"

namespace lw {

struct LayerStats {
  std::vector<double> grad_norm_W, grad_norm_b, delta_norm, weight_norm_W, update_ratio, act_mean,
      act_std, act_saturated;  // L entries each
};

template <class T>
LayerStats layer_stats(const Network<T>& net, const Trace<T>& trace, const Gradients<T>& grads);

// update_ratio[l] = sqrt(step_sq_norms[2l]) / weight_norm_W[l], for the parameter order of
// NetworkObjective (W_0, b_0, W_1, b_1, ...).
void set_update_ratios(LayerStats& stats, const std::vector<double>& step_sq_norms);

}  // namespace lw
