// SchemeOptions: typed option values of one scheme (pretrain/scheme.hpp).
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "layerwise/core/check.hpp"
#include "layerwise/pretrain/scheme.hpp"
#include "layerwise/pretrain/scheme_parse.hpp"

namespace lw {

std::optional<double> parse_real_value(const std::string& s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<long> parse_integer_value(const std::string& s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front()))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<bool> parse_flag_value(const std::string& s) {
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  return std::nullopt;
}

OptionType option_type(const SchemeOption& option) {
  const std::string& d = option.default_value;
  if (d == "true" || d == "false") return OptionType::flag;
  if (parse_integer_value(d)) return OptionType::integer;
  if (parse_real_value(d)) return OptionType::real;
  return OptionType::text;
}

std::string to_string(OptionType type) {
  switch (type) {
    case OptionType::flag:
      return "flag";
    case OptionType::integer:
      return "integer";
    case OptionType::real:
      return "real";
    case OptionType::text:
      return "text";
  }
  return "unknown";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_option_value(const std::string& dotted, const SchemeOption& option,
                        const std::string& value) {
  switch (option_type(option)) {
    case OptionType::flag:
      require(parse_flag_value(value).has_value(),
              cat(dotted, " must be true or false (", value, ")"));
      break;
    case OptionType::integer:
      require(parse_integer_value(value).has_value(),
              cat(dotted, " must be an integer (", value, ")"));
      break;
    case OptionType::real:
      require(parse_real_value(value).has_value(),
              cat(dotted, " must be a finite real number (", value, ")"));
      break;
    case OptionType::text:
      if (!option.choices.empty()) {
        bool known = false;
        for (const auto& c : option.choices) known = known || c == value;
        require(known,
                cat(dotted, " must be one of ", join_names(option.choices), " (", value, ")"));
      }
      break;
  }
}

namespace {

// The checked value (check_option_value) in the type its declaration fixes.
ConfigValue typed_value(const SchemeOption& option, const std::string& value) {
  switch (option_type(option)) {
    case OptionType::flag: return *parse_flag_value(value);
    case OptionType::integer: return static_cast<std::int64_t>(*parse_integer_value(value));
    case OptionType::real: return *parse_real_value(value);
    case OptionType::text: break;
  }
  return value;
}

const char* type_name(const ConfigValue& v) {
  switch (v.index()) {
    case 0: return "an integer";
    case 1: return "a real";
    case 2: return "a flag";
  }
  return "a text";
}

}  // namespace

SchemeOptions::SchemeOptions(const Scheme& scheme, const OptionOverrides& overrides)
    : scheme_(scheme.name) {
  const std::string prefix = "pretrain." + scheme.name + ".";
  std::vector<const SchemeOption*> declared;
  for (const auto& o : common_scheme_options()) declared.push_back(&o);
  for (const auto& o : scheme.options) declared.push_back(&o);
  std::vector<std::string> known;
  for (const auto* o : declared) known.push_back(o->key);

  for (const auto& [key, value] : overrides) {
    if (key.rfind(prefix, 0) != 0) continue;
    const std::string short_key = key.substr(prefix.size());
    bool found = false;
    for (const auto* o : declared) found = found || o->key == short_key;
    require(found, cat("pretrain options: unknown option ", key, " (known for ", scheme.name, ": ",
                       join_names(known), ")"));
  }
  for (const auto* o : declared) {
    const auto it = overrides.find(prefix + o->key);
    const std::string& value = it == overrides.end() ? o->default_value : it->second;
    check_option_value(prefix + o->key, *o, value);
    values_.push_back({o->key, typed_value(*o, value)});
  }
}

const ConfigValue& SchemeOptions::value(const std::string& key) const {
  for (const auto& e : values_)
    if (e.key == key) return e.value;
  std::vector<std::string> known;
  for (const auto& e : values_) known.push_back(e.key);
  throw std::invalid_argument(cat("SchemeOptions: scheme ", scheme_, " has no option '", key,
                                  "' (known: ", join_names(known), ")"));
}

double SchemeOptions::real(const std::string& key) const {
  const ConfigValue& v = value(key);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw std::invalid_argument(cat(dotted(key), " is ", type_name(v), ", not a number"));
}

long SchemeOptions::integer(const std::string& key) const {
  const ConfigValue& v = value(key);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<long>(*i);
  throw std::invalid_argument(cat(dotted(key), " is ", type_name(v), ", not an integer"));
}

bool SchemeOptions::flag(const std::string& key) const {
  const ConfigValue& v = value(key);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  throw std::invalid_argument(cat(dotted(key), " is ", type_name(v), ", not a flag"));
}

const std::string& SchemeOptions::text(const std::string& key) const {
  const ConfigValue& v = value(key);
  if (const auto* t = std::get_if<std::string>(&v)) return *t;
  throw std::invalid_argument(cat(dotted(key), " is ", type_name(v), ", not a text"));
}

std::string SchemeOptions::dotted(const std::string& key) const {
  return "pretrain." + scheme_ + "." + key;
}

std::vector<ConfigEntry> SchemeOptions::dotted_entries() const {
  std::vector<ConfigEntry> out;
  for (const auto& e : values_) out.push_back({dotted(e.key), e.value});
  return out;
}

}  // namespace lw
