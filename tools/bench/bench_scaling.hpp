#pragma once
// lw_bench --scaling: how an MLP epoch's cost grows with the work, against its GEMM bound
// (bench_gemm.hpp), one axis at a time around 784-1000-1000-1000-10 at batch 128: hidden widths
// 256 to 4000, batch sizes 16 to 1024, depths 1 to 10. Each row times one epoch of the first
// n examples after the bound of the same shapes, and prints both and their ratio.
#include <armadillo>

namespace lw::bench {

void print_scaling(const arma::fmat& X, const arma::fmat& Y, arma::uword n_examples);

}  // namespace lw::bench
