#pragma once
// A typed option value and the ordered (key, value) list that records a run's options. One type
// for every consumer: the scheme options (pretrain/scheme.hpp), /config and /pretrain/layer_NN of
// the results file (io/results.hpp) and the run hash (experiment/run.hpp).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace lw {

using ConfigValue = std::variant<std::int64_t, double, bool, std::string>;

struct ConfigEntry {
  std::string key;  // dotted, e.g. "finetune.epochs", or a scheme option's own key, e.g. "tied"
  ConfigValue value;
};

// The value as text: int decimal, real %.17g (round-trips), bool true/false, string as is.
std::string format_value(const ConfigValue& value);

// FNV-1a 64 of the lines "key=value\n" in order (format_value), as 16 lower-case hex digits.
// Deterministic across platforms.
std::string config_hash(const std::vector<ConfigEntry>& entries);

}  // namespace lw
