#include "bench_table.hpp"

#include <cstdio>

#include "bench_util.hpp"

namespace lw::bench {
namespace {

std::vector<double> walls(const std::vector<Timing>& t) {
  std::vector<double> v;
  for (const Timing& x : t) v.push_back(x.wall);
  return v;
}

std::vector<double> cpus(const std::vector<Timing>& t) {
  std::vector<double> v;
  for (const Timing& x : t) v.push_back(x.cpu);
  return v;
}

const char* verdict(bool ok) { return ok ? "met" : "MISSED"; }

void rule() {
  std::printf("%s\n", std::string(100, '-').c_str());
}

void bound_row(const char* item, const std::vector<EpochBound>& bounds) {
  const EpochBound b = median_bound(bounds);
  std::printf("%-34s %8.3f %8.3f %9.1f %8.2f %8.2f\n", item, b.seconds, b.cpu,
              b.flops / b.seconds * 1e-9, 1.0, 1.0);
}

// One epoch row: median wall and CPU, the GFLOP/s its products ran at overall, the median over
// the pairs of the ratio to the bound measured just before each epoch, and the target (ratio <=
// limit) with its verdict.
void epoch_row(const char* item, const std::vector<Timing>& t, const std::vector<EpochBound>& b,
               double limit) {
  std::vector<double> ratios, cpu_ratios;
  for (std::size_t i = 0; i < t.size() && i < b.size(); ++i) {
    ratios.push_back(t[i].wall / b[i].seconds);
    cpu_ratios.push_back(t[i].cpu / b[i].cpu);
  }
  const double wall = median(walls(t));
  const double ratio = median(ratios);
  std::printf("%-34s %8.3f %8.3f %9.1f %8.2f %8.2f", item, wall, median(cpus(t)),
              b.front().flops / wall * 1e-9, ratio, median(cpu_ratios));
  if (limit > 0) std::printf("   <= %.2f x bound: %s", limit, verdict(ratio <= limit));
  std::printf("\n");
}

}  // namespace

std::string join_sizes(const std::vector<arma::uword>& sizes) {
  std::string s;
  for (arma::uword v : sizes) {
    if (!s.empty()) s += '-';
    s += std::to_string(v);
  }
  return s;
}

void print_products(const std::vector<ProductTiming>& products, const std::string& title) {
  std::printf("%s (median of repeats, 5 calls each)\n", title.c_str());
  std::printf("  %-26s %5s %6s %6s %6s %9s %9s\n", "product", "flags", "m", "n", "k", "ms",
              "GFLOP/s");
  double seconds = 0, flops = 0;
  for (const ProductTiming& t : products) {
    const Product& p = t.product;
    std::printf("  %-26s %c/%c%s %6d %6d %6d %9.3f %9.1f\n", p.what.c_str(), p.ta, p.tb,
                p.beta != 0 ? "+C" : "  ", p.m, p.n, p.k, 1e3 * t.seconds,
                p.flops() / t.seconds * 1e-9);
    seconds += t.seconds;
    flops += p.flops();
  }
  std::printf("  %-26s %28s %9.3f %9.1f\n\n", "one batch", "", 1e3 * seconds,
              flops / seconds * 1e-9);
}

void print_breakdown(const StepBreakdown& parts, const std::vector<ProductTiming>& mlp_products,
                     arma::uword batch) {
  double gemm_fwd = 0, gemm_bwd = 0;
  for (const ProductTiming& t : mlp_products)
    (t.product.what.find("fwd") != std::string::npos ? gemm_fwd : gemm_bwd) += t.seconds;
  std::printf("one MLP training step on a full batch of %llu (medians; GEMM = its products timed "
              "alone, above;\nthread CPU = CPU time of the calling thread, what the single-threaded "
              "parts really cost)\n",
              static_cast<unsigned long long>(batch));
  std::printf("  %-44s %9s %9s %9s %11s\n", "part", "wall ms", "GEMM ms", "other ms",
              "thread CPU");
  const auto row = [](const char* what, const Timing& t, double gemm) {
    std::printf("  %-44s %9.3f %9.3f %9.3f %11.3f\n", what, 1e3 * t.wall, 1e3 * gemm,
                1e3 * (t.wall - gemm), 1e3 * t.cpu);
  };
  row("forward (products, bias + activation)", parts.forward, gemm_fwd);
  row("backward (loss, products, derivatives, db)", parts.backward, gemm_bwd);
  row("SGD update, no norms (no observer)", parts.update, 0);
  row("SGD update with norms (results logger on)", parts.update_with_norms, 0);
  row("layer_stats (each logged step)", parts.layer_stats, 0);
  const Timing step{parts.forward.wall + parts.backward.wall + parts.update.wall,
                    parts.forward.cpu + parts.backward.cpu + parts.update.cpu};
  row("step without logging: fwd + bwd + update", step, gemm_fwd + gemm_bwd);
  std::printf("\n");
}

void print_report(const Report& r) {
  std::printf("%-34s %8s %8s %9s %8s %8s   %s\n", "item", "wall s", "CPU s", "GFLOP/s",
              "x bound", "CPU x b", "target (on x bound)");
  rule();
  const EpochBound bound = median_bound(r.mlp.bounds);
  bound_row("sgemm bound, MLP epoch", r.mlp.bounds);
  std::vector<double> order_ratios;
  for (std::size_t i = 0; i < r.step_order.size() && i < r.mlp.bounds.size(); ++i)
    order_ratios.push_back(r.step_order[i].seconds / r.mlp.bounds[i].seconds);
  const EpochBound order = median_bound(r.step_order);
  std::printf("%-34s %8.3f %8s %9.1f %8.2f %8s   (the products alone, no other work)\n",
              "  same products in a step's order", order.seconds, "-",
              order.flops / order.seconds * 1e-9, median(order_ratios), "-");
  epoch_row("MLP epoch, float32", r.mlp.epochs, r.mlp.bounds, 1.15);
  epoch_row("MLP epoch, log.every = 1", r.logged, r.mlp.bounds, 0);
  std::vector<double> overhead, overhead_cpu;
  for (std::size_t i = 0; i < r.mlp.epochs.size() && i < r.logged.size(); ++i) {
    overhead.push_back(r.logged[i].wall / r.mlp.epochs[i].wall - 1);
    overhead_cpu.push_back(r.logged[i].cpu / r.mlp.epochs[i].cpu - 1);
  }
  const double over = median(overhead);
  std::printf("%-34s %+7.1f%% %+7.1f%%  (wall, CPU; medians of paired runs)   <= +3%%: %s\n",
              "  instrumentation overhead", 100 * over, 100 * median(overhead_cpu),
              verdict(over <= 0.03));
  bound_row("sgemm bound, tied AE epoch", r.dae.bounds);
  epoch_row("DAE layer epoch, float32", r.dae.epochs, r.dae.bounds, 1.2);
  if (r.float64) {
    bound_row("dgemm bound, MLP epoch", r.float64->bounds);
    epoch_row("MLP epoch, float64", r.float64->epochs, r.float64->bounds, 0);
  }
  if (r.torch_seconds > 0) {
    const double ratio = median(walls(r.mlp.epochs)) / r.torch_seconds;
    std::printf("%-34s %8.3f %8s %9.1f %8.2f %8s   ours / PyTorch = %.2f  <= 0.35: %s\n",
                "PyTorch MLP epoch (--torch-seconds)", r.torch_seconds, "-",
                bound.flops / r.torch_seconds * 1e-9, r.torch_seconds / bound.seconds, "-", ratio,
                verdict(ratio <= 0.35));
  } else {
    std::printf("%-34s (run tools/bench/torch_epoch, then pass --torch-seconds S for the ratio)\n",
                "PyTorch MLP epoch");
  }
  rule();
  std::printf("peak RSS after the float32 MLP runs: %.1f MiB; budget %.1f MiB = decoded data "
              "%.1f + 3 x parameters %.1f + 100: %s\n",
              r.peak_mib, r.budget_mib, r.decoded_mib, 3 * r.params_mib,
              verdict(r.peak_mib <= r.budget_mib));
  if (r.partial_data)
    std::printf("  (fewer examples than the training file: loading decodes the whole file first, "
                "so this budget is meaningful only with the default --epochs-examples 60000)\n");
  std::printf(
      "wall s, CPU s: medians over the repeats; CPU s = user + sys of all threads (waiting OpenBLAS\n"
      "threads spin, which counts). GFLOP/s = the epoch's GEMM flops / its wall time. x bound = wall\n"
      "time / the GEMM lower bound measured just before that epoch, median over the repeats; CPU x b\n"
      "= the same in CPU time, which other work on the machine disturbs less (exact with --threads\n"
      "1). The bound times each product shape alone, repeated on the same operands (hot in cache);\n"
      "\"in a step's order\" runs the same products back to back on their own operands, as a step\n"
      "does. Targets are for the default sizes on an otherwise idle machine.\n");
  std::fflush(stdout);
}

}  // namespace lw::bench
