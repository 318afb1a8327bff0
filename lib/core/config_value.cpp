#include "layerwise/core/config_value.hpp"

#include <cstdio>

namespace lw {

std::string format_value(const ConfigValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

std::string config_hash(const std::vector<ConfigEntry>& entries) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& e : entries)
    for (const char c : e.key + "=" + format_value(e.value) + "\n") {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ull;
    }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace lw
