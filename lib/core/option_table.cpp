#include "layerwise/core/option_table.hpp"

#include <sstream>

namespace lw {

OptionTable& OptionTable::flag(const std::string& name, bool& field, const std::string& help) {
  description_.add_options()(name.c_str(),
                             boost::program_options::value(&field)
                                 ->default_value(field, field ? "true" : "false")
                                 ->implicit_value(true, "true"),
                             help.c_str());
  push(name, [&field] { return ConfigValue(field); });
  return *this;
}

OptionTable& OptionTable::add(const OptionTable& section) {
  description_.add(section.description_);
  rows_.insert(rows_.end(), section.rows_.begin(), section.rows_.end());
  return *this;
}

std::vector<ConfigEntry> OptionTable::entries() const {
  std::vector<ConfigEntry> out;
  out.reserve(rows_.size());
  for (const Row& row : rows_) out.push_back({row.name, row.value()});
  return out;
}

std::string OptionTable::shown(double v) {
  std::ostringstream text;
  text << v;
  return text.str();
}

}  // namespace lw
