#pragma once
// Internal helpers of pretrain/scheme*.cpp: strict parsing of option values (the whole string
// must be consumed; reals must be finite) and their checks.
#include <optional>
#include <string>
#include <vector>

#include "layerwise/pretrain/scheme.hpp"

namespace lw {

std::optional<double> parse_real_value(const std::string& s);
std::optional<long> parse_integer_value(const std::string& s);
std::optional<bool> parse_flag_value(const std::string& s);     // true/false, 1/0, yes/no, on/off
std::string join_names(const std::vector<std::string>& names);  // "a, b, c"

// Throws std::invalid_argument "<dotted> must be ... (<value>)" unless value fits the option.
void check_option_value(const std::string& dotted, const SchemeOption& option,
                        const std::string& value);

}  // namespace lw
