#pragma once
// Whether `text` holds `part`: for asserting what a message or an output names.
#include <string>

namespace lw::test {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace lw::test
