#pragma once
// GEMM lower bounds for lw_bench: the exact matrix products one training batch makes, timed alone
// on the running BLAS kernel, and the epoch time they imply. One example per column; W_l is
// fan_out x fan_in; a product of an m x k by a k x n matrix costs 2 m n k flops.
//
// MLP (sizes s_0 .. s_L), per batch of B and layer l (fan_in -> fan_out):
//   forward   Z  = W A          N/N  m = fan_out, n = B,       k = fan_in
//   backward  dW = delta A^T    N/T  m = fan_out, n = fan_in,  k = B
//             dA = W^T delta    T/N  m = fan_in,  n = B,       k = fan_out   (not for layer 0)
// Tied autoencoder layer d -> h -> d (pretrain/autoencoder.hpp), per batch:
//   H = W X~ (N/N), O = W^T H (T/N), dH = W dO (N/N), dW = dH X~^T (N/T), dW += H dO^T (N/T, beta 1)
// An epoch of n examples is floor(n / B) full batches plus one of n mod B; its bound is the sum of
// the timed products over those batches: everything else the epoch does is overhead on it.
#include <armadillo>
#include <functional>
#include <string>
#include <vector>

namespace lw::bench {

struct Product {
  std::string what;  // e.g. "L1 1000->1000 dW=d*A^T"
  char ta = 'N', tb = 'N';
  arma::blas_int m = 0, n = 0, k = 0;
  float beta = 0;  // 1: accumulates into C
  double flops() const { return 2.0 * m * n * k; }
};

std::vector<Product> mlp_products(const std::vector<arma::uword>& sizes, arma::uword batch);
std::vector<Product> tied_autoencoder_products(arma::uword n_visible, arma::uword n_hidden,
                                               arma::uword batch);

struct ProductTiming {
  Product product;
  double seconds = 0;  // wall: median over repeats of the mean of 5 calls
  double cpu = 0;      // CPU time (all threads) likewise
};

// Times each product in T (float: sgemm, double: dgemm): 3 warm-up calls, then `repeats` timings
// of 5 calls each; the median of the repeats.
template <class T>
std::vector<ProductTiming> time_products(const std::vector<Product>& products, int repeats);

struct EpochBound {
  double seconds = 0;  // GEMM time of one epoch
  double cpu = 0;      // its CPU time (all threads)
  double flops = 0;    // its flop count
  std::vector<ProductTiming> full;  // the products of a full batch
};

// Times the products of full batches and of the last partial batch (if any) and sums them over
// an epoch of n_examples.
template <class T>
EpochBound epoch_bound(const std::function<std::vector<Product>(arma::uword batch)>& products_of,
                       arma::uword n_examples, arma::uword batch, int repeats);

// Per product and in total, the median over several measurements of the same bound (lw_bench
// measures the bound again before every timed epoch, so a drifting machine moves both alike).
EpochBound median_bound(const std::vector<EpochBound>& bounds);

// The MLP's products as a training step runs them, and nothing else: forward layer by layer, then
// backward from the top (dW, then dA), each on its own operands (one W and dW per layer, a fresh
// input batch per step), so every product finds its weights where a step leaves them rather than
// hot from the call before. The median over `steps` steps (after 3 warm-up steps), summed over an
// epoch of n_examples like epoch_bound(). Only `seconds` and `flops` are set. Not a lower bound:
// it is what the products alone cost in a step's order, which no step can beat.
template <class T>
EpochBound step_order_products(const std::vector<arma::uword>& sizes, arma::uword n_examples,
                               arma::uword batch, int steps);

}  // namespace lw::bench
