#pragma once
// Precondition checks that throw. Messages follow "function(): what is wrong (value)".
//   require(ok, msg)        -> std::invalid_argument   (bad arguments, options, configs, data)
//   require_io(ok, msg)     -> std::runtime_error      (files, the system)
#include <sstream>
#include <stdexcept>
#include <string>

namespace lw {

void require(bool ok, const std::string& message);
void require_io(bool ok, const std::string& message);

// Builds a message from streamable parts: cat("f(): width must be > 0 (", w, ")").
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

}  // namespace lw
