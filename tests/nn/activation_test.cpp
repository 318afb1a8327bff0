#include "layerwise/nn/activation.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>

#include "support/error_of.hpp"
#include <cmath>
#include <stdexcept>
#include <string>

namespace {

using lw::test::error_of;

// The definitions of nn/activation.hpp, written out independently of the library's loops.
double reference(lw::Activation act, double z) {
  switch (act) {
    case lw::Activation::identity:
      return z;
    case lw::Activation::sigmoid:
      return 1.0 / (1.0 + std::exp(-z));
    case lw::Activation::tanh:
      return std::tanh(z);
    case lw::Activation::relu:
      return z > 0 ? z : 0.0;
    case lw::Activation::leaky_relu:
      return z > 0 ? z : 0.01 * z;
    case lw::Activation::softsign:
      return z / (1.0 + std::abs(z));
  }
  return NAN;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_activation)

BOOST_AUTO_TEST_CASE(names_round_trip_and_unknown_names_list_the_known_ones) {
  BOOST_TEST(lw::all_activations().size() == 6u);
  for (lw::Activation act : lw::all_activations())
    BOOST_TEST((lw::parse_activation(lw::to_string(act)) == act));
  BOOST_TEST(lw::to_string(lw::Activation::leaky_relu) == "leaky_relu");
  const std::string msg = error_of([] { lw::parse_activation("swish"); });
  BOOST_TEST(msg.find("swish") != std::string::npos);
  for (lw::Activation act : lw::all_activations())
    BOOST_TEST(msg.find(lw::to_string(act)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(activate_adds_the_bias_and_matches_the_definitions) {
  const arma::mat z = {{-2.5, -0.3, 0.0, 0.7}, {3.0, -1e-4, 12.0, -40.0}};
  const arma::vec b = {0.25, -0.5};
  for (lw::Activation act : lw::all_activations()) {
    BOOST_TEST_CONTEXT(lw::to_string(act)) {
      arma::mat a;
      lw::activate(act, z, b, a);
      BOOST_REQUIRE(a.n_rows == 2u);
      BOOST_REQUIRE(a.n_cols == 4u);
      for (arma::uword j = 0; j < z.n_cols; ++j)
        for (arma::uword i = 0; i < z.n_rows; ++i)
          BOOST_TEST(a(i, j) == reference(act, z(i, j) + b(i)),
                     boost::test_tools::tolerance(1e-14));
    }
  }
}

BOOST_AUTO_TEST_CASE(activate_works_in_place_and_in_float) {
  const arma::mat z = {{-2.5, -0.3, 0.0, 0.7}, {3.0, -1e-4, 12.0, -40.0}};
  const arma::vec b = {0.25, -0.5};
  for (lw::Activation act : lw::all_activations()) {
    BOOST_TEST_CONTEXT(lw::to_string(act)) {
      arma::mat out;
      lw::activate(act, z, b, out);
      arma::mat in_place = z;
      lw::activate(act, in_place, b, in_place);
      BOOST_TEST(arma::approx_equal(in_place, out, "absdiff", 0.0));
      arma::mat no_bias = z;
      lw::activate(act, no_bias);  // the two-argument form: no bias
      for (arma::uword i = 0; i < z.n_elem; ++i)
        BOOST_TEST(no_bias[i] == reference(act, z[i]), boost::test_tools::tolerance(1e-14));
      arma::fmat zf = arma::conv_to<arma::fmat>::from(z);
      arma::fmat af;
      lw::activate(act, zf, arma::fvec(arma::conv_to<arma::fvec>::from(b)), af);
      for (arma::uword i = 0; i < z.n_elem; ++i)
        BOOST_TEST(std::abs(af[i] - out[i]) <= 1e-6 * (1 + std::abs(out[i])));
    }
  }
}

BOOST_AUTO_TEST_CASE(activate_rejects_a_bias_of_the_wrong_length) {
  const arma::mat z(3, 2, arma::fill::ones);
  arma::mat a;
  BOOST_CHECK_THROW(lw::activate(lw::Activation::sigmoid, z, arma::vec(2, arma::fill::zeros), a),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(derivative_from_the_output_agrees_with_central_differences) {
  // Points away from the relu kink at 0, where the derivative is undefined.
  const arma::rowvec zs = {-30.0, -3.0, -0.7, -0.05, 0.05, 0.4, 1.5, 6.0, 25.0};
  const double h = 1e-6;
  for (lw::Activation act : lw::all_activations()) {
    BOOST_TEST_CONTEXT(lw::to_string(act)) {
      arma::mat a = zs;
      lw::activate(act, a);
      arma::mat g(arma::size(a));
      g.fill(2.0);  // multiply_by_derivative multiplies what is there
      lw::multiply_by_derivative(act, a, g);
      for (arma::uword i = 0; i < zs.n_elem; ++i) {
        const double numeric = (reference(act, zs[i] + h) - reference(act, zs[i] - h)) / (2 * h);
        BOOST_TEST(g[i] == 2.0 * numeric, boost::test_tools::tolerance(1e-6));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(derivative_values_at_chosen_points) {
  const arma::mat a = {{0.5, 0.0, -0.5}};
  arma::mat g(1, 3, arma::fill::ones);
  lw::multiply_by_derivative(lw::Activation::sigmoid, arma::mat{{0.5, 0.25, 0.9}}, g);
  BOOST_TEST(g(0, 0) == 0.25, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(g(0, 1) == 0.1875, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(g(0, 2) == 0.09, boost::test_tools::tolerance(1e-14));
  g.ones();
  lw::multiply_by_derivative(lw::Activation::tanh, a, g);
  BOOST_TEST(g(0, 0) == 0.75);
  BOOST_TEST(g(0, 1) == 1.0);
  g.ones();
  lw::multiply_by_derivative(lw::Activation::relu, a, g);
  BOOST_TEST(g(0, 0) == 1.0);
  BOOST_TEST(g(0, 1) == 0.0);  // a relu output of 0 passes no gradient
  g.ones();
  lw::multiply_by_derivative(lw::Activation::leaky_relu, a, g);
  BOOST_TEST(g(0, 0) == 1.0);
  BOOST_TEST(g(0, 2) == 0.01);
  g.ones();
  lw::multiply_by_derivative(lw::Activation::softsign, a, g);
  BOOST_TEST(g(0, 0) == 0.25);
  BOOST_TEST(g(0, 2) == 0.25);
  arma::mat wrong(2, 3, arma::fill::ones);
  BOOST_CHECK_THROW(lw::multiply_by_derivative(lw::Activation::tanh, a, wrong),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(saturation_is_detected_near_the_bounds_only) {
  using lw::Activation;
  BOOST_TEST(lw::is_saturated(Activation::sigmoid, 0.995));
  BOOST_TEST(lw::is_saturated(Activation::sigmoid, 0.005));
  BOOST_TEST(!lw::is_saturated(Activation::sigmoid, 0.5));
  BOOST_TEST(lw::is_saturated(Activation::tanh, -0.995f));
  BOOST_TEST(!lw::is_saturated(Activation::tanh, 0.9f));
  BOOST_TEST(lw::is_saturated(Activation::softsign, 0.999));
  BOOST_TEST(lw::is_saturated(Activation::relu, 0.0));
  BOOST_TEST(!lw::is_saturated(Activation::relu, 0.1));
  BOOST_TEST(!lw::is_saturated(Activation::identity, 1e9));
  BOOST_TEST(!lw::is_saturated(Activation::leaky_relu, -5.0));
}

// The outputs over a wide sweep of inputs lie in output_range() and reach (or head for) both ends.
BOOST_AUTO_TEST_CASE(outputs_lie_in_the_output_range_and_reach_its_ends) {
  const arma::mat z = arma::linspace<arma::rowvec>(-60, 60, 1201);
  for (lw::Activation act : lw::all_activations()) {
    arma::mat a = z;
    lw::activate(act, a);
    const auto [lo, hi] = lw::output_range(act);
    BOOST_TEST_CONTEXT(lw::to_string(act)) {
      BOOST_TEST(lo < hi);
      BOOST_TEST(a.min() >= lo);
      BOOST_TEST(a.max() <= hi);
      BOOST_TEST((std::isinf(lo) ? a.min() < -0.5 : a.min() - lo < 0.05));
      BOOST_TEST((std::isinf(hi) ? a.max() > 50 : hi - a.max() < 0.05));
    }
  }
  BOOST_TEST((lw::output_range(lw::Activation::sigmoid) == std::pair{0.0, 1.0}));
  BOOST_TEST((lw::output_range(lw::Activation::tanh) == std::pair{-1.0, 1.0}));
}

BOOST_AUTO_TEST_CASE(extreme_inputs_stay_finite) {
  arma::mat z = {{-1000.0, 1000.0, -1e30, 1e30}};
  for (lw::Activation act : lw::all_activations()) {
    arma::mat a = z;
    lw::activate(act, a);
    BOOST_TEST_CONTEXT(lw::to_string(act)) {
      BOOST_TEST(a.is_finite());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
