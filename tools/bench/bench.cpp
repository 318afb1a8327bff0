// lw_bench: how fast the training hot loop is, against the matrix products it cannot avoid.
// Prints figures; asserts nothing.
//
// In one run, on the running OpenBLAS kernel and thread count:
//   1. the GEMM lower bound of one epoch: every product shape of the 784-1000-1000-1000-10 MLP
//      (batch 128) timed alone (tools/bench/bench_gemm.hpp), summed over the epoch's batches
//   2. one epoch of that sigmoid MLP on Fashion-MNIST (SGD lr 0.1, float32), through train()
//   3. the same epoch with the results logger at log.every = 1 (as depth_sweep attaches it)
//   4. one epoch of a tied denoising-autoencoder layer 784-1000-784 and its own GEMM bound
//   5. the MLP epoch in float64 and its dgemm bound (--float64 on)
//   6. peak resident memory after the float32 MLP runs, against
//      decoded dataset + 3 x parameters + 100 MiB
//   7. where one training step's time goes (forward, backward, update, layer_stats)
// Each timed epoch is paired with a measurement of its bound taken just before it; ratios are
// medians over the pairs (--repeats), times are medians. For reference, the products alone in a
// step's order (tools/bench/bench_gemm.hpp, step_order_products) show how much of the gap to the
// bound is the products finding their operands out of cache.
// The machine may be shared: the load average is printed before and after, and CPU time (user +
// sys, all threads) next to wall time. tools/bench/torch_epoch times the same epoch in PyTorch;
// give its figure as --torch-seconds to print the ratio.
#include <sys/utsname.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "bench_epoch.hpp"
#include "bench_gemm.hpp"
#include "bench_scaling.hpp"
#include "bench_simd.hpp"
#include "bench_table.hpp"
#include "bench_util.hpp"
#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/io/datasets.hpp"

namespace po = boost::program_options;
using namespace lw::bench;

namespace {

struct Options {
  int threads = 2, repeats = 3;
  arma::uword n_examples = 60000, batch = 128, hidden = 1000;
  std::string data_path = "/usr/share/datasets/fashion-mnist", blas_kernel, float64 = "on";
  bool quick = false, scaling = false;
  arma::uword scaling_examples = 8192;
  double torch_seconds = 0;
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv) try {
  Options o;
  po::options_description desc("lw_bench options");
  desc.add_options()("help", "this text")
      ("threads", po::value(&o.threads)->default_value(o.threads), "BLAS threads")
      ("repeats", po::value(&o.repeats)->default_value(o.repeats), "runs of each epoch (medians)")
      ("epochs-examples", po::value(&o.n_examples)->default_value(o.n_examples),
       "examples per epoch (the first n of the training file; no validation)")
      ("data.path", po::value(&o.data_path)->default_value(o.data_path),
       "Fashion-MNIST IDX folder")
      ("blas-kernel", po::value(&o.blas_kernel),
       "OpenBLAS kernel: auto, default or a core name (as depth_sweep; also LW_BLAS_KERNEL)")
      ("float64", po::value(&o.float64)->default_value(o.float64), "also time float64: on|off")
      ("torch-seconds", po::value(&o.torch_seconds),
       "PyTorch's epoch time from tools/bench/torch_epoch, for the ratio")
      ("scaling", po::bool_switch(&o.scaling),
       "print only the scaling table: epoch against bound for widths 256-4000, batches 16-1024, "
       "depths 1-10 (bench_scaling.hpp)")
      ("scaling-examples", po::value(&o.scaling_examples)->default_value(o.scaling_examples),
       "examples per epoch of the scaling table")
      ("quick", po::bool_switch(&o.quick),
       "smoke run: 1280 examples, hidden width 100, one repeat (figures meaningless)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, desc), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: lw_bench [options]\n" << desc << "\n";
    return 0;
  }
  lw::require(o.float64 == "on" || o.float64 == "off",
              lw::cat("lw_bench: --float64 must be on or off (", o.float64, ")"));
  lw::require(o.threads >= 1 && o.repeats >= 1 && o.n_examples >= o.batch,
              "lw_bench: --threads and --repeats must be >= 1, --epochs-examples >= 128");
  if (o.quick) {
    if (!vm["epochs-examples"].defaulted() || !vm["repeats"].defaulted())
      std::cerr << "lw_bench: --quick overrides --epochs-examples and --repeats\n";
    o.n_examples = 1280;
    o.repeats = 1;
    o.hidden = 100;
  }
  lw::set_blas_threads(o.threads);
  lw::select_blas_kernel(argc, argv, o.blas_kernel);
  const std::string load_before = load_average();

  const std::vector<arma::uword> sizes = {784, o.hidden, o.hidden, o.hidden, 10};
  const auto mlp = [&](arma::uword b) { return mlp_products(sizes, b); };
  const auto dae = [&](arma::uword b) { return tied_autoencoder_products(784, o.hidden, b); };
  constexpr int bound_repeats = 3;  // per bound measurement; one measurement per timed epoch

  lw::DataConfig data;
  data.path = o.data_path;
  data.n_valid = 0;
  data.n_train = o.n_examples;
  const Stopwatch load_watch;
  const lw::Split split = lw::load_split(data, 1);
  const double load_seconds = load_watch.wall();
  const arma::fmat& X = split.train.X;
  const arma::fmat Y = lw::one_hot(split.train.y, 10);
  if (o.scaling) {
    lw::require(o.scaling_examples >= 1024, "lw_bench: --scaling-examples must be >= 1024");
    std::printf("lw_bench --scaling | kernel %s, %d BLAS threads | load average %s\n",
                lw::blas_kernel_note().c_str(), lw::blas_threads(), load_before.c_str());
    print_scaling(X, Y, o.scaling_examples);
    return 0;
  }
  const double decoded_mib =
      static_cast<double>(split.train.X.n_elem + split.valid.X.n_elem + split.test.X.n_elem) *
      sizeof(float) / (1024.0 * 1024.0);

  // Every timed epoch is paired with a measurement of its bound taken just before it, and with
  // the logged epoch just after it: the load of a shared machine drifts over minutes, and the
  // ratios of pairs see the same machine.
  Report report;
  const auto dir = std::filesystem::temp_directory_path() / lw::cat("lw_bench_", ::getpid());
  for (int r = 0; r < o.repeats; ++r) {
    report.mlp.bounds.push_back(epoch_bound<float>(mlp, o.n_examples, o.batch, bound_repeats));
    report.step_order.push_back(
        step_order_products<float>(sizes, o.n_examples, o.batch, o.quick ? 5 : 40));
    report.mlp.epochs.push_back(mlp_epoch(X, Y, MlpRun{sizes, o.batch, 0, dir}));
    report.logged.push_back(mlp_epoch(X, Y, MlpRun{sizes, o.batch, 1, dir}));
  }
  std::filesystem::remove_all(dir);
  const double peak_mlp = peak_rss_mib();
  for (int r = 0; r < o.repeats; ++r) {
    report.dae.bounds.push_back(epoch_bound<float>(dae, o.n_examples, o.batch, bound_repeats));
    report.dae.epochs.push_back(dae_epoch(X, o.hidden, o.batch));
  }
  const EpochBound mlp_bound = median_bound(report.mlp.bounds);
  const StepBreakdown parts = breakdown(X, Y, sizes, o.batch, o.quick ? 5 : 40);
  if (o.float64 == "on") {
    const arma::mat X64 = arma::conv_to<arma::mat>::from(X);
    const arma::mat Y64 = arma::conv_to<arma::mat>::from(Y);
    Paired float64;
    for (int r = 0; r < o.repeats; ++r) {
      float64.bounds.push_back(epoch_bound<double>(mlp, o.n_examples, o.batch, bound_repeats));
      float64.epochs.push_back(mlp_epoch(X64, Y64, MlpRun{sizes, o.batch, 0, dir}));
    }
    report.float64 = std::move(float64);
  }
  double n_params = 0;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l)
    n_params += static_cast<double>(sizes[l + 1] * (sizes[l] + 1));

  utsname host{};
  uname(&host);
  std::printf("lw_bench: %s MLP, sigmoid, batch %llu, SGD lr 0.1, %llu examples per epoch, "
              "%d repeats (medians)\n",
              join_sizes(sizes).c_str(), static_cast<unsigned long long>(o.batch),
              static_cast<unsigned long long>(o.n_examples), o.repeats);
  std::printf("host %s, kernel %s, %d BLAS threads%s\n", host.nodename,
              lw::blas_kernel_note().c_str(), lw::blas_threads(),
              o.quick ? "  [--quick: smoke run, figures meaningless]" : "");
  std::printf("load average before: %s   after: %s   (1, 5, 15 min; other work on the machine "
              "inflates wall times)\n",
              load_before.c_str(), load_average().c_str());
  std::printf("data: %s, loaded in %.2f s, %.1f MiB decoded\n\n", o.data_path.c_str(),
              load_seconds, decoded_mib);
  print_products(mlp_bound.full, "sgemm, MLP products of one full batch");
  print_products(median_bound(report.dae.bounds).full,
                 "sgemm, tied autoencoder products of one full batch");
  print_breakdown(parts, mlp_bound.full, o.batch);
  print_sgd_paths(time_sgd_paths(static_cast<arma::uword>(n_params), o.quick ? 4 : 60),
                  static_cast<arma::uword>(n_params));
  report.torch_seconds = o.torch_seconds;
  report.peak_mib = peak_mlp;
  report.budget_mib = decoded_mib + 3 * n_params * sizeof(float) / (1024.0 * 1024.0) + 100;
  report.decoded_mib = decoded_mib;
  report.partial_data = o.n_examples < 60000;
  report.params_mib = n_params * sizeof(float) / (1024.0 * 1024.0);
  print_report(report);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "lw_bench: " << e.what() << "\n";
  return 1;
}
