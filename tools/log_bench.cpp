// lw_log_bench: what per-step instrumentation costs. Trains a 784-1000-1000-1000-10 sigmoid MLP
// (batch 128, SGD, float32) on Fashion-MNIST for one pass over n examples, alternately with no
// observer, with the results logger at log.every = 10 and at log.every = 1, and prints the median
// wall time of each and the overhead. Prints figures; asserts nothing.
//   build/bin/lw_log_bench [n_examples=12800] [repeats=3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/blas.hpp"
#include "instrument/layer_stats.hpp"
#include "instrument/loggers.hpp"
#include "io/datasets.hpp"
#include "nn/make_network.hpp"
#include "train/network_objective.hpp"
#include "train/train.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const arma::uword n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 12800;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  lw::DataConfig data;
  data.n_train = n;
  const lw::Split split = lw::load_split(data, 1);
  const arma::fmat Y = lw::one_hot(split.train.y, 10);
  lw::NetworkSpec spec;
  spec.layer_sizes = {784, 1000, 1000, 1000, 10};
  lw::TrainConfig config;
  config.epochs = 1;
  config.batch_size = 128;
  const auto dir = std::filesystem::temp_directory_path() / "lw_log_bench";
  std::printf("lw_log_bench: 784-1000-1000-1000-10 sigmoid, batch 128, %llu examples, "
              "kernel %s, %d BLAS threads\n",
              static_cast<unsigned long long>(n), lw::blas_core().c_str(), lw::blas_threads());
  std::vector<double> times[3];
  const long every[3] = {0, 10, 1};
  for (int r = 0; r < repeats; ++r)
    for (int k = 0; k < 3; ++k) {
      auto net = lw::make_network<float>(spec, 1);
      lw::NetworkObjective<float> objective(net, {}, lw::Rng(1));
      std::filesystem::remove_all(dir);
      lw::RunFile file(dir, lw::RunHeader{.run_id = "bench", .experiment = "bench", .seed = 1, .command_line = "lw_log_bench"}, true);
      lw::NetworkInfo info{.depth = 3, .layer_sizes = {784, 1000, 1000, 1000, 10},
                           .activations = {"sigmoid", "sigmoid", "sigmoid", "identity"},
                           .loss = "softmax_cross_entropy", .init = "xavier", .pretrain = "none",
                           .precision = "float32"};
      file.write_network(info);
      lw::ResultsLogger<float> logger(file, std::max(1L, every[k]));
      lw::TrainHooks<float> hooks;
      if (every[k] > 0) hooks.observers.push_back(&logger);
      lw::Rng shuffle(7);
      const auto start = std::chrono::steady_clock::now();
      lw::train(objective, lw::TrainData<float>{split.train.X, Y}, config, shuffle,
                lw::PhaseInfo{"finetune", -1, ""}, hooks);
      file.flush();
      times[k].push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  // The parts of one logged step, timed alone on one batch.
  {
    auto net = lw::make_network<float>(spec, 1);
    lw::Trace<float> trace;
    lw::Gradients<float> grads;
    lw::forward(net, arma::fmat(split.train.X.cols(0, 127)), trace);
    lw::backward(net, trace, arma::fmat(Y.cols(0, 127)), grads);
    const int calls = 200;
    auto t0 = std::chrono::steady_clock::now();
    double sink = 0;
    for (int i = 0; i < calls; ++i) sink += lw::layer_stats(net, trace, grads).act_mean[0];
    auto t1 = std::chrono::steady_clock::now();
    std::filesystem::remove_all(dir);
    lw::RunFile file(dir, lw::RunHeader{.run_id = "parts", .experiment = "bench", .seed = 1,
                                        .command_line = "lw_log_bench"}, true);
    file.write_network({.depth = 3, .layer_sizes = {784, 1000, 1000, 1000, 10},
                        .activations = {"sigmoid", "sigmoid", "sigmoid", "identity"},
                        .loss = "softmax_cross_entropy", .init = "xavier", .pretrain = "none",
                        .precision = "float32"});
    const lw::LayerStats st = lw::layer_stats(net, trace, grads);
    const lw::StepRow row{.step = 0, .epoch = 1, .batch_loss = 1.0, .grad_norm_W = st.grad_norm_W,
                          .grad_norm_b = st.grad_norm_b, .delta_norm = st.delta_norm,
                          .weight_norm_W = st.weight_norm_W, .update_ratio = st.weight_norm_W,
                          .act_mean = st.act_mean, .act_std = st.act_std,
                          .act_saturated = st.act_saturated};
    auto t2 = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) file.append_step(row);
    auto t3 = std::chrono::steady_clock::now();
    const auto ms = [&](auto a, auto b) {
      return 1e3 * std::chrono::duration<double>(b - a).count() / calls;
    };
    std::printf("per logged step:  layer_stats %.3f ms, append_step %.3f ms (checksum %.3g)\n",
                ms(t0, t1), ms(t2, t3), sink);
  }
  std::filesystem::remove_all(dir);
  const double base = median(times[0]);
  std::printf("no logging        %8.3f s\n", base);
  std::printf("log.every = 10    %8.3f s  (%+.2f%%)\n", median(times[1]),
              100 * (median(times[1]) / base - 1));
  std::printf("log.every = 1     %8.3f s  (%+.2f%%)\n", median(times[2]),
              100 * (median(times[2]) / base - 1));
  return 0;
}
