#pragma once
// Regularisation of fine-tuning (besides L2 weight decay, which the optimizer applies).
//   Inverted dropout (Srivastava et al. 2014): the input of layer l is multiplied by
//     m ~ Bernoulli(1 - p_l) / (1 - p_l), elementwise, fresh for every batch;
//   so E[m] = 1 and evaluation uses all units unscaled. p_0 is input dropout.
//   Max-norm: every row of W (the incoming weights of one unit) is scaled down to norm <= c.
#include <armadillo>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/network.hpp"

namespace lw {

// Fills trace.mask[l] (sized like a[l] for a batch of n) for every layer whose rate is > 0;
// rates[l] is the dropout rate of layer l's input. Rates must lie in [0, 1).
template <class T>
void draw_dropout_masks(const std::vector<double>& rates, const Network<T>& net, arma::uword n,
                        Trace<T>& trace, Rng& rng);

// Scales each row of W whose Euclidean norm exceeds c down to norm c (c > 0).
template <class T>
void apply_max_norm(arma::Mat<T>& W, double c);

}  // namespace lw
