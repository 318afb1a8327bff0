#pragma once
// Pretraining schemes: the contract and the registry (README, Extending).
//
// A scheme trains ONE hidden layer on the clean representation of the layer below and returns it:
//   pretrain(task, ctx) -> SchemeResult{layer, train}
// requires: task.X is fan_in x n (one example per column), task.fan_out > 0; labels when the
//           scheme declares needs_labels.
// ensures:  layer.W is task.fan_out x fan_in, layer.b has task.fan_out entries, layer.act ==
//           task.act; train.epochs holds one EpochMetrics per epoch run (train_loss: the scheme's
//           own objective; valid_loss when task.X_valid is given); every random draw comes from
//           ctx.fork(name) or the shared initial-weight stream (initial_encoder). The layer is
//           trained in exactly one train() call with ctx.phase() and ctx.hooks(): that phase is
//           what reaches the results file (/pretrain/layer_NN, instrument/loggers.hpp).
// The greedy driver (pretrain/greedy.hpp) checks the shapes, measures the wall time and stacks
// the layers.
//
// Options: every scheme has the common per-layer options (epochs, batch_size, learning_rate,
// optimizer) and its own, declared beside its code. They appear in help and in the results file
// as pretrain.<scheme>.<key>. The spelling of the default fixes an option's type:
//   true/false -> flag;  5 -> integer;  0.1, 1.0, 1e-3 -> real;  anything else -> text
// (text options may list their allowed `choices`). Overrides are given by dotted key:
//   {"pretrain.dae.corruption": "0.3"}.
//
// A scheme without a training loop (closed form: PCA, a data-driven rescaling) sets
// Scheme::closed_form, ignores epochs, batch_size and the optimizer, and fits the layer inside
// ctx.closed_form(fit), whose result is its train: one reported "epoch", seen by the observers as
// a phase.
//
// Adding a scheme, in this tree: one file lib/pretrain/schemes/<name>.cpp defining
//   namespace lw::builtin { Scheme <name>() { return make_scheme(Scheme{...}, fn); } }
// where fn is a generic callable (const LayerTask<T>&, const SchemeContext<T>&) -> SchemeResult<T>.
// CMake lists the files in a generated builtin_schemes.cpp that the registry calls on first use,
// so a built-in scheme is never dropped, however the library is linked (static or shared).
// In your own project (linking layerwise::lw), a file of yours registers itself:
//   [[maybe_unused]] const bool registered = lw::register_scheme(lw::make_scheme(Scheme{...}, fn));
// Either way lw::testing::check_scheme(name) (pretrain/scheme_check.hpp) checks it against this
// contract.
#include <armadillo>
#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "layerwise/core/config_value.hpp"
#include "layerwise/core/random.hpp"
#include "layerwise/nn/network.hpp"
#include "layerwise/train/train.hpp"

namespace lw {

struct SchemeOption {
  std::string key;            // snake_case, e.g. "corruption"
  std::string default_value;  // its spelling fixes the type (see above)
  std::string help;
  std::vector<std::string> choices = {};  // text options: the allowed values (empty: any)
};

enum class OptionType { flag, integer, real, text };
OptionType option_type(const SchemeOption& option);  // from the default's spelling
std::string to_string(OptionType type);

// The options every scheme has (per layer): epochs 5, batch_size 64, learning_rate 0.1,
// optimizer sgd (train/optimizer.hpp names) and its hyperparameters momentum 0.9, rms_decay 0.9
// (rho), beta1 0.9, beta2 0.999, epsilon 1e-08 (train/optimizer.hpp's defaults).
const std::vector<SchemeOption>& common_scheme_options();

using OptionOverrides = std::map<std::string, std::string>;  // dotted key -> value

struct Scheme;

// The values of one scheme's options (common ones first, then the scheme's own, in declaration
// order): defaults, replaced by the overrides under pretrain.<scheme>. Each value is parsed ONCE,
// here, into the type its declaration fixes (flags accept true/false, yes/no, on/off, 1/0), and
// the typed values feed the scheme, /config, /pretrain/layer_NN and the run hash alike. Values are
// checked when the object is built; getters throw std::invalid_argument for an undeclared key or
// a key of another type.
class SchemeOptions {
 public:
  explicit SchemeOptions(const Scheme& scheme, const OptionOverrides& overrides = {});

  double real(const std::string& key) const;  // real or integer options
  long integer(const std::string& key) const;
  bool flag(const std::string& key) const;
  const std::string& text(const std::string& key) const;  // text options

  const std::string& scheme() const { return scheme_; }
  std::string dotted(const std::string& key) const;  // "pretrain.<scheme>.<key>"
  // Every option typed, in order, under its own key ("corruption"): /pretrain/layer_NN's
  // attributes; and under its dotted key ("pretrain.dae.corruption"): /config's.
  const std::vector<ConfigEntry>& entries() const { return values_; }
  std::vector<ConfigEntry> dotted_entries() const;

 private:
  const ConfigValue& value(const std::string& key) const;
  std::string scheme_;
  std::vector<ConfigEntry> values_;  // (key, typed value)
};

// One layer's job.
template <class T>
struct LayerTask {
  const arma::Mat<T>& X;                  // clean input of this layer: fan_in x n
  const arma::Mat<T>* X_valid = nullptr;  // clean validation input, optional
  arma::uword fan_out = 0;
  Activation act = Activation::sigmoid;  // of the encoder (the network's hidden activation)
  std::string init = "xavier";           // encoder initializer (nn/init.hpp)
  double init_scale = std::numeric_limits<double>::quiet_NaN();
  int layer = 0;                       // 0: next to the input
  const arma::uvec* labels = nullptr;  // schemes with needs_labels: one per column of X
  const arma::uvec* valid_labels = nullptr;
  arma::uword n_classes = 0;

  arma::uword fan_in() const { return X.n_rows; }
};

template <class T>
struct SchemeContext {
  const SchemeOptions& options;
  std::uint64_t seed = 0;  // the run's seed
  int layer = 0;
  std::vector<Observer<T>*> observers = {};  // see the pretraining phase through train()
  const std::atomic<bool>* stop_requested = nullptr;

  // stream::scheme_stream(seed, scheme, name, layer), "pretrain/<scheme>/<name>": the scheme's
  // named streams (core/streams.hpp).
  Rng fork(std::string_view name) const;
  // epochs, batch_size (clamped to n_train), optimizer and learning_rate from the options;
  // no early stopping, restore_best off, monitor valid_loss.
  TrainConfig train_config(arma::uword n_train) const;
  PhaseInfo phase() const { return {"pretrain", layer, options.scheme()}; }
  // For a closed-form scheme, as train() would: tells the observers its phase begins, runs fit()
  // (which computes the layer and returns its objective on the training set and on the
  // validation set, NaN if none), then reports that as the phase's one epoch, timed, and the
  // phase's end. Returns the layer's TrainResult.
  TrainResult closed_form(const std::function<std::pair<double, double>()>& fit) const;
  TrainHooks<T> hooks() const { return {observers, {}, stop_requested}; }
};

template <class T>
struct SchemeResult {
  DenseLayer<T> layer;  // the trained encoder
  TrainResult train;    // per-epoch losses and status
};

// What a run will give a scheme's layers, known before anything is trained: the sweep calls
// Scheme::check_inputs with it for every arm x activation, before the first file is written.
struct SchemeInputs {
  Activation act = Activation::sigmoid;  // of every encoder
  std::size_t depth = 1;                 // layers the scheme will pretrain (the deepest run's)
  double data_min = 0, data_max = 0;     // the training data's range: layer 0's inputs
  // The closed range of layer `layer`'s inputs (0: next to the input): the data's range for
  // layer 0, output_range(act) above it.
  std::pair<double, double> input_range(std::size_t layer) const;
};

template <class T>
using PretrainFn = std::function<SchemeResult<T>(const LayerTask<T>&, const SchemeContext<T>&)>;

struct Scheme {
  std::string name = {};                   // snake_case; the value of --pretrain
  std::string summary = {};                // one line, with the reference
  std::vector<SchemeOption> options = {};  // the scheme's own (the common ones are added for you)
  bool needs_labels = false;
  bool closed_form = false;  // no training loop: train is ctx.closed_form(...), one epoch
  // Optional range checks beyond the types; throw naming options.dotted(key) and the value.
  std::function<void(const SchemeOptions&)> check = {};
  // Optional checks of what the run gives the layers (activation, the inputs' range), so that a
  // sweep refuses an impossible combination up front (exit 2) instead of failing a run; throw
  // naming the option or activation and the values. The layers may check again at run time.
  std::function<void(const SchemeOptions&, const SchemeInputs&)> check_inputs = {};
  PretrainFn<float> pretrain_float = {};
  PretrainFn<double> pretrain_double = {};
};

// Fills both precisions from one generic callable: fn(const LayerTask<T>&, const
// SchemeContext<T>&).
template <class Fn>
Scheme make_scheme(Scheme scheme, Fn fn) {
  scheme.pretrain_float = [fn](const LayerTask<float>& t, const SchemeContext<float>& c) {
    return fn(t, c);
  };
  scheme.pretrain_double = [fn](const LayerTask<double>& t, const SchemeContext<double>& c) {
    return fn(t, c);
  };
  return scheme;
}

// Throws if the name is taken or malformed, an option is declared twice (or clashes with a
// common one), a default does not fit its type/choices, or a pretrain function is missing.
bool register_scheme(Scheme scheme);
// Sorted by name: the built-in schemes and those registered (during static initialisation);
// references into the registry stay valid as long as nothing registers later.
const std::vector<Scheme>& schemes();
bool has_scheme(std::string_view name);
const Scheme& find_scheme(std::string_view name);  // throws, listing the known names

// Runs the scheme for precision T (the registry's function for float or double).
template <class T>
SchemeResult<T> run_scheme(const Scheme& scheme, const LayerTask<T>& task,
                           const SchemeContext<T>& ctx);

// Checks every pretrain.* override: an unknown scheme or option is an error listing the known
// ones; a malformed value names the option and the value; then each scheme's own check().
// Keys outside "pretrain." are an error too.
void validate_scheme_overrides(const OptionOverrides& overrides);

// The registry listing for --list-schemes: each scheme, its summary, its options with defaults.
void write_scheme_list(std::ostream& out);

// The encoder's starting point: make_layer(fan_in, fan_out, act, init) drawn from
// stream::hidden_init(seed, layer), the same stream make_network uses, so a pretrained arm
// starts from the weights of the arm without pretraining.
template <class T>
DenseLayer<T> initial_encoder(const LayerTask<T>& task, const SchemeContext<T>& ctx);

}  // namespace lw
