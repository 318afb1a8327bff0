#pragma once
// Explicit, portable randomness (README, Architecture; core/streams.hpp names a run's streams).
//
// Rng is xoshiro256** seeded through splitmix64; every distribution is implemented here, so the
// same seed gives the same numbers with any standard library. There is no global generator: every
// function that draws takes an Rng&. Streams are derived by name from one seed,
//   make_rng(seed, "init/hidden", l), make_rng(seed, "finetune/shuffle"), ...
// and a run's streams are named in one place, core/streams.hpp. Different names (or indices)
// give statistically independent streams.
#include <armadillo>
#include <cstdint>
#include <string_view>

namespace lw {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next_u64();
  double uniform();                          // [0, 1), 53 random bits
  double uniform(double lo, double hi);      // [lo, hi)
  double normal();                           // N(0, 1), Box-Muller
  double normal(double mean, double sd);
  std::uint64_t below(std::uint64_t n);      // uniform integer in [0, n), unbiased; n > 0
  bool bernoulli(double p);                  // true with probability p
  // The next n draws of bernoulli(p) as 1/0 into out: the same as n calls, only faster.
  void bernoulli_fill(double p, std::uint8_t* out, std::size_t n);

  // An independent child stream, named: deterministic in (this stream's seed, name, index).
  Rng fork(std::string_view name, std::uint64_t index = 0) const;

 private:
  std::uint64_t seed_;
  std::uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

Rng make_rng(std::uint64_t seed, std::string_view stream, std::uint64_t index = 0);

// Fill in column-major order, one draw per element.
template <class T> void fill_uniform(arma::Mat<T>& m, Rng& rng, double lo, double hi);
template <class T> void fill_normal(arma::Mat<T>& m, Rng& rng, double mean, double sd);

// A uniformly random permutation of 0 .. n-1 (Fisher-Yates).
arma::uvec permutation(arma::uword n, Rng& rng);

}  // namespace lw
