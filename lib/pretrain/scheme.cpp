#include "pretrain/scheme.hpp"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <ostream>
#include <type_traits>

#include "core/check.hpp"
#include "core/streams.hpp"
#include "nn/make_network.hpp"
#include "pretrain/scheme_parse.hpp"

namespace lw {
namespace {

std::vector<Scheme>& registry() {
  static std::vector<Scheme> all;
  return all;
}

std::vector<std::string> scheme_names() {
  std::vector<std::string> names;
  for (const auto& s : registry()) names.push_back(s.name);
  return names;
}

bool is_snake_case(const std::string& s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::islower(static_cast<unsigned char>(ch)) ||
           std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
  });
}

// The common options' own range checks (their types are checked with the rest).
// The optimizer settings of a layer's training, from the common options.
OptimizerConfig optimizer_config(const SchemeOptions& o) {
  OptimizerConfig c;
  try {
    c.kind = parse_optimizer(o.text("optimizer"));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(cat(o.dotted("optimizer"), ": ", e.what()));
  }
  c.learning_rate = o.real("learning_rate");
  c.momentum = o.real("momentum");
  c.rho = o.real("rms_decay");
  c.beta1 = o.real("beta1");
  c.beta2 = o.real("beta2");
  c.epsilon = o.real("epsilon");
  return c;
}

void check_common(const SchemeOptions& o) {
  require(o.integer("epochs") >= 1,
          cat(o.dotted("epochs"), " must be >= 1 (", o.integer("epochs"), ")"));
  require(o.integer("batch_size") >= 1,
          cat(o.dotted("batch_size"), " must be >= 1 (", o.integer("batch_size"), ")"));
  require(o.real("learning_rate") > 0,
          cat(o.dotted("learning_rate"), " must be > 0 (", o.real("learning_rate"), ")"));
  const OptimizerConfig c = optimizer_config(o);
  try {
    validate(c);
  } catch (const std::invalid_argument& e) {  // "optimizer: beta2 must be in [0, 1) (1)"
    std::string rest = std::string(e.what()).substr(std::string(e.what()).find(':') + 2);
    const std::string field = rest.substr(0, rest.find(' '));
    throw std::invalid_argument(
        cat(o.dotted(field == "rho" ? "rms_decay" : field), rest.substr(field.size())));
  }
}

}  // namespace

const std::vector<SchemeOption>& common_scheme_options() {
  static const std::vector<SchemeOption> common = {
      {"epochs", "5", "training epochs for each layer"},
      {"batch_size", "64", "minibatch size (clamped to the training set size)"},
      {"learning_rate", "0.1", "initial learning rate of the optimizer"},
      {"optimizer", "sgd", "sgd, momentum, nesterov, adagrad, rmsprop, adadelta or adam"},
      {"momentum", "0.9", "momentum, nesterov: momentum coefficient, in [0, 1)"},
      {"rms_decay", "0.9", "rmsprop, adadelta: decay of the squared-gradient average (rho), in (0, 1)"},
      {"beta1", "0.9", "adam: decay of the gradient average, in [0, 1)"},
      {"beta2", "0.999", "adam: decay of the squared-gradient average, in [0, 1)"},
      {"epsilon", "1e-08", "adagrad, rmsprop, adadelta, adam: denominator offset, > 0"},
  };
  return common;
}

bool register_scheme(Scheme scheme) {
  const std::string what = cat("register_scheme(", scheme.name, "): ");
  require(is_snake_case(scheme.name), what + "the name must be snake_case");
  require(!has_scheme(scheme.name), what + "the name is taken");
  require(scheme.pretrain_float && scheme.pretrain_double,
          what + "pretrain functions for float and double are required (use make_scheme)");
  std::vector<std::string> keys;
  for (const auto& o : common_scheme_options()) keys.push_back(o.key);
  for (const auto& o : scheme.options) {
    require(is_snake_case(o.key), cat(what, "option key must be snake_case (", o.key, ")"));
    require(std::find(keys.begin(), keys.end(), o.key) == keys.end(),
            cat(what, "option declared twice or clashes with a common option (", o.key, ")"));
    keys.push_back(o.key);
    check_option_value(cat("pretrain.", scheme.name, ".", o.key), o, o.default_value);
  }
  auto& all = registry();  // kept sorted by name: listings do not depend on the link order
  const auto at =
      std::find_if(all.begin(), all.end(), [&](const Scheme& s) { return s.name > scheme.name; });
  all.insert(at, std::move(scheme));
  return true;
}

const std::vector<Scheme>& schemes() {
  return registry();
}

bool has_scheme(std::string_view name) {
  for (const auto& s : registry())
    if (s.name == name) return true;
  return false;
}

const Scheme& find_scheme(std::string_view name) {
  for (const auto& s : registry())
    if (s.name == name) return s;
  throw std::invalid_argument(cat("find_scheme(): unknown pretraining scheme '", name,
                                  "' (known: ", join_names(scheme_names()), ")"));
}

void validate_scheme_overrides(const OptionOverrides& overrides) {
  std::vector<std::string> mentioned;
  for (const auto& [key, value] : overrides) {
    require(key.rfind("pretrain.", 0) == 0,
            cat("validate_scheme_overrides(): not a pretraining option (", key, ")"));
    const std::string rest = key.substr(9);
    const auto dot = rest.find('.');
    const std::string name = rest.substr(0, dot);
    require(dot != std::string::npos && has_scheme(name),
            cat("validate_scheme_overrides(): unknown pretraining scheme '", name, "' in ", key,
                " (known: ", join_names(scheme_names()), ")"));
    if (std::find(mentioned.begin(), mentioned.end(), name) == mentioned.end())
      mentioned.push_back(name);
  }
  for (const auto& name : mentioned) {
    const Scheme& s = find_scheme(name);
    const SchemeOptions options(s, overrides);  // unknown options, malformed values
    check_common(options);
    if (s.check) s.check(options);
  }
}

void write_scheme_list(std::ostream& out) {
  std::vector<std::pair<std::string, std::vector<const SchemeOption*>>> rows;
  std::size_t width = 0;
  for (const auto& s : registry()) {
    std::vector<const SchemeOption*> all;
    for (const auto& o : common_scheme_options()) all.push_back(&o);
    for (const auto& o : s.options) all.push_back(&o);
    for (const auto* o : all)
      width = std::max(width, s.name.size() + o->key.size() + o->default_value.size() + 13);
    rows.emplace_back(s.name, std::move(all));
  }
  out << "Pretraining schemes (an arm of --inits <name>; options as --pretrain.<name>.<key> <value>,\n"
         "or key = value under [pretrain.<name>] in a config file):\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Scheme& s = registry()[i];
    out << "\n" << s.name << "  " << s.summary << (s.needs_labels ? "  [uses labels]" : "") << "\n";
    for (const auto* o : rows[i].second) {
      const std::string dotted = cat("pretrain.", s.name, ".", o->key, " = ", o->default_value);
      out << "  " << std::left << std::setw(static_cast<int>(width)) << dotted << " " << o->help;
      if (!o->choices.empty()) out << " {" << join_names(o->choices) << "}";
      out << "\n";
    }
  }
}

template <class T>
Rng SchemeContext<T>::fork(std::string_view name) const {
  return stream::scheme_stream(seed, options.scheme(), name, static_cast<std::uint64_t>(layer));
}

template <class T>
TrainConfig SchemeContext<T>::train_config(arma::uword n_train) const {
  check_common(options);
  TrainConfig c;
  c.epochs = static_cast<int>(options.integer("epochs"));
  c.batch_size = std::min<arma::uword>(static_cast<arma::uword>(options.integer("batch_size")),
                                       std::max<arma::uword>(n_train, 1));
  c.optimizer = optimizer_config(options);
  c.patience = 0;
  c.monitor = Monitor::valid_loss;
  c.restore_best = false;
  return c;
}

template <class T>
SchemeResult<T> run_scheme(const Scheme& scheme, const LayerTask<T>& task,
                           const SchemeContext<T>& ctx) {
  const std::string what = cat("run_scheme(", scheme.name, ", layer ", task.layer, "): ");
  require(task.X.n_cols > 0 && task.X.n_rows > 0, what + "empty input");
  require(task.fan_out > 0, what + "fan_out must be > 0");
  require(ctx.options.scheme() == scheme.name,
          cat(what, "options belong to scheme ", ctx.options.scheme()));
  if (scheme.needs_labels) {
    require(task.labels && task.labels->n_elem == task.X.n_cols && task.n_classes > 0,
            what + "this scheme needs one label per example and n_classes");
    require(
        !task.X_valid || (task.valid_labels && task.valid_labels->n_elem == task.X_valid->n_cols),
        what + "this scheme needs one label per validation example");
  }
  check_common(ctx.options);
  if (scheme.check) scheme.check(ctx.options);
  SchemeResult<T> result;
  if constexpr (std::is_same_v<T, float>)
    result = scheme.pretrain_float(task, ctx);
  else
    result = scheme.pretrain_double(task, ctx);
  const DenseLayer<T>& l = result.layer;
  require(l.W.n_rows == task.fan_out && l.W.n_cols == task.fan_in() && l.b.n_elem == task.fan_out &&
              l.act == task.act,
          cat(what, "returned a ", l.W.n_rows, "x", l.W.n_cols, " ", to_string(l.act),
              " layer; expected ", task.fan_out, "x", task.fan_in(), " ", to_string(task.act)));
  return result;
}

template <class T>
DenseLayer<T> initial_encoder(const LayerTask<T>& task, const SchemeContext<T>& ctx) {
  Rng rng = stream::hidden_init(ctx.seed, static_cast<std::uint64_t>(task.layer));
  return make_layer<T>(task.fan_in(), task.fan_out, task.act, task.init, task.init_scale, rng);
}

template struct SchemeContext<float>;
template struct SchemeContext<double>;
template SchemeResult<float> run_scheme(const Scheme&, const LayerTask<float>&,
                                        const SchemeContext<float>&);
template SchemeResult<double> run_scheme(const Scheme&, const LayerTask<double>&,
                                         const SchemeContext<double>&);
template DenseLayer<float> initial_encoder(const LayerTask<float>&, const SchemeContext<float>&);
template DenseLayer<double> initial_encoder(const LayerTask<double>&, const SchemeContext<double>&);

}  // namespace lw
