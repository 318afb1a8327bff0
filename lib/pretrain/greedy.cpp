#include "layerwise/pretrain/greedy.hpp"


#include "layerwise/core/check.hpp"
#include "layerwise/core/streams.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/encoded_set.hpp"

namespace lw {

std::vector<double> LayerReport::loss_by_epoch() const {
  std::vector<double> out;
  for (const auto& e : train.epochs) out.push_back(e.train_loss);
  return out;
}

std::vector<double> LayerReport::valid_loss_by_epoch() const {
  std::vector<double> out;
  for (const auto& e : train.epochs) out.push_back(e.valid_loss);
  return out;
}

namespace {

// A stored layer's training, told to the observers as it was recorded.
template <class T>
void replay(const std::vector<Observer<T>*>& observers, const PhaseInfo& phase,
            const TrainResult& train) {
  for (Observer<T>* o : observers) {
    o->on_phase_begin(phase);
    for (const EpochMetrics& m : train.epochs) o->on_epoch_end(m);
    o->on_phase_end(phase, train);
  }
}

}  // namespace

template <class T>
GreedyResult<T> pretrain_greedy(const GreedySpec& spec, const GreedyData<T>& data,
                                const TrainHooks<T>& hooks, LayerCache<T>* cache) {
  const Scheme& scheme = find_scheme(spec.scheme);
  validate_scheme_overrides(spec.options);
  require(!spec.hidden_sizes.empty(), "pretrain_greedy(): no hidden layers to pretrain");
  require(data.X.n_cols > 0 && data.X.n_rows > 0, "pretrain_greedy(): empty training set");
  require(!data.X_valid || data.X_valid->n_rows == data.X.n_rows,
          cat("pretrain_greedy(): validation set has ", data.X_valid ? data.X_valid->n_rows : 0,
              " rows, training set ", data.X.n_rows));
  const SchemeOptions options(scheme, spec.options);

  GreedyResult<T> result;
  EncodedSet<T> A, A_valid;  // representation of the layer below (A_0 = X: not copied)
  for (std::size_t l = 0; l < spec.hidden_sizes.size(); ++l) {
    const arma::Mat<T>& X = l == 0 ? data.X : A.get();
    const arma::Mat<T>* X_valid = !data.X_valid ? nullptr : l == 0 ? data.X_valid : &A_valid.get();
    const LayerTask<T> task{.X = X,
                            .X_valid = X_valid,
                            .fan_out = spec.hidden_sizes[l],
                            .act = spec.act,
                            .init = spec.init,
                            .init_scale = spec.init_scale,
                            .layer = static_cast<int>(l),
                            .labels = data.labels,
                            .valid_labels = data.valid_labels,
                            .n_classes = data.n_classes};
    const SchemeContext<T> ctx{.options = options,
                               .seed = spec.seed,
                               .layer = static_cast<int>(l),
                               .observers = hooks.observers,
                               .stop_requested = hooks.stop_requested};
    const auto train_now = [&] {
      SchemeResult<T> r = run_scheme(scheme, task, ctx);
      return TrainedLayer<T>{std::move(r.layer), std::move(r.train)};
    };
    TrainedLayer<T> trained = cache ? cache->layer(static_cast<int>(l), train_now) : train_now();
    if (!trained.stored_in.empty()) {
      require(trained.layer.fan_in() == X.n_rows && trained.layer.fan_out() == task.fan_out &&
                  trained.layer.act == task.act,
              cat("pretrain_greedy(): the cache's layer ", l, " (", trained.stored_in, ") is ",
                  trained.layer.fan_out(), "x", trained.layer.fan_in(), " ", to_string(trained.layer.act),
                  "; expected ", task.fan_out, "x", X.n_rows, " ", to_string(task.act)));
      replay(hooks.observers, PhaseInfo{"pretrain", static_cast<int>(l), scheme.name, trained.stored_in},
             trained.train);
    }
    LayerReport report{.layer = static_cast<int>(l),
                       .scheme = scheme.name,
                       .options = options.entries(),
                       .train = std::move(trained.train),
                       .stored_in = trained.stored_in};
    const TrainStatus status = report.train.status;
    const std::string message = report.train.message;
    result.reports.push_back(std::move(report));
    result.layers.push_back(std::move(trained.layer));
    if (status != TrainStatus::complete) {
      result.status = status;
      result.message = cat("pretraining layer ", l, " with ", scheme.name, ": ", message);
      return result;
    }
    if (l + 1 < spec.hidden_sizes.size()) {  // the next layer's clean input, in place if no wider
      A.encode(result.layers.back(), X);
      if (X_valid) A_valid.encode(result.layers.back(), *X_valid);
    }
  }
  return result;
}

template <class T>
Network<T> stack_network(std::vector<DenseLayer<T>> hidden, const OutputSpec& output,
                         std::uint64_t seed) {
  require(!hidden.empty(), "stack_network(): no hidden layers");
  require(output.n_outputs > 0, "stack_network(): n_outputs must be > 0");
  Network<T> net;
  net.loss = output.loss;
  net.layers = std::move(hidden);
  Rng rng = stream::output_init(seed);
  net.layers.push_back(make_layer<T>(net.layers.back().fan_out(), output.n_outputs, output.act,
                                     output.init, output.init_scale, rng));
  check_network(net);
  return net;
}

template GreedyResult<float> pretrain_greedy(const GreedySpec&, const GreedyData<float>&,
                                             const TrainHooks<float>&, LayerCache<float>*);
template GreedyResult<double> pretrain_greedy(const GreedySpec&, const GreedyData<double>&,
                                              const TrainHooks<double>&, LayerCache<double>*);
template Network<float> stack_network(std::vector<DenseLayer<float>>, const OutputSpec&,
                                      std::uint64_t);
template Network<double> stack_network(std::vector<DenseLayer<double>>, const OutputSpec&,
                                       std::uint64_t);

}  // namespace lw
