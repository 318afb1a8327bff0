#include "layerwise/experiment/run.hpp"
#include "layerwise/experiment/stack_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "layerwise/core/check.hpp"
#include "layerwise/core/streams.hpp"
#include "layerwise/experiment/axes.hpp"
#include "layerwise/experiment/labeled.hpp"
#include "layerwise/instrument/loggers.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/frozen_objective.hpp"
#include "layerwise/io/checkpoint.hpp"
#include "layerwise/pretrain/greedy.hpp"
#include "layerwise/train/augment.hpp"
#include "layerwise/train/network_objective.hpp"
#include "layerwise/train/train.hpp"

namespace lw {
namespace {

using Clock = std::chrono::steady_clock;

// The data in precision T: float32 data is used in place, float64 gets a converted copy.
template <class T>
const arma::Mat<T>& in_precision(const arma::fmat& X, arma::Mat<T>& storage) {
  if constexpr (std::is_same_v<T, float>) {
    return X;
  } else {
    storage = arma::conv_to<arma::Mat<T>>::from(X);
    return storage;
  }
}

template <class T>
void write_all_weights(RunFile& file, WeightStage stage, const Network<T>& net) {
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    file.write_weights(stage, l, net.layers[l].W, net.layers[l].b);
}

RunStatus to_run_status(TrainStatus s) {
  switch (s) {
    case TrainStatus::complete: return RunStatus::complete;
    case TrainStatus::diverged: return RunStatus::diverged;
    case TrainStatus::interrupted: return RunStatus::interrupted;
  }
  return RunStatus::failed;
}

template <class T>
RunOutcome run_typed(const ExperimentConfig& grid_cfg, const RunSpec& run, const Split& split,
                     const std::vector<ConfigEntry>& effective, const std::string& command_line,
                     SweepProgress* progress, const std::atomic<bool>* stop) {
  const auto started = Clock::now();
  const ExperimentConfig cfg = with_values(grid_cfg, run.values);  // the run's own options
  RunOutcome outcome;
  RunFile file(experiment_dir(cfg),
               RunHeader{.run_id = run.run_id, .experiment = cfg.experiment,
                         .seed = static_cast<std::int64_t>(run.seed), .command_line = command_line},
               cfg.overwrite);
  const std::vector<ConfigEntry> config = run_config(grid_cfg, run, effective);
  file.write_config(config);
  // Few labels (labeled.hpp): fine-tuning sees X_labeled; pretraining all of X.
  const arma::uvec labeled = labeled_subset(split.train.X.n_cols, cfg.data.n_labeled, run.seed);
  const bool all_labeled = labeled.n_elem == split.train.X.n_cols;
  DataInfo data_info = split.info;
  data_info.n_labeled = labeled.n_elem;
  file.write_data(data_info);

  arma::Mat<T> x_store, xv_store, xt_store, xl_store;
  const arma::Mat<T>& X = in_precision(split.train.X, x_store);
  const arma::Mat<T>& Xv = in_precision(split.valid.X, xv_store);
  const arma::Mat<T>& Xt = in_precision(split.test.X, xt_store);
  const arma::uvec y_labeled = all_labeled ? arma::uvec() : arma::uvec(split.train.y.elem(labeled));
  if (!all_labeled) xl_store = X.cols(labeled);
  const arma::Mat<T>& X_labeled = all_labeled ? X : xl_store;
  const arma::uvec& labels = all_labeled ? split.train.y : y_labeled;
  const arma::Mat<T> Y = arma::conv_to<arma::Mat<T>>::from(one_hot(labels, split.info.n_classes));
  const arma::Mat<T> Yv = arma::conv_to<arma::Mat<T>>::from(one_hot(split.valid.y, split.info.n_classes));
  const arma::Mat<T> Yt = arma::conv_to<arma::Mat<T>>::from(one_hot(split.test.y, split.info.n_classes));

  NetworkSpec spec;
  spec.layer_sizes.push_back(split.info.n_features);
  for (long d = 0; d < run.depth; ++d) spec.layer_sizes.push_back(run.width);
  spec.layer_sizes.push_back(split.info.n_classes);
  spec.hidden = parse_activation(run.activation);
  spec.init = run.pretrained ? cfg.pretrain_init : run.arm;
  spec.output_init = output_init_of(cfg, run);
  if (cfg.init_scale > 0) spec.init_scale = cfg.init_scale;

  std::optional<ConsoleProgress<T>> console;
  std::vector<Observer<T>*> observers;
  if (progress) observers.push_back(&console.emplace(run.run_id, *progress));
  Network<T> net;
  if (run.pretrained) {
    // Each layer's epochs reach the file as they end (PretrainLogger), flushed.
    PretrainLogger<T> pretrain_logger(file,
                                      SchemeOptions(find_scheme(run.arm), cfg.pretrain.options).entries());
    std::vector<Observer<T>*> pretrain_observers{&pretrain_logger};
    pretrain_observers.insert(pretrain_observers.end(), observers.begin(), observers.end());
    GreedySpec gspec{.scheme = run.arm,
                     .hidden_sizes = std::vector<arma::uword>(run.depth, run.width),
                     .act = spec.hidden, .init = cfg.pretrain_init, .init_scale = spec.init_scale,
                     .seed = run.seed, .options = cfg.pretrain.options};
    // A scheme that needs labels has only the labeled examples; the others see every one.
    const bool labels_only = find_scheme(run.arm).needs_labels;
    GreedyData<T> gdata{.X = labels_only ? X_labeled : X, .X_valid = &Xv,
                        .labels = labels_only ? &labels : &split.train.y,
                        .valid_labels = &split.valid.y, .n_classes = split.info.n_classes};
    const StackHeader stack_id = stack_header(config, split.info.checksum);
    std::optional<StackStore<T>> store;
    if (cfg.pretrain.reuse) store.emplace(experiment_dir(cfg), stack_id, stop);
    file.write_pretrain_stack(stack_id.key, store ? store->file_name() : "");
    GreedyResult<T> stack = pretrain_greedy(gspec, gdata, TrainHooks<T>{pretrain_observers, {}, stop},
                                            store ? &*store : nullptr);
    if (stack.status != TrainStatus::complete) {
      outcome.status = to_run_status(stack.status);
      outcome.message = stack.message;
      outcome.file = file.finish(outcome.status);
      return outcome;
    }
    net = stack_network(std::move(stack.layers),
                        OutputSpec{.n_outputs = split.info.n_classes, .act = spec.output,
                                   .loss = spec.loss, .init = spec.output_init,
                                   .init_scale = spec.init_scale},
                        run.seed);
  } else {
    net = make_network<T>(spec, run.seed);
  }
  NetworkInfo info{.depth = run.depth, .layer_sizes = {}, .activations = {},
                   .loss = to_string(net.loss), .init = spec.init,
                   .pretrain = run.pretrained ? run.arm : "none",
                   .precision = cfg.precision};
  for (auto s : net.layer_sizes()) info.layer_sizes.push_back(static_cast<std::int64_t>(s));
  for (const auto& layer : net.layers) info.activations.push_back(to_string(layer.act));
  file.write_network(info);
  if (cfg.log.weights) write_all_weights(file, run.pretrained ? WeightStage::pretrained
                                                              : WeightStage::initial, net);

  ResultsLogger<T> logger(file, cfg.log.every);
  observers.insert(observers.begin(), &logger);
  NetworkObjectiveConfig ncfg;
  ncfg.dropout.assign(net.layers.size(), cfg.finetune.dropout);
  ncfg.dropout[0] = cfg.finetune.input_dropout;
  ncfg.max_norm = cfg.finetune.max_norm;
  NetworkObjective<T> network_objective(net, ncfg, stream::finetune_dropout(run.seed));
  FrozenLayersObjective<T> frozen(network_objective, net.layers.size() - 1);
  Objective<T>& objective = run.pretrained && cfg.pretrain.freeze
                                ? static_cast<Objective<T>&>(frozen)
                                : network_objective;
  AugmentConfig aug{.noise_sd = cfg.finetune.noise_sd, .max_shift = cfg.finetune.max_shift,
                    .image_rows = split.train.image_rows, .image_cols = split.train.image_cols};
  validate(aug, split.info.n_features);
  Rng aug_rng = stream::finetune_augment(run.seed);
  TrainHooks<T> hooks{observers, {}, stop};
  if (aug.enabled()) hooks.augment = [&](arma::Mat<T>& Xb) { augment_batch(Xb, aug, aug_rng); };
  Rng shuffle = stream::finetune_shuffle(run.seed);
  const TrainResult result =
      train(objective, TrainData<T>{X_labeled, Y, &Xv, &Yv}, cfg.finetune.train, shuffle,
            PhaseInfo{"finetune", -1, ""}, hooks);

  // Only a complete run has a test error: the weights of a diverged run are not finite, and an
  // interrupted one did not finish its protocol.
  const bool complete = result.status == TrainStatus::complete;
  Summary& s = outcome.summary;
  s.best_epoch = result.best_epoch + 1;
  s.best_valid_error = result.best_metric;
  if (result.best_epoch >= 0)
    s.best_valid_error = result.epochs[static_cast<std::size_t>(result.best_epoch)].valid_error;
  s.test_error = std::nan("");
  if (complete)
    s.test_error = static_cast<double>(objective.evaluate(Xt, Yt).errors) /
                   static_cast<double>(Xt.n_cols);
  s.epochs_run = static_cast<std::int64_t>(result.epochs.size());
  s.stopped_early = result.stopped_early;
  s.total_wall_time_s = std::chrono::duration<double>(Clock::now() - started).count();
  if (cfg.log.weights) write_all_weights(file, WeightStage::best, net);
  if (cfg.log.model && complete) {
    std::filesystem::create_directories(model_path(cfg, run.run_id).parent_path());
    save_network(model_path(cfg, run.run_id), net);
  }
  file.write_summary(s);
  outcome.status = to_run_status(result.status);
  outcome.message = result.message;
  outcome.file = file.finish(outcome.status);
  return outcome;
}

}  // namespace

RunOutcome run_one(const ExperimentConfig& cfg, const RunSpec& run, const Split& split,
                   const std::vector<ConfigEntry>& effective, const std::string& command_line,
                   SweepProgress* progress, const std::atomic<bool>* stop_requested) {
  if (cfg.precision == "float64")
    return run_typed<double>(cfg, run, split, effective, command_line, progress, stop_requested);
  return run_typed<float>(cfg, run, split, effective, command_line, progress, stop_requested);
}

std::string output_init_of(const ExperimentConfig& cfg, const RunSpec& run) {
  if (cfg.output_init != "arm") return cfg.output_init;
  return run.pretrained ? "xavier" : run.arm;
}

std::vector<ConfigEntry> run_config(const ExperimentConfig& grid_cfg, const RunSpec& run,
                                    const std::vector<ConfigEntry>& effective) {
  const ExperimentConfig cfg = with_values(grid_cfg, run.values);
  std::vector<ConfigEntry> entries;
  for (const auto& e : effective) {  // scheme options: all of the run's scheme, below
    if (e.key.rfind("pretrain.", 0) == 0 && e.key != "pretrain.freeze") continue;
    entries.push_back(e);
    ConfigEntry& own = entries.back();
    if (std::any_of(run.values.begin(), run.values.end(), [&](const auto& v) { return v.first == e.key; }))
      own.value = option_value(cfg, e.key);  // this run's value of an axis
    if (e.key == "output_init") own.value = output_init_of(cfg, run);  // "arm" resolved
  }
  entries.push_back({"run.depth", static_cast<std::int64_t>(run.depth)});
  entries.push_back({"run.arm", run.arm});
  entries.push_back({"run.activation", run.activation});
  entries.push_back({"run.width", static_cast<std::int64_t>(run.width)});
  entries.push_back({"run.seed", static_cast<std::int64_t>(run.seed)});
  if (run.pretrained)  // every option of the run's scheme, typed as declared
    for (auto& e : SchemeOptions(find_scheme(run.arm), cfg.pretrain.options).dotted_entries())
      entries.push_back(std::move(e));
  entries.push_back({"run_hash", run_hash(entries)});
  return entries;
}

const std::vector<ConfigEntry>& options_hashed_when_set() {
  static const std::vector<ConfigEntry> added{
      {"blas-kernel", std::string()},  // until 0.2.0 recorded (and hashed) only when given
      {"finetune.rms_decay", 0.9}, {"finetune.beta1", 0.9}, {"finetune.beta2", 0.999},
      {"finetune.epsilon", 1e-8}, {"data.n_labeled", std::int64_t{0}},
      {"pretrain.*.momentum", 0.9}, {"pretrain.*.rms_decay", 0.9}, {"pretrain.*.beta1", 0.9},
      {"pretrain.*.beta2", 0.999}, {"pretrain.*.epsilon", 1e-8}};
  return added;
}

namespace {

// Whether `key` is `pattern`, where a pattern's "*" stands for one scheme name.
bool matches(const std::string& key, const std::string& pattern) {
  const auto star = pattern.find('*');
  if (star == std::string::npos) return key == pattern;
  const std::string head = pattern.substr(0, star), tail = pattern.substr(star + 1);
  return key.size() > head.size() + tail.size() && key.compare(0, head.size(), head) == 0 &&
         key.compare(key.size() - tail.size(), tail.size(), tail) == 0 &&
         key.find('.', head.size()) == key.size() - tail.size();
}

bool at_default_and_hashed_when_set(const ConfigEntry& e) {
  for (const auto& d : options_hashed_when_set())
    if (matches(e.key, d.key)) return e.value == d.value;
  return false;
}

}  // namespace

std::string run_hash(const std::vector<ConfigEntry>& run_config) {
  static const std::vector<std::string> excluded{
      "results", "experiment", "threads",     "overwrite", "shard",
      "depths",  "inits",      "seeds",       "activations", "width", "run_hash"};
  std::vector<ConfigEntry> decisive;
  // The axes' lists (grid.<key>, search.<key>) stand for the run's values, as depths does.
  const auto axis_list = [](const std::string& key) {
    return key.rfind("grid.", 0) == 0 || key.rfind("search.", 0) == 0;
  };
  for (const auto& e : run_config)
    if (std::find(excluded.begin(), excluded.end(), e.key) == excluded.end() && !axis_list(e.key) &&
        !at_default_and_hashed_when_set(e))
      decisive.push_back(e);
  return config_hash(decisive);
}

std::optional<std::string> read_run_hash(const std::filesystem::path& file) {
  try {
    const h5::Object f = h5::open_file(file);
    const h5::Object g = h5::open_group(f, "config");
    if (!h5::has_attr(g, "run_hash")) return std::nullopt;
    return h5::read_attr<std::string>(g, "run_hash");
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::filesystem::path model_path(const ExperimentConfig& cfg, const std::string& run_id) {
  return experiment_dir(cfg) / "models" / (run_id + ".h5");
}

Summary read_summary(const std::filesystem::path& path) {
  Summary s;
  const h5::Object file = h5::open_file(path);
  const h5::Object g = h5::open_group(file, "summary");
  s.best_epoch = h5::read_attr<std::int64_t>(g, "best_epoch");
  s.best_valid_error = h5::read_attr<double>(g, "best_valid_error");
  s.test_error = h5::read_attr<double>(g, "test_error");
  s.epochs_run = h5::read_attr<std::int64_t>(g, "epochs_run");
  s.stopped_early = h5::read_attr<bool>(g, "stopped_early");
  s.total_wall_time_s = h5::read_attr<double>(g, "total_wall_time_s");
  return s;
}

}  // namespace lw
