// sparse: Martens' (2010) sparse initialisation: each unit gets 15 incoming weights drawn from
// N(0, scale^2) (scale 1 by default), the others zero.
#include <layerwise/nn/init.hpp>

#include <cmath>

namespace {

arma::mat sparse(const lw::InitArgs& a, lw::Rng& rng) {
  const double sd = std::isnan(a.scale) ? 1.0 : a.scale;
  arma::mat W(a.fan_out, a.fan_in, arma::fill::zeros);
  const arma::uword k = std::min<arma::uword>(15, a.fan_in);
  for (arma::uword i = 0; i < a.fan_out; ++i) {
    const auto chosen = lw::permutation(a.fan_in, rng);
    for (arma::uword j = 0; j < k; ++j) W(i, chosen[j]) = rng.normal(0.0, sd);
  }
  return W;
}

[[maybe_unused]] const bool registered = lw::register_initializer(
    {.name = "sparse", .summary = "15 incoming N(0, 1) weights per unit (Martens 2010)", .draw = sparse});

}  // namespace
