#include "layerwise/core/random.hpp"

#include <cmath>
#include <numbers>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// FNV-1a over the name, then mixed with the parent seed and the index.
std::uint64_t derive_seed(std::uint64_t seed, std::string_view name, std::uint64_t index) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  std::uint64_t x = seed ^ 0x5851F42D4C957F2DULL;
  std::uint64_t a = splitmix64(x) ^ h;
  std::uint64_t b = splitmix64(a) ^ index;
  return splitmix64(b);
}

}  // namespace

Rng::Rng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  double u1 = 0;
  while (u1 == 0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_normal_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

double Rng::normal(double mean, double sd) { return mean + sd * normal(); }

std::uint64_t Rng::below(std::uint64_t n) {
  require(n > 0, "Rng::below(): n must be > 0");
  // Lemire's nearly divisionless method with rejection: exact uniformity.
  __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

bool Rng::bernoulli(double p) { return uniform() < p; }

void Rng::bernoulli_fill(double p, std::uint8_t* out, std::size_t n) {
  std::uint64_t s0 = s_[0], s1 = s_[1], s2 = s_[2], s3 = s_[3];  // next_u64 with the state in
  for (std::size_t i = 0; i < n; ++i) {                            // registers
    const std::uint64_t result = rotl(s1 * 5, 7) * 9;
    const std::uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 45);
    out[i] = static_cast<double>(result >> 11) * 0x1.0p-53 < p ? 1 : 0;  // uniform() < p
  }
  s_[0] = s0;
  s_[1] = s1;
  s_[2] = s2;
  s_[3] = s3;
}

Rng Rng::fork(std::string_view name, std::uint64_t index) const {
  return Rng(derive_seed(seed_, name, index));
}

Rng make_rng(std::uint64_t seed, std::string_view stream, std::uint64_t index) {
  return Rng(derive_seed(seed, stream, index));
}

template <class T>
void fill_uniform(arma::Mat<T>& m, Rng& rng, double lo, double hi) {
  for (auto& v : m) v = static_cast<T>(rng.uniform(lo, hi));
}

template <class T>
void fill_normal(arma::Mat<T>& m, Rng& rng, double mean, double sd) {
  for (auto& v : m) v = static_cast<T>(rng.normal(mean, sd));
}

arma::uvec permutation(arma::uword n, Rng& rng) {
  arma::uvec p(n);
  for (arma::uword i = 0; i < n; ++i) p[i] = i;
  for (arma::uword i = n; i > 1; --i) std::swap(p[i - 1], p[rng.below(i)]);
  return p;
}

template void fill_uniform(arma::Mat<float>&, Rng&, double, double);
template void fill_uniform(arma::Mat<double>&, Rng&, double, double);
template void fill_normal(arma::Mat<float>&, Rng&, double, double);
template void fill_normal(arma::Mat<double>&, Rng&, double, double);

}  // namespace lw
