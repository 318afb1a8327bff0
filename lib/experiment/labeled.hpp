#pragma once
// Few labels: with data.n_labeled N, fine-tuning sees only N labeled training examples, the first N
// of a permutation of the training examples drawn from stream::labeled_subset(seed) ("data/labeled"),
// in ascending order. The permutation depends on the seed and the number of training examples only,
// so for one seed every arm sees the same examples, and the subsets are nested across N (the 1,000
// are among the 5,000). Pretraining sees every training example, its labels unused; a scheme that
// needs labels (supervised) sees the labeled ones only. Validation and test sets do not change.
#include <armadillo>
#include <cstdint>

namespace lw {

// The indices (ascending) of the labeled examples among n_train; 0 or n_labeled >= n_train: all.
arma::uvec labeled_subset(arma::uword n_train, arma::uword n_labeled, std::uint64_t seed);

}  // namespace lw
