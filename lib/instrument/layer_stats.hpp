#pragma once
// Per-layer statistics of one training step: a pure function of (network, trace, gradients) and,
// optionally, the optimizer's norms of that step by layer (train/observer.hpp LayerNorms), which
// carry the gradient and weight norms already measured in the update loop, the weights as they
// were before the update (so logging every step need not read every weight and gradient again),
// and the update ratios.
// For weight layer l (0 next to the input), with a[l+1] its output on the batch:
//   grad_norm_W    ||dL/dW_l||_F
//   grad_norm_b    ||dL/db_l||_2
//   delta_norm     ||dL/dz_l||_F / sqrt(n)   the back-propagated error, the quantity that vanishes
//                                             (per example: root of the batch mean of squares)
//   weight_norm_W  ||W_l||_F
//   update_ratio   ||step of W_l||_F / ||W_l||_F   (from the UpdateNorms; NaN without them)
//   act_mean, act_std   of a[l+1] over units and examples
//   act_saturated  fraction of a[l+1] saturated: sigmoid/tanh/softsign within 1% of a bound,
//                  relu at zero (nn/activation.hpp is_saturated); 0 for identity/leaky_relu
#include <vector>

#include "layerwise/nn/network.hpp"
#include "layerwise/train/observer.hpp"

namespace lw {

struct LayerStats {
  std::vector<double> grad_norm_W, grad_norm_b, delta_norm, weight_norm_W, update_ratio, act_mean,
      act_std, act_saturated;  // L entries each
};

// norms, when given, holds one entry per layer (StepEvent::layer_norms); for each measured layer
// grad_norm_W/b and weight_norm_W come from it (the gradient the optimizer applied: zero for
// frozen layers; W before the update) and update_ratio is filled. Without them (or for a layer
// not measured) they are read from grads and net, and update_ratio is NaN: call it before the
// update then, so W is the W the gradient was taken at.
template <class T>
LayerStats layer_stats(const Network<T>& net, const Trace<T>& trace, const Gradients<T>& grads,
                       const std::vector<LayerNorms>* norms = nullptr);

// ||m||_F with double accumulation in independent lanes, so the compiler vectorises it (BLAS's
// nrm2 scales every element to avoid overflow and is several times slower; these are norms of
// float32/float64 values that cannot overflow a double).
template <class T>
double frobenius_norm(const arma::Mat<T>& m);

}  // namespace lw
