#include "layerwise/core/fault_point.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>

namespace lw {
namespace {

struct Target {
  bool armed = false;
  std::string point;
  long remaining = 0;  // calls of `point` left before the kill
};

Target& target() {
  static Target t = [] {
    Target parsed;
    const char* value = std::getenv("LW_KILL_AT");
    if (value == nullptr || *value == '\0') return parsed;
    const auto kill_at = parse_kill_at(value);
    if (!kill_at) {
      std::cerr << "LW_KILL_AT: '" << value << "' ignored (expected <point>:<n>, n >= 1)\n";
      return parsed;
    }
    parsed.armed = true;
    parsed.point = kill_at->point;
    parsed.remaining = kill_at->n;
    return parsed;
  }();
  return t;
}

std::mutex counting;

}  // namespace

std::optional<KillAt> parse_kill_at(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  long n = 0;
  for (const char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || n > 1'000'000'000) return std::nullopt;
    n = 10 * n + (c - '0');
  }
  if (n < 1) return std::nullopt;
  return KillAt{std::string(text.substr(0, colon)), n};
}

void fault_point(std::string_view point) {
  Target& t = target();
  if (!t.armed || point != t.point) return;
  const std::lock_guard<std::mutex> lock(counting);
  if (--t.remaining == 0) std::raise(SIGKILL);
}

}  // namespace lw
