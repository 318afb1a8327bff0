#include "layerwise/experiment/config.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>
#include <vector>

#include "layerwise/core/build_info.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/experiment/axes.hpp"
#include "layerwise/experiment/options.hpp"
#include "layerwise/nn/activation.hpp"
#include "layerwise/nn/init.hpp"
#include "layerwise/train/optimizer.hpp"
#include "layerwise/train/train.hpp"

namespace po = boost::program_options;

namespace lw {
TrainConfig finetune_defaults() {
  TrainConfig t;
  t.patience = 5;
  return t;
}

OptionTable describe_options(ExperimentConfig& c) {
  OptionTable grid("Grid and run options");
  grid.add("experiment", c.experiment, "name of the experiment: its results subfolder")
      .add("results", c.results, "results root folder")
      .add("depths", c.depths, "numbers of hidden layers, e.g. 1,2,3 or 1-5")
      .add("inits", c.inits,
           "arms: initializers (uniform, xavier, he, ...) and/or pretraining schemes (ae, dae, ...)")
      .add("seeds", c.seeds, "seeds, e.g. 1-3 or 1,5,9")
      .add("activations", c.activations,
           "hidden activations: identity, sigmoid, tanh, relu, leaky_relu, softsign")
      .add("width", c.widths, "hidden layer widths, e.g. 500 or 500,1000")
      .add("output_init", c.output_init,
           "initializer of the output layer of every arm (a paired design), or arm: each "
           "initializer arm's own, xavier after pretraining (the papers' random arm)")
      .add("pretrain_init", c.pretrain_init, "initial encoder weights of pretrained arms")
      .add("init_scale", c.init_scale,
           "a of uniform_scaled, sigma of normal, gain of orthogonal; 0: their defaults")
      .add("precision", c.precision, "float32 or float64")
      .add("threads", c.threads,
           "BLAS threads per process; 0: OpenBLAS's default (all cores), or 1 per rank under MPI")
      .flag("overwrite", c.overwrite, "redo runs whose complete results exist");
  OptionTable data("Data [data]");
  describe_options(data, c.data);
  OptionTable ft("Fine-tuning [finetune]");
  auto& f = c.finetune;
  auto& t = f.train;
  auto& o = t.optimizer;
  ft.add("finetune.epochs", t.epochs, "maximum epochs")
      .add("finetune.batch_size", t.batch_size, "minibatch size")
      .add("finetune.learning_rate", o.learning_rate, "learning rate (> 0)")
      .choice("finetune.optimizer", o.kind, parse_optimizer, to_string,
              "sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam")
      .add("finetune.momentum", o.momentum, "momentum / nesterov coefficient")
      .add("finetune.rms_decay", o.rho,
           "rmsprop, adadelta: decay of the squared-gradient average (rho)")
      .add("finetune.beta1", o.beta1, "adam: decay of the gradient average")
      .add("finetune.beta2", o.beta2, "adam: decay of the squared-gradient average")
      .add("finetune.epsilon", o.epsilon, "adagrad, rmsprop, adadelta, adam: denominator offset")
      .add("finetune.weight_decay", o.weight_decay, "L2 weight decay on weights")
      .add("finetune.clip_norm", o.clip_norm, "clip the global gradient norm; 0: off")
      .choice("finetune.schedule", o.schedule, parse_schedule, to_string,
              "learning-rate schedule by epoch: constant, step, exponential, inverse_time")
      .add("finetune.gamma", o.gamma, "decay factor of step and exponential schedules")
      .add("finetune.step_size", o.step_size, "epochs between step-schedule decays")
      .add("finetune.decay", o.decay, "inverse_time decay: r0 / (1 + decay * epoch)")
      .add("finetune.dropout", f.dropout, "dropout rate of hidden layers, in [0, 1)")
      .add("finetune.input_dropout", f.input_dropout, "dropout rate of the input, in [0, 1)")
      .add("finetune.max_norm", f.max_norm, "max-norm bound on each unit's weights; 0: off")
      .add("finetune.patience", t.patience,
           "early stopping: epochs without improvement; 0: never stop early")
      .add("finetune.min_delta", t.min_delta, "early stopping: minimum improvement")
      .choice("finetune.monitor", t.monitor, parse_monitor, to_string,
              "early-stopping metric: valid_error or valid_loss")
      .add("finetune.noise_sd", f.noise_sd, "augmentation: Gaussian input noise sd; 0: off")
      .add("finetune.max_shift", f.max_shift, "augmentation: random image shifts (pixels)");
  OptionTable pre("Pretraining [pretrain]");
  pre.flag("pretrain.freeze", c.pretrain.freeze, "after pretraining, train only the output layer")
      .flag("pretrain.reuse", c.pretrain.reuse,
            "pretrain each distinct layer once and reuse it in every run whose stack starts with it "
            "(<experiment>/stacks/; the same numbers); --pretrain.reuse=false trains every run's own");
  OptionTable log("Logging [log]");
  log.add("log.every", c.log.every, "layer statistics every N steps (and at step 0)")
      .flag("log.weights", c.log.weights, "store initial, pretrained and best weights")
      .flag("log.model", c.log.model,
            "save each run's best network as <experiment>/models/<run_id>.h5 (for build/bin/evaluate)");
  OptionTable all;
  all.add(grid).add(data).add(ft).add(pre).add(log);
  return all;
}

std::vector<long> parse_int_list(const std::string& option, const std::string& text) {
  constexpr std::size_t max_entries = 10000;  // ranges are expanded in memory
  std::vector<long> out;
  std::stringstream in(text);
  std::string item;
  const auto bad = [&] {
    return std::invalid_argument(cat("--", option, ": '", text,
                                     "' is not a list of whole numbers such as 1,2,3 or 1-5"));
  };
  if (!text.empty() && text.back() == ',') throw bad();  // getline drops a last empty entry
  while (std::getline(in, item, ',')) {
    if (item.empty()) throw bad();
    const auto dash = item.find('-', 1);
    long lo = 0, hi = 0;
    try {
      std::size_t used = 0;
      if (dash == std::string::npos) {
        lo = hi = std::stol(item, &used);
        if (used != item.size()) throw bad();
      } else {
        lo = std::stol(item.substr(0, dash), &used);
        if (used != dash) throw bad();
        const std::string rest = item.substr(dash + 1);
        hi = std::stol(rest, &used);
        if (used != rest.size() || hi < lo) throw bad();
      }
    } catch (const std::logic_error&) {
      throw bad();
    }
    require(static_cast<unsigned long>(hi) - static_cast<unsigned long>(lo) < max_entries - out.size(),
            cat("--", option, ": more than ", max_entries, " entries (at ", item, ")"));
    for (long v = lo;; ++v) {  // stops at hi without stepping past it (hi may be LONG_MAX)
      out.push_back(v);
      if (v == hi) break;
    }
  }
  if (out.empty()) throw bad();
  std::vector<long> sorted = out;
  std::sort(sorted.begin(), sorted.end());
  const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
  require(twice == sorted.end(), cat("--", option, ": ", twice == sorted.end() ? 0 : *twice,
                                     " appears twice in '", text, "'"));
  return out;
}

std::vector<std::string> parse_name_list(const std::string& option, const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  require(text.empty() || text.back() != ',', cat("--", option, ": empty name in '", text, "'"));
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    require(b != std::string::npos, cat("--", option, ": empty name in '", text, "'"));
    out.push_back(item.substr(b, e - b + 1));
  }
  require(!out.empty(), cat("--", option, ": the list is empty"));
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      require(out[i] != out[j], cat("--", option, ": '", out[i], "' appears twice"));
  return out;
}

ParsedArgs parse_arguments(int argc, const char* const* argv, ExperimentConfig& cfg,
                           const OptionTable& extra, const po::options_description& parsed_only) {
  ParsedArgs parsed;
  po::options_description generic("General");
  generic.add_options()
      ("help,h", "show this help and exit")
      ("version", "show versions and exit")
      ("config", po::value(&parsed.config_file), "INI file of options (command line wins)")
      ("dry-run", "list the runs of the grid and their files, run nothing")
      ("list-schemes", "list the pretraining schemes and their options");
  OptionTable table = describe_options(cfg);
  table.add(extra);
  AxisOptions axes;
  std::vector<std::string> keys;
  for (const auto& e : table.entries()) keys.push_back(e.key);
  for (const auto& option : parsed_only.options()) keys.push_back(option->long_name());
  const po::options_description sections = axes.sections(keys);  // [grid] and [search]: hidden
  po::options_description visible;
  visible.add(generic).add(axes.command_line()).add(table.description()).add(parsed_only);
  po::options_description all;  // the command line: no grid.<key>, only --grid key=...
  all.add(visible);
  po::options_description settings;
  settings.add(table.description()).add(parsed_only).add(sections);
  std::ostringstream help_text;
  help_text << visible;
  parsed.help = help_text.str();
  const po::variables_map vm = parse_options(argc, argv, all, settings);
  parsed.show_help = vm.count("help") > 0;
  parsed.version = vm.count("version") > 0;
  parsed.dry_run = vm.count("dry-run") > 0;
  parsed.list_schemes = vm.count("list-schemes") > 0;
  parsed.effective = table.entries();
  std::vector<std::string> given;  // the options named on the command line
  for (int i = 1; i < argc; ++i)
    if (const std::string arg = argv[i]; arg.rfind("--", 0) == 0) given.push_back(arg.substr(2, arg.find('=') - 2));
  cfg.axes = axes.merge(given);
  return parsed;
}

void validate_experiment_name(const std::string& name) {
  require(!name.empty() && name != "." && name != ".." &&
              name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789._-") == std::string::npos,
          cat("--experiment: '", name, "' must be one folder name of letters, digits, . _ - "
              "(not . or ..)"));
}

void validate(const ExperimentConfig& c) {
  for (long d : parse_int_list("depths", c.depths))
    require(d >= 1 && d <= 100, cat("--depths: depth must be between 1 and 100 (", d, ")"));
  for (long s : parse_int_list("seeds", c.seeds))
    require(s >= 0, cat("--seeds: seeds must be >= 0 (", s, ")"));
  for (long w : parse_int_list("width", c.widths))
    require(w >= 1, cat("--width: width must be >= 1 (", w, ")"));
  for (const auto& a : parse_name_list("activations", c.activations)) {
    try {
      parse_activation(a);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(cat("--activations: ", e.what()));
    }
  }
  parse_name_list("inits", c.inits);
  validate_experiment_name(c.experiment);
  require(c.precision == "float32" || c.precision == "float64",
          cat("--precision: '", c.precision, "' must be float32 or float64"));
  require(c.threads >= 0 && c.threads <= 64,
          cat("--threads: must be between 0 (OpenBLAS's default) and 64 (", c.threads, ")"));
  require(c.init_scale >= 0, cat("--init_scale: must be >= 0 (", c.init_scale, ")"));
  require(has_initializer(c.output_init) || c.output_init == "arm",
          cat("--output_init: unknown initializer '", c.output_init, "' (known: ", initializer_names(),
              "; or arm: each arm's own)"));
  require(has_initializer(c.pretrain_init), cat("--pretrain_init: unknown initializer '", c.pretrain_init,
                                                "' (known: ", initializer_names(), ")"));
  require(c.log.every >= 1, cat("--log.every: must be >= 1 (", c.log.every, ")"));
  const auto& f = c.finetune;
  require(f.train.epochs >= 1, cat("--finetune.epochs: must be >= 1 (", f.train.epochs, ")"));
  require(f.train.batch_size >= 1,
          cat("--finetune.batch_size: must be >= 1 (", f.train.batch_size, ")"));
  require(f.train.optimizer.learning_rate > 0,
          cat("--finetune.learning_rate: must be > 0 (", f.train.optimizer.learning_rate, ")"));
  require(f.dropout >= 0 && f.dropout < 1,
          cat("--finetune.dropout: must be in [0, 1) (", f.dropout, ")"));
  require(f.input_dropout >= 0 && f.input_dropout < 1,
          cat("--finetune.input_dropout: must be in [0, 1) (", f.input_dropout, ")"));
  require(f.train.patience >= 0,
          cat("--finetune.patience: must be >= 0 (", f.train.patience, ")"));
  require(f.max_norm >= 0, cat("--finetune.max_norm: must be >= 0 (", f.max_norm, ")"));
  require(f.noise_sd >= 0, cat("--finetune.noise_sd: must be >= 0 (", f.noise_sd, ")"));
  require(f.max_shift >= 0, cat("--finetune.max_shift: must be >= 0 (", f.max_shift, ")"));
  try {
    const arma::uword any = std::numeric_limits<arma::uword>::max();
    validate(f.train, any);
  } catch (const std::invalid_argument& e) {  // "optimizer: momentum must be ..." and the like
    const std::string what = e.what();
    const std::string rest = what.substr(what.find(':') + 2);  // "momentum must be ..."
    const auto space = rest.find(' ');
    throw std::invalid_argument(cat("--finetune.", rest.substr(0, space), ":", rest.substr(space)));
  }
  validate(c.data);
}

}  // namespace lw

#include "layerwise/pretrain/scheme.hpp"

namespace lw {

po::options_description describe_scheme_options(std::map<std::string, std::string>& overrides) {
  po::options_description d("Pretraining schemes [pretrain.<scheme>] (see --list-schemes)");
  for (const auto& scheme : schemes()) {
    std::vector<SchemeOption> all = common_scheme_options();
    all.insert(all.end(), scheme.options.begin(), scheme.options.end());
    for (const auto& opt : all) {
      const std::string key = "pretrain." + scheme.name + "." + opt.key;
      d.add_options()(key.c_str(),
                      po::value<std::string>()->notifier(
                          [&overrides, key](const std::string& v) { overrides[key] = v; }),
                      cat(opt.help, " (default ", opt.default_value, ")").c_str());
    }
  }
  return d;
}

}  // namespace lw

namespace lw {

double run_memory_lower_bound(const ExperimentConfig& cfg, long depth, long width, arma::uword n_features,
                              arma::uword n_classes) {
  const double w = static_cast<double>(width);
  const double parameters = (static_cast<double>(n_features) + 1) * w +
                            static_cast<double>(depth - 1) * (w + 1) * w +
                            (w + 1) * static_cast<double>(n_classes);
  return 3 * parameters * (cfg.precision == "float64" ? 8.0 : 4.0);
}

void validate_for_data(const ExperimentConfig& c, const Split& split) {
  const arma::uword n_train = split.train.X.n_cols;
  if (const double ram = physical_memory_bytes(); ram > 0) {
    const auto depths = parse_int_list("depths", c.depths);
    const long depth = *std::max_element(depths.begin(), depths.end());
    for (long width : parse_int_list("width", c.widths)) {
      const double need = run_memory_lower_bound(c, depth, width, split.info.n_features, split.info.n_classes);
      char gb[64];
      std::snprintf(gb, sizeof gb, "%.3g GB, but this machine has %.3g GB", need / 1e9, ram / 1e9);
      require(need < ram, cat("--width ", width, ": a depth-", depth, " network of that width on ",
                              split.info.n_features, " features needs at least ", gb,
                              " (parameters, gradients and the best weights, ", c.precision, ")"));
    }
  }
  require(split.train.X.n_rows > 0,
          cat("--data.source ", c.data.source, ": the data has no features (", c.data.path, ")"));
  if (c.finetune.max_shift > 0) {
    const Dataset& d = split.train;
    require(d.image_rows > 0 && d.image_rows * d.image_cols == d.X.n_rows,
            cat("--finetune.max_shift: needs image data, but --data.source ", c.data.source,
                " gives ", d.X.n_rows, " features without an image shape"));
    require(static_cast<arma::uword>(c.finetune.max_shift) < std::min(d.image_rows, d.image_cols),
            cat("--finetune.max_shift: ", c.finetune.max_shift, " pixels is not smaller than the ",
                d.image_rows, "x", d.image_cols, " images"));
  }
  require(c.finetune.train.batch_size <= n_train,
          cat("--finetune.batch_size: larger than the training set (", c.finetune.train.batch_size,
              " > ", n_train, " examples)"));
  require(c.data.n_labeled <= n_train,
          cat("--data.n_labeled: more labeled examples than the training set has (", c.data.n_labeled,
              " > ", n_train, ")"));
  require(c.data.n_labeled == 0 || c.finetune.train.batch_size <= c.data.n_labeled,
          cat("--finetune.batch_size: larger than the labeled examples (", c.finetune.train.batch_size,
              " > data.n_labeled ", c.data.n_labeled, ")"));
  // What each scheme's layers will be given: refused here, not after the first runs.
  const auto depths = parse_int_list("depths", c.depths);
  SchemeInputs inputs{.depth = static_cast<std::size_t>(*std::max_element(depths.begin(), depths.end())),
                      .data_min = split.train.X.n_elem ? static_cast<double>(split.train.X.min()) : 0.0,
                      .data_max = split.train.X.n_elem ? static_cast<double>(split.train.X.max()) : 0.0};
  for (const auto& arm : parse_name_list("inits", c.inits)) {
    if (!has_scheme(arm)) continue;
    const Scheme& scheme = find_scheme(arm);
    const SchemeOptions options(scheme, c.pretrain.options);
    if (scheme.check_inputs)
      for (const auto& act : parse_name_list("activations", c.activations)) {
        inputs.act = parse_activation(act);
        try {
          scheme.check_inputs(options, inputs);
        } catch (const std::exception& e) {
          throw std::invalid_argument(cat("--inits ", arm, " with --activations ", act, " on --data.source ",
                                          c.data.source, ": ", e.what()));
        }
      }
    if (scheme.closed_form) continue;  // closed form: no batches
    const long batch = options.integer("batch_size");
    require(static_cast<arma::uword>(batch) <= n_train,
            cat("--", options.dotted("batch_size"), ": larger than the training set (", batch,
                " > ", n_train, " examples)"));
  }
}

}  // namespace lw
