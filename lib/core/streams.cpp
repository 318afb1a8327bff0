#include "layerwise/core/streams.hpp"

#include <string>

namespace lw::stream {

Rng scheme_stream(std::uint64_t seed, std::string_view scheme, std::string_view name,
                  std::uint64_t layer) {
  std::string stream = "pretrain/";
  stream.append(scheme).append("/").append(name);
  return make_rng(seed, stream, layer);
}

}  // namespace lw::stream
