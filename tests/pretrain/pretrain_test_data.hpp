#pragma once
// Small synthetic inputs for the pretraining tests: 4x4 bars-and-stripes patterns (16 binary
// inputs; label 0 stripes, 1 bars), deterministic in the seed.
#include <armadillo>
#include <cstdint>

#include "layerwise/core/random.hpp"

namespace lw_test {

template <class T>
struct Patterns {
  arma::Mat<T> X;  // 16 x n, values in {0, 1}
  arma::uvec y;    // n labels in {0, 1}
};

template <class T>
Patterns<T> bars_and_stripes(arma::uword n, std::uint64_t seed) {
  lw::Rng rng = lw::make_rng(seed, "test/bars_and_stripes");
  Patterns<T> p{arma::Mat<T>(16, n), arma::uvec(n)};
  for (arma::uword j = 0; j < n; ++j) {
    const bool bars = rng.bernoulli(0.5);
    bool on[4];
    do {
      int count = 0;
      for (bool& b : on) count += (b = rng.bernoulli(0.5));
      if (count > 0 && count < 4) break;
    } while (true);
    for (arma::uword r = 0; r < 4; ++r)
      for (arma::uword c = 0; c < 4; ++c) p.X(r * 4 + c, j) = on[bars ? c : r] ? T(1) : T(0);
    p.y[j] = bars ? 1 : 0;
  }
  return p;
}

}  // namespace lw_test
