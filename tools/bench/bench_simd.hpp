#pragma once
// The SGD update kernel on each SIMD path the CPU runs (core/simd.hpp), plain against measured
// (the norms the results logger reads): which path training takes, and whether the measured
// update costs more than the plain one on any of them.
#include <armadillo>
#include <vector>

#include "layerwise/core/simd.hpp"

namespace lw::bench {

struct SgdPathTiming {
  lw::SimdPath path;
  double plain_ms = 0, measured_ms = 0;  // medians
  double ratio = 0;                      // median of measured / plain, pair by pair
};

// n float parameters (the MLP's), `pairs` pairs of plain then measured updates per path, the
// order alternating between pairs.
std::vector<SgdPathTiming> time_sgd_paths(arma::uword n, int pairs);
void print_sgd_paths(const std::vector<SgdPathTiming>& timings, arma::uword n);

}  // namespace lw::bench
