#include "layerwise/core/check.hpp"

namespace lw {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

void require_io(bool ok, const std::string& message) {
  if (!ok) throw std::runtime_error(message);
}

}  // namespace lw
