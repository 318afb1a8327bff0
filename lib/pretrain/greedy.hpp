#pragma once
// Greedy layer-wise pretraining (Bengio et al. 2007; Hinton et al. 2006; Theano's SdA.py):
//   A_0 = X
//   for l = 0 .. depth-1 (bottom-up):
//     layer_l = scheme.pretrain(A_l -> hidden_sizes[l])   the scheme sees the CLEAN A_l
//     A_{l+1} = f_l(W_l A_l + b_l)                        (and likewise for the validation set)
//   A_{l+1} overwrites A_l in place when layer l is no wider (pretrain/encoded_set.hpp), so one
//   encoded set is held at a time.
// then the network for fine-tuning is the pretrained stack plus a freshly initialised output
// layer (stack_network). Fine-tuning itself is the caller's: lw::train with a NetworkObjective,
// optionally wrapped in FrozenLayersObjective (pretrain/frozen_objective.hpp) to keep the
// pretrained layers fixed.
// Layer l is a function of the layers below it and of the spec without its depth (and of the data),
// so a depth-5 stack begins with the depth-3 one of the same spec: a LayerCache hands out layers
// trained before (experiment/stack_store.hpp keeps them in files a sweep's runs share), and their
// recorded epochs are replayed to the observers (PhaseInfo::stored_in names the source).
// Randomness (core/streams.hpp): layer l's scheme draws from stream::scheme_stream(seed, scheme,
// name, l) and starts from stream::hidden_init(seed, l); the output layer from
// stream::output_init(seed),
// the stream make_network uses, so every arm of a seed gets the same output weights.
#include <armadillo>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "layerwise/nn/network.hpp"
#include "layerwise/pretrain/scheme.hpp"
#include "layerwise/train/train.hpp"

namespace lw {

struct GreedySpec {
  std::string scheme = {};                     // a registered scheme name
  std::vector<arma::uword> hidden_sizes = {};  // fan_out of each hidden layer, bottom-up
  Activation act = Activation::sigmoid;        // hidden activation
  std::string init = "xavier";                 // encoder initializer
  double init_scale = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t seed = 0;
  OptionOverrides options = {};  // {"pretrain.<scheme>.<key>": value}
};

template <class T>
struct GreedyData {
  const arma::Mat<T>& X;  // n_inputs x n
  const arma::Mat<T>* X_valid = nullptr;
  const arma::uvec* labels = nullptr;  // for schemes that need labels
  const arma::uvec* valid_labels = nullptr;
  arma::uword n_classes = 0;
};

// What happened to one layer (the results file receives the same epochs as they end, and the
// layer's wall time, through the observers: instrument/loggers.hpp PretrainLogger).
struct LayerReport {
  int layer = 0;
  std::string scheme = {};
  std::vector<ConfigEntry> options = {};  // every option of the scheme, typed, own keys
  TrainResult train = {};                  // epochs (each with its wall time), status
  std::string stored_in = {};              // where a LayerCache found it; "" if trained now

  std::vector<double> loss_by_epoch() const;        // train.epochs[e].train_loss
  std::vector<double> valid_loss_by_epoch() const;  // NaN entries without validation
};

template <class T>
struct GreedyResult {
  std::vector<DenseLayer<T>> layers;  // the pretrained hidden layers, bottom-up
  std::vector<LayerReport> reports;   // one per layer trained
  TrainStatus status = TrainStatus::complete;
  std::string message;  // why a layer diverged or was interrupted
};

// A hidden layer and its training, as a LayerCache keeps it.
template <class T>
struct TrainedLayer {
  DenseLayer<T> layer;
  TrainResult train;
  std::string stored_in = {};  // where the cache found it; "" when train() made it now
};

// Layers of one stack trained before. One cache serves one GreedySpec without its depth (and one
// data set): its owner keys it by everything else that decides the numbers.
template <class T>
class LayerCache {
 public:
  virtual ~LayerCache() = default;
  // Layer l, asked for bottom-up (layers 0..l-1 came from this cache just before): the stored one,
  // or train()'s, which the cache keeps when its training completed.
  virtual TrainedLayer<T> layer(int l, const std::function<TrainedLayer<T>()>& train) = 0;
};

// Pretrains every hidden layer, or takes it from `cache` (null: train every layer). Stops after a layer whose training did not complete (diverged or
// interrupted): status and message say so, and layers/reports hold what was trained so far
// (including that layer). Options are validated first (validate_scheme_overrides).
template <class T>
GreedyResult<T> pretrain_greedy(const GreedySpec& spec, const GreedyData<T>& data,
                                const TrainHooks<T>& hooks = {}, LayerCache<T>* cache = nullptr);

struct OutputSpec {
  arma::uword n_outputs = 0;
  Activation act = Activation::identity;  // identity: logits for the cross-entropies
  Loss loss = Loss::softmax_cross_entropy;
  std::string init = "xavier";
  double init_scale = std::numeric_limits<double>::quiet_NaN();
};

// hidden layers + an output layer from make_layer(..., stream::output_init(seed)).
template <class T>
Network<T> stack_network(std::vector<DenseLayer<T>> hidden, const OutputSpec& output,
                         std::uint64_t seed);

}  // namespace lw
