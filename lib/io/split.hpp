#pragma once
// Turning what a source read into train / valid / test, and the optional standardisation. Shared by
// every data source so they all follow one protocol (a pure function of the config and the Rng):
//
//   0. data.shuffle: permute the training pool with `rng` (load_split passes stream::data_split(seed)).
//   1. test  = first n_test of the test pool (0 = all); with no test pool, the LAST n_test of the
//              training pool (0 = 20% of it), removed from the pool.
//   2. valid = LAST n_valid of the pool (valid_fraction > 0: round(fraction * pool);
//              n_valid = -1: `default_n_valid`, or round(0.2 * pool) when that is empty).
//   3. train = FIRST n_train of what remains (0 = all of it).
// A request larger than what is there throws std::invalid_argument naming the option.
#include <optional>

#include "layerwise/core/random.hpp"
#include "layerwise/io/data_config.hpp"
#include "layerwise/io/dataset.hpp"

namespace lw {

Split carve_split(Dataset pool, std::optional<Dataset> test_pool, const DataConfig& c,
                  std::optional<arma::uword> default_n_valid, Rng& rng);

// x <- (x - mean) / sd per feature, mean and sd (population) from s.train only, applied to train,
// valid and test. Features with sd == 0 are only centred.
void standardize(Split& s);

}  // namespace lw
