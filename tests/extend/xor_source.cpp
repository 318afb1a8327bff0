// xor: 2-d points uniform in [-1, 1]^2, labelled by the sign of x0 * x1, a training and a test pool
// of data.n_examples each, carved like every source (io/split.hpp).
#include <layerwise/io/datasets.hpp>
#include <layerwise/io/split.hpp>

namespace {

lw::Dataset xor_points(arma::uword n, lw::Rng& rng) {
  lw::Dataset d{.X = arma::fmat(2, n), .y = arma::uvec(n), .n_classes = 2};
  for (arma::uword i = 0; i < n; ++i) {
    d.X(0, i) = static_cast<float>(rng.uniform(-1, 1));
    d.X(1, i) = static_cast<float>(rng.uniform(-1, 1));
    d.y(i) = d.X(0, i) * d.X(1, i) > 0 ? 1 : 0;
  }
  return d;
}

lw::Split load_xor(const lw::DataConfig& c, lw::Rng& rng) {
  lw::Rng train_rng = rng.fork("xor/train"), test_rng = rng.fork("xor/test");
  lw::Dataset train = xor_points(c.n_examples, train_rng);
  lw::Dataset test = xor_points(c.n_examples, test_rng);
  return lw::carve_split(std::move(train), std::move(test), c, std::nullopt, rng);
}

[[maybe_unused]] const bool registered = lw::register_data_source(
    {.name = "xor", .summary = "2-d points labelled by the sign of x0 * x1 (data.n_examples)", .load = load_xor});

}  // namespace
