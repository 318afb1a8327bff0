#pragma once
// Runs f and returns the message of the std::invalid_argument it throws ("" if it throws none), so
// tests can assert what an error message names.
#include <stdexcept>
#include <string>

namespace lw::test {

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace lw::test
