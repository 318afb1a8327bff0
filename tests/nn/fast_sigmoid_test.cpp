// The vectorised float32 sigmoid kernels against double-precision std::exp references.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "layerwise/nn/fast_sigmoid.hpp"

namespace {

double sigmoid_ref(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Inputs from -100 to 100, denser near 0, plus the edges of the clamp.
std::vector<float> inputs() {
  std::vector<float> x;
  for (int i = -20000; i <= 20000; ++i) x.push_back(static_cast<float>(i) * 0.005f);  // [-100, 100]
  for (float v : {-1e30f, -88.0f, -87.0f, -86.9f, -1e-30f, 0.0f, 1e-30f, 86.9f, 87.0f, 88.0f, 1e30f})
    x.push_back(v);
  return x;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_fast_sigmoid)

BOOST_AUTO_TEST_CASE(float_sigmoid_is_within_a_few_ulp_of_the_double_reference) {
  const std::vector<float> z = inputs();
  const arma::uword rows = 7, cols = z.size() / rows;
  const std::vector<float> b{0.0f, 0.5f, -0.5f, 3.0f, -3.0f, 1e-3f, 0.0f};
  std::vector<float> a(rows * cols);
  lw::sigmoid_columns(z.data(), b.data(), a.data(), rows, cols);
  double max_abs = 0, max_rel = 0;
  for (arma::uword j = 0; j < cols; ++j)
    for (arma::uword i = 0; i < rows; ++i) {
      const double x = static_cast<double>(z[j * rows + i]) + static_cast<double>(b[i]);
      const double ref = sigmoid_ref(static_cast<double>(static_cast<float>(x)));
      const double got = a[j * rows + i];
      BOOST_REQUIRE(std::isfinite(got) && got >= 0.0 && got <= 1.0);
      max_abs = std::max(max_abs, std::abs(got - ref));
      if (ref > 1e-30) max_rel = std::max(max_rel, std::abs(got - ref) / ref);
    }
  BOOST_TEST_MESSAGE("float sigmoid: max abs error " << max_abs << ", max rel error " << max_rel);
  BOOST_TEST(max_abs < 2.5e-7);   // a few float ulps near 1
  BOOST_TEST(max_rel < 1e-6);     // where it is representable, also for tiny values
}

BOOST_AUTO_TEST_CASE(in_place_equals_out_of_place_bit_for_bit) {
  std::vector<float> z = inputs();
  z.resize(z.size() - z.size() % 5);
  const std::vector<float> b{0.25f, -1.0f, 0.0f, 2.0f, -0.125f};
  std::vector<float> out(z.size());
  lw::sigmoid_columns(z.data(), b.data(), out.data(), 5, z.size() / 5);
  lw::sigmoid_columns(z.data(), b.data(), z.data(), 5, z.size() / 5);
  BOOST_TEST(z == out);
}

BOOST_AUTO_TEST_CASE(float_sigmoid_cross_entropy_matches_the_double_version) {
  std::vector<float> o = inputs();
  std::vector<float> y(o.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = (i % 3 == 0) ? 1.0f : (i % 3 == 1 ? 0.0f : 0.3f);
  std::vector<double> od(o.begin(), o.end()), yd(y.begin(), y.end()), dd(o.size());
  std::vector<float> d(o.size());
  // Every length modulo the 16 lanes and the 512-chunk boundary.
  for (const std::size_t n : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{511},
                              std::size_t{513}, o.size()}) {
    BOOST_TEST_CONTEXT("n = " << n) {
      const double lf = lw::sigmoid_xent(o.data(), y.data(), d.data(), n, 0.5f);
      const double ld = lw::sigmoid_xent(od.data(), yd.data(), dd.data(), n, 0.5);
      BOOST_TEST(std::abs(lf - ld) <= 1e-6 * std::max(1.0, std::abs(ld)));
      double max_d = 0;
      for (std::size_t i = 0; i < n; ++i) max_d = std::max(max_d, std::abs(d[i] - dd[i]));
      BOOST_TEST(max_d < 2e-7);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
