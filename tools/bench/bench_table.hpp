#pragma once
// lw_bench's printed output: the per-product GEMM table, the step breakdown, and the summary
// table of epoch times against their GEMM bounds and the targets (README, Performance).
#include <optional>
#include <string>
#include <vector>

#include "bench_epoch.hpp"
#include "bench_gemm.hpp"

namespace lw::bench {

// Timed epochs, each with the measurement of its GEMM bound taken just before it.
struct Paired {
  std::vector<EpochBound> bounds;
  std::vector<Timing> epochs;
};

struct Report {
  Paired mlp;                          // sgemm bound, MLP epoch without logging
  std::vector<Timing> logged;          // MLP epoch at log.every = 1, right after mlp.epochs[i]
  std::vector<EpochBound> step_order;  // the MLP's products alone in a step's order, after
                                       // mlp.bounds[i]
  Paired dae;                          // sgemm bound, tied autoencoder layer epoch
  std::optional<Paired> float64;       // dgemm bound, float64 MLP epoch; empty: not measured
  double torch_seconds = 0;            // 0: not given
  double peak_mib = 0, budget_mib = 0, decoded_mib = 0, params_mib = 0;
  bool partial_data = false;           // fewer examples than the training file holds
};

std::string join_sizes(const std::vector<arma::uword>& sizes);  // "784-1000-10"
void print_products(const std::vector<ProductTiming>& products, const std::string& title);
void print_breakdown(const StepBreakdown& parts, const std::vector<ProductTiming>& mlp_products,
                     arma::uword batch);
void print_report(const Report& r);

}  // namespace lw::bench
