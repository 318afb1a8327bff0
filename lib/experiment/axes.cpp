#include "layerwise/experiment/axes.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "layerwise/core/check.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace po = boost::program_options;

namespace lw {
namespace {

// Options that are not a run's: where results go, how fast they are made, and the grid's own
// lists (which keep their short forms).
const std::map<std::string, std::string>& not_axes() {
  static const std::map<std::string, std::string> why{
      {"experiment", "it names the results folder"},
      {"results", "it names the results root"},
      {"threads", "it sets how fast runs are made, not what they compute"},
      {"overwrite", "it is an action, not an option of a run"},
      {"pretrain.reuse", "it sets how runs are made, not what they compute"},
      {"precision", "it sets the arithmetic of the whole sweep; run one sweep per precision"},
      {"depths", "the grid's own lists keep their short forms: --depths 1,2,3"},
      {"inits", "the grid's own lists keep their short forms: --inits uniform,xavier"},
      {"seeds", "the grid's own lists keep their short forms: --seeds 1-3"},
      {"activations", "the grid's own lists keep their short forms: --activations sigmoid,tanh"},
      {"width", "the grid's own lists keep their short forms: --width 500,1000"}};
  return why;
}

// "pretrain.<scheme>.<key>" -> scheme, else "".
std::string scheme_of(const std::string& key) {
  if (key.rfind("pretrain.", 0) != 0) return "";
  const auto dot = key.find('.', 9);
  return dot == std::string::npos ? "" : key.substr(9, dot - 9);
}

std::string where(const AxisSpec& a) { return cat(a.searched ? "--search " : "--grid ", a.key); }

// Its part of a run id: the key without its section (data., pretrain.<scheme>.: the arm names the
// scheme), fine-tuning's with ft_, logging's with log_; dots become _.
std::string short_name(const std::string& key) {
  std::string name = key;
  if (!scheme_of(key).empty()) name = key.substr(key.find('.', 9) + 1);
  else if (key.rfind("data.", 0) == 0) name = key.substr(5);
  else if (key.rfind("finetune.", 0) == 0) name = "ft_" + key.substr(9);
  else if (key.rfind("log.", 0) == 0) name = "log_" + key.substr(4);
  else if (key.rfind("pretrain.", 0) == 0) name = key.substr(9);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

std::vector<std::string> run_option_keys(const ExperimentConfig& cfg) {
  ExperimentConfig copy = cfg;
  std::vector<std::string> keys;
  for (const auto& e : describe_options(copy).entries()) keys.push_back(e.key);
  for (const auto& s : schemes())
    for (const auto& e : SchemeOptions(s).dotted_entries()) keys.push_back(e.key);
  return keys;
}

}  // namespace

AxisOptions::AxisOptions() : command_line_("Axes: any option of a run over several values") {
  command_line_.add_options()
      ("grid", po::value(&grid_)->composing(),
       "a compared axis, e.g. --grid finetune.learning_rate=0.01,0.1 (repeatable; INI: a [grid] "
       "section of key = values); a scheme's option, e.g. pretrain.dae.corruption=0.1,0.4, "
       "multiplies only its arm's runs")
      ("search", po::value(&search_)->composing(),
       "a searched axis: the same, and the table shows, for each group of compared values, the "
       "setting with the lowest mean validation error (INI: a [search] section)");
}

po::options_description AxisOptions::sections(const std::vector<std::string>& keys) {
  po::options_description d;
  for (const bool searched : {false, true})
    for (const auto& key : keys) {
      const std::string name = cat(searched ? "search." : "grid.", key);
      d.add_options()(name.c_str(), po::value<std::string>()->notifier([this, key, searched](const std::string& v) {
        from_sections_.push_back({key, v, searched});
      }));
    }
  return d;
}

std::vector<AxisSpec> AxisOptions::merge(const std::vector<std::string>& given_on_command_line) const {
  std::vector<AxisSpec> out;
  for (const bool searched : {false, true})
    for (const auto& text : searched ? search_ : grid_) {
      const auto eq = text.find('=');
      const char* flag = searched ? "--search" : "--grid";
      require(eq != std::string::npos && eq > 0,
              cat(flag, ": '", text, "' must be option=value,value,..., e.g. finetune.learning_rate=0.01,0.1"));
      AxisSpec a{text.substr(0, eq), text.substr(eq + 1), searched};
      for (const auto& b : out)
        require(b.key != a.key, cat(flag, " ", a.key, ": the axis is given twice (", where(b), "=", b.values,
                                    " and ", where(a), "=", a.values, ")"));
      out.push_back(std::move(a));
    }
  const std::size_t from_command_line = out.size();
  for (const auto& a : from_sections_) {
    // A plain option on the command line wins over the file's axis of it, as over its value.
    if (std::find(given_on_command_line.begin(), given_on_command_line.end(), a.key) != given_on_command_line.end())
      continue;
    const auto same = std::find_if(out.begin(), out.end(), [&](const AxisSpec& b) { return b.key == a.key; });
    if (same == out.end()) {
      out.push_back(a);
      continue;
    }
    // The command line wins over the file; [grid] and [search] both holding it is an error.
    require(static_cast<std::size_t>(same - out.begin()) < from_command_line,
            cat("--config: ", a.key, " is in both [grid] and [search]; an axis is compared or searched"));
  }
  return out;
}

std::string short_text(const ConfigValue& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[40];
    for (int digits = 1; digits <= 17; ++digits) {
      std::snprintf(buf, sizeof buf, "%.*g", digits, *d);
      if (std::strtod(buf, nullptr) == *d) break;
    }
    return buf;
  }
  return format_value(value);
}

ExperimentConfig with_values(const ExperimentConfig& cfg,
                             const std::vector<std::pair<std::string, std::string>>& values) {
  ExperimentConfig out = cfg;
  std::vector<std::string> args;
  for (const auto& [key, text] : values) {
    if (!scheme_of(key).empty()) out.pretrain.options[key] = text;
    else args.push_back(cat("--", key, "=", text));
  }
  if (args.empty()) return out;
  const OptionTable table = describe_options(out);  // defaults: out's values, so only args change
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(table.description())
                  .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  return out;
}

ConfigValue option_value(const ExperimentConfig& cfg, const std::string& key) {
  if (const std::string scheme = scheme_of(key); !scheme.empty()) {
    for (auto& e : SchemeOptions(find_scheme(scheme), cfg.pretrain.options).dotted_entries())
      if (e.key == key) return e.value;
  } else {
    ExperimentConfig copy = cfg;
    for (auto& e : describe_options(copy).entries())
      if (e.key == key) return e.value;
  }
  throw std::invalid_argument(cat("option_value(): no option ", key));
}

std::vector<Axis> resolve_axes(const ExperimentConfig& cfg) {
  std::vector<Axis> axes;
  if (cfg.axes.empty()) return axes;
  const auto keys = run_option_keys(cfg);
  const auto arms = parse_name_list("inits", cfg.inits);
  for (const auto& spec : cfg.axes) {
    const std::string at = where(spec);
    if (const auto no = not_axes().find(spec.key); no != not_axes().end())
      throw std::invalid_argument(cat(at, ": not an axis: ", no->second));
    if (std::find(keys.begin(), keys.end(), spec.key) == keys.end()) {
      std::string scheme = scheme_of(spec.key);
      if (!scheme.empty() && !has_scheme(scheme))
        throw std::invalid_argument(cat(at, ": unknown pretraining scheme '", scheme, "' (see --list-schemes)"));
      throw std::invalid_argument(cat(at, ": unknown option (see --help", scheme.empty() ? "" : " and --list-schemes", ")"));
    }
    for (const auto& other : axes)
      require(other.key != spec.key, cat(at, ": the axis is given twice"));
    Axis axis{.key = spec.key, .searched = spec.searched, .scheme = scheme_of(spec.key), .values = {}, .id_name = {}};
    if (!axis.scheme.empty())
      require(std::find(arms.begin(), arms.end(), axis.scheme) != arms.end(),
              cat(at, ": the arm ", axis.scheme, " is not in --inits (", cfg.inits,
                  "); an axis of a scheme's option multiplies that arm's runs"));
    for (const auto& text : parse_name_list(cat(at.substr(2)), spec.values)) {
      std::string value;
      try {
        const ExperimentConfig one = with_values(cfg, {{spec.key, text}});
        validate(one);
        validate_scheme_overrides(one.pretrain.options);
        value = short_text(option_value(one, spec.key));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(cat(at, "=", spec.values, ": the value '", text, "' is refused: ", e.what()));
      }
      require(std::find(axis.values.begin(), axis.values.end(), value) == axis.values.end(),
              cat(at, "=", spec.values, ": ", value, " appears twice"));
      axis.values.push_back(value);
    }
    axes.push_back(std::move(axis));
  }
  std::sort(axes.begin(), axes.end(), [](const Axis& a, const Axis& b) { return a.key < b.key; });
  for (auto& a : axes) a.id_name = short_name(a.key);
  // Two axes of one short name that can be in one run (data.noise and pretrain.dae.noise, not
  // pretrain.ae.learning_rate and pretrain.dae.learning_rate): full keys.
  for (auto& a : axes) {
    const auto same = std::count_if(axes.begin(), axes.end(), [&](const Axis& b) {
      return short_name(b.key) == short_name(a.key) && (a.scheme.empty() || b.scheme.empty() || a.scheme == b.scheme);
    });
    if (same > 1) {
      a.id_name = a.key;
      std::replace(a.id_name.begin(), a.id_name.end(), '.', '_');
    }
  }
  return axes;
}

std::vector<ConfigEntry> axis_entries(const std::vector<Axis>& axes) {
  std::vector<ConfigEntry> out;
  for (const auto& a : axes) {
    std::string list;
    for (const auto& v : a.values) list += (list.empty() ? "" : ",") + v;
    out.push_back({cat(a.searched ? "search." : "grid.", a.key), list});
  }
  return out;
}

}  // namespace lw
