#include "bench_epoch.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "bench_util.hpp"
#include "layerwise/instrument/layer_stats.hpp"
#include "layerwise/instrument/loggers.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/autoencoder.hpp"
#include "layerwise/train/network_objective.hpp"
#include "layerwise/train/train.hpp"

namespace lw::bench {
namespace {

NetworkSpec mlp_spec(const std::vector<arma::uword>& sizes) {
  NetworkSpec spec;
  spec.layer_sizes = sizes;  // sigmoid hidden, identity output, softmax cross-entropy, xavier
  return spec;
}

TrainConfig one_epoch(arma::uword batch) {
  TrainConfig config;
  config.epochs = 1;
  config.batch_size = batch;
  config.optimizer.kind = OptimizerKind::sgd;
  config.optimizer.learning_rate = 0.1;
  return config;
}

template <class T>
NetworkInfo network_info(const Network<T>& net) {
  NetworkInfo info{.depth = static_cast<std::int64_t>(net.depth()),
                   .layer_sizes = {},
                   .activations = {},
                   .loss = to_string(net.loss),
                   .init = "xavier",
                   .pretrain = "none",
                   .precision = sizeof(T) == 4 ? "float32" : "float64"};
  for (arma::uword s : net.layer_sizes()) info.layer_sizes.push_back(static_cast<std::int64_t>(s));
  for (const auto& layer : net.layers) info.activations.push_back(to_string(layer.act));
  return info;
}

}  // namespace

template <class T>
Timing mlp_epoch(const arma::Mat<T>& X, const arma::Mat<T>& Y, const MlpRun& run) {
  Network<T> net = make_network<T>(mlp_spec(run.sizes), 1);
  NetworkObjective<T> objective(net, {}, make_rng(1, "bench/dropout"));
  std::optional<RunFile> file;
  std::optional<ResultsLogger<T>> logger;
  TrainHooks<T> hooks;
  if (run.log_every > 0) {
    file.emplace(run.dir, RunHeader{.run_id = "bench", .experiment = "lw_bench", .seed = 1,
                                    .command_line = "lw_bench"},
                 true);
    file->write_network(network_info(net));
    hooks.observers.push_back(&logger.emplace(*file, run.log_every));
  }
  Rng shuffle = make_rng(1, "bench/shuffle");
  const Stopwatch watch;
  train(objective, TrainData<T>{X, Y}, one_epoch(run.batch), shuffle, PhaseInfo{"finetune", -1, ""},
        hooks);
  if (file) file->flush();
  return {watch.wall(), watch.cpu()};
}

template <class T>
Timing dae_epoch(const arma::Mat<T>& X, arma::uword n_hidden, arma::uword batch) {
  Rng init = make_rng(1, "bench/init");
  DenseLayer<T> encoder = make_layer<T>(X.n_rows, n_hidden, Activation::sigmoid, "xavier",
                                        std::numeric_limits<double>::quiet_NaN(), init);
  AutoencoderConfig config;
  config.tied = true;
  config.loss = Reconstruction::cross_entropy;
  config.noise = Noise::masking;
  config.corruption = 0.25;
  AutoencoderObjective<T> objective(std::move(encoder), config, make_rng(1, "bench/noise"));
  Rng shuffle = make_rng(1, "bench/shuffle");
  const Stopwatch watch;
  train(objective, TrainData<T>{X, X}, one_epoch(batch), shuffle, PhaseInfo{"pretrain", 0, "dae"});
  return {watch.wall(), watch.cpu()};
}

template <class T>
StepBreakdown breakdown(const arma::Mat<T>& X, const arma::Mat<T>& Y,
                        const std::vector<arma::uword>& sizes, arma::uword batch, int steps) {
  Network<T> net = make_network<T>(mlp_spec(sizes), 1);
  Trace<T> trace;
  Gradients<T> grads;
  const std::vector<Parameter<T>> params = network_parameters(net, grads);  // NetworkObjective's
  Optimizer<T> optimizer(one_epoch(batch).optimizer);
  std::vector<UpdateNorms> norms;
  std::vector<LayerNorms> layer_norms;
  const arma::uword n_batches = std::max<arma::uword>(1, X.n_cols / batch);
  std::vector<Timing> fwd, bwd, upd, upd_norms, stats;
  const auto timed = [](std::vector<Timing>& out, const auto& f) {
    const double c0 = thread_cpu_now();
    const Stopwatch watch;
    f();
    out.push_back({watch.wall(), thread_cpu_now() - c0});
  };
  const auto medians = [](const std::vector<Timing>& t) {
    std::vector<double> w, c;
    for (const Timing& x : t) {
      w.push_back(x.wall);
      c.push_back(x.cpu);
    }
    return Timing{median(w), median(c)};
  };
  double sink = 0;
  for (int s = 0; s < steps; ++s) {
    const arma::uword first = (static_cast<arma::uword>(s) % n_batches) * batch;
    const arma::uword last = std::min(first + batch, X.n_cols) - 1;
    const arma::Mat<T> Xb = X.cols(first, last), Yb = Y.cols(first, last);
    timed(fwd, [&] { forward(net, Xb, trace); });
    timed(bwd, [&] { sink += backward(net, trace, Yb, grads); });
    // One update per step, right after backward as in training, alternately without and with
    // the norms: timed back to back, the second would find the weights hot in cache.
    if (s % 2 == 0) {
      timed(upd, [&] { optimizer_step(optimizer, params, 0.1); });
    } else {  // and layer_stats as the logger calls it, after an update that measured the norms
      timed(upd_norms, [&] { optimizer_step(optimizer, params, 0.1, &norms); });
      timed(stats, [&] {
        gather_layer_norms(params, norms, net.layers.size(), layer_norms);
        sink += layer_stats(net, trace, grads, &layer_norms).act_mean[0];
      });
    }
  }
  if (!std::isfinite(sink)) std::fprintf(stderr, "breakdown: non-finite loss\n");
  return {medians(fwd), medians(bwd), medians(upd), medians(upd_norms), medians(stats)};
}

#define LW_INSTANTIATE(T)                                                                \
  template Timing mlp_epoch(const arma::Mat<T>&, const arma::Mat<T>&, const MlpRun&);    \
  template Timing dae_epoch(const arma::Mat<T>&, arma::uword, arma::uword);              \
  template StepBreakdown breakdown(const arma::Mat<T>&, const arma::Mat<T>&,             \
                                   const std::vector<arma::uword>&, arma::uword, int);
LW_INSTANTIATE(float)
LW_INSTANTIATE(double)
#undef LW_INSTANTIATE

}  // namespace lw::bench
