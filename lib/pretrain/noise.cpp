#include "layerwise/pretrain/noise.hpp"

#include <algorithm>
#include <cstdint>

#include "layerwise/core/check.hpp"

namespace lw {

Noise parse_noise(std::string_view name) {
  for (Noise n : {Noise::none, Noise::masking, Noise::gaussian, Noise::salt_pepper})
    if (to_string(n) == name) return n;
  throw std::invalid_argument(cat("parse_noise(): unknown noise '", name,
                                  "' (known: none, masking, gaussian, salt_pepper)"));
}

std::string to_string(Noise noise) {
  switch (noise) {
    case Noise::none:
      return "none";
    case Noise::masking:
      return "masking";
    case Noise::gaussian:
      return "gaussian";
    case Noise::salt_pepper:
      return "salt_pepper";
  }
  return "unknown";
}

void check_noise_level(Noise noise, double level) {
  if (noise == Noise::gaussian)
    require(level >= 0, cat("corrupt(): gaussian noise sd must be >= 0 (", level, ")"));
  else if (noise != Noise::none)
    require(level >= 0 && level <= 1,
            cat("corrupt(): ", to_string(noise), " level must be in [0, 1] (", level, ")"));
}

template <class T>
void corrupt(Noise noise, double level, const arma::Mat<T>& X, arma::Mat<T>& out, Rng& rng) {
  require(&X != &out, "corrupt(): out must not alias X");
  check_noise_level(noise, level);
  out.set_size(X.n_rows, X.n_cols);
  const T* x = X.memptr();
  T* o = out.memptr();
  const arma::uword n = X.n_elem;
  switch (noise) {
    case Noise::none:
      for (arma::uword i = 0; i < n; ++i) o[i] = x[i];
      break;
    case Noise::masking: {  // the draws in blocks: rng.bernoulli(level) per element, in order
      constexpr arma::uword block = 1024;
      std::uint8_t drop[block];
      for (arma::uword first = 0; first < n; first += block) {
        const arma::uword count = std::min(block, n - first);
        rng.bernoulli_fill(level, drop, count);
        for (arma::uword k = 0; k < count; ++k) o[first + k] = drop[k] ? T(0) : x[first + k];
      }
      break;
    }
    case Noise::gaussian:
      for (arma::uword i = 0; i < n; ++i) o[i] = x[i] + static_cast<T>(level * rng.normal());
      break;
    case Noise::salt_pepper:
      for (arma::uword i = 0; i < n; ++i)
        o[i] = rng.bernoulli(level) ? (rng.bernoulli(0.5) ? T(1) : T(0)) : x[i];
      break;
  }
}

template void corrupt(Noise, double, const arma::Mat<float>&, arma::Mat<float>&, Rng&);
template void corrupt(Noise, double, const arma::Mat<double>&, arma::Mat<double>&, Rng&);

}  // namespace lw
