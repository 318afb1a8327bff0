#include "layerwise/nn/loss.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>

#include "support/error_of.hpp"
#include <cmath>
#include <stdexcept>
#include <string>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/gradient_check.hpp"

namespace {

using lw::test::error_of;

using lw::Loss;
namespace tt = boost::test_tools;

const Loss all_losses[] = {Loss::softmax_cross_entropy, Loss::sigmoid_cross_entropy,
                           Loss::squared_error};

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_loss)

BOOST_AUTO_TEST_CASE(names_round_trip_and_unknown_names_list_the_known_ones) {
  for (Loss loss : all_losses) BOOST_TEST((lw::parse_loss(lw::to_string(loss)) == loss));
  const std::string msg = error_of([] { lw::parse_loss("hinge"); });
  BOOST_TEST(msg.find("hinge") != std::string::npos);
  for (Loss loss : all_losses) BOOST_TEST(msg.find(lw::to_string(loss)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(softmax_cross_entropy_matches_hand_computation) {
  // Column 1: o = (1, 2, 3), y = e_3: l = log(e + e^2 + e^3) - 3 = 0.4076059644443803
  // Column 2: o = (0, 0, 0), y = e_1: l = log 3.
  const arma::mat O = {{1, 0}, {2, 0}, {3, 0}};
  const arma::mat Y = {{0, 1}, {0, 0}, {1, 0}};
  const double expected = (0.4076059644443803 + std::log(3.0)) / 2;
  BOOST_TEST(lw::loss_value(Loss::softmax_cross_entropy, O, Y) == expected, tt::tolerance(1e-14));
  arma::mat dO;
  const double l = lw::loss_gradient(Loss::softmax_cross_entropy, O, Y, dO);
  BOOST_TEST(l == expected, tt::tolerance(1e-14));
  const double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  BOOST_TEST(dO(0, 0) == std::exp(1.0) / s / 2, tt::tolerance(1e-14));
  BOOST_TEST(dO(2, 0) == (std::exp(3.0) / s - 1) / 2, tt::tolerance(1e-14));
  BOOST_TEST(dO(0, 1) == (1.0 / 3 - 1) / 2, tt::tolerance(1e-14));
  BOOST_TEST(dO(1, 1) == 1.0 / 6, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(sigmoid_cross_entropy_matches_hand_computation) {
  // Units: (o, y) = (0, 1): log 2;  (2, 0): log(1 + e^2);  (-1, 0.25): 0.25 log(1+e) + 0.75
  // log(1+e^-1)
  const arma::mat O = arma::vec{0.0, 2.0, -1.0};
  const arma::mat Y = arma::vec{1.0, 0.0, 0.25};
  const double expected = std::log(2.0) + std::log1p(std::exp(2.0)) +
                          0.25 * std::log1p(std::exp(1.0)) + 0.75 * std::log1p(std::exp(-1.0));
  arma::mat dO;
  BOOST_TEST(lw::loss_gradient(Loss::sigmoid_cross_entropy, O, Y, dO) == expected,
             tt::tolerance(1e-14));
  BOOST_TEST(dO(0, 0) == -0.5, tt::tolerance(1e-14));
  BOOST_TEST(dO(1, 0) == 1 / (1 + std::exp(-2.0)), tt::tolerance(1e-14));
  BOOST_TEST(dO(2, 0) == 1 / (1 + std::exp(1.0)) - 0.25, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(squared_error_is_half_the_sum_of_squares_averaged_over_the_batch) {
  const arma::mat O = {{1.0, 0.0}, {2.0, -1.0}};
  const arma::mat Y = {{0.0, 0.0}, {0.0, 2.0}};
  // Column sums of squares: 1 + 4 = 5 and 0 + 9 = 9; l = (5/2 + 9/2) / 2 = 3.5.
  arma::mat dO;
  BOOST_TEST(lw::loss_gradient(Loss::squared_error, O, Y, dO) == 3.5);
  BOOST_TEST(arma::approx_equal(dO, arma::mat{{0.5, 0.0}, {1.0, -1.5}}, "absdiff", 1e-15));
}

BOOST_AUTO_TEST_CASE(cross_entropies_stay_finite_and_correct_for_huge_logits) {
  {
    const arma::mat O = {{1000, -1000, 1000}, {-1000, 1000, 1000}};
    const arma::mat Y = {{1, 1, 1}, {0, 0, 0}};
    // Losses per column: 0, 2000, log 2.
    arma::mat dO;
    const double l = lw::loss_gradient(Loss::softmax_cross_entropy, O, Y, dO);
    BOOST_TEST(l == (2000 + std::log(2.0)) / 3, tt::tolerance(1e-14));
    BOOST_TEST(dO.is_finite());
    BOOST_TEST(arma::approx_equal(dO, arma::mat{{0, -1, -0.5}, {0, 1, 0.5}} / 3, "absdiff", 1e-15));
    arma::fmat dOf;
    const double lf = lw::loss_gradient(Loss::softmax_cross_entropy,
                                        arma::fmat(arma::conv_to<arma::fmat>::from(O)),
                                        arma::fmat(arma::conv_to<arma::fmat>::from(Y)), dOf);
    BOOST_TEST(lf == (2000 + std::log(2.0)) / 3, tt::tolerance(1e-6));
    BOOST_TEST(dOf.is_finite());
  }
  {
    const arma::mat O = {{1000, -1000, 1000, -1000}};
    const arma::mat Y = {{0, 0, 1, 1}};
    // Per unit: 1000, 0, 0, 1000.
    arma::mat dO;
    BOOST_TEST(lw::loss_gradient(Loss::sigmoid_cross_entropy, O, Y, dO) == 500.0,
               tt::tolerance(1e-14));
    BOOST_TEST(arma::approx_equal(dO, arma::mat{{1, 0, 0, -1}} / 4, "absdiff", 1e-15));
    arma::fmat dOf;
    const double lf = lw::loss_gradient(Loss::sigmoid_cross_entropy,
                                        arma::fmat(arma::conv_to<arma::fmat>::from(O)),
                                        arma::fmat(arma::conv_to<arma::fmat>::from(Y)), dOf);
    BOOST_TEST(lf == 500.0, tt::tolerance(1e-6));
    BOOST_TEST(dOf.is_finite());
  }
}

BOOST_AUTO_TEST_CASE(gradients_agree_with_central_differences_of_the_value) {
  lw::Rng rng = lw::make_rng(11, "test/loss");
  arma::mat O(4, 5), Y(4, 5);
  lw::fill_normal(O, rng, 0.0, 2.0);
  for (Loss loss : all_losses) {
    BOOST_TEST_CONTEXT(lw::to_string(loss)) {
      lw::fill_uniform(Y, rng, 0.0, 1.0);
      if (loss == Loss::softmax_cross_entropy) Y.each_row() /= arma::sum(Y, 0);  // distributions
      arma::mat dO;
      lw::loss_gradient(loss, O, Y, dO);
      const arma::mat numeric = lw::numeric_gradient([&] { return lw::loss_value(loss, O, Y); }, O);
      BOOST_TEST(lw::max_relative_error(dO, numeric) < 1e-7);
    }
  }
}

BOOST_AUTO_TEST_CASE(float_and_double_losses_agree) {
  lw::Rng rng = lw::make_rng(12, "test/loss");
  arma::mat O(6, 8), Y(6, 8);
  lw::fill_normal(O, rng, 0.0, 3.0);
  lw::fill_uniform(Y, rng, 0.0, 1.0);
  Y.each_row() /= arma::sum(Y, 0);
  const arma::fmat Of = arma::conv_to<arma::fmat>::from(O), Yf = arma::conv_to<arma::fmat>::from(Y);
  for (Loss loss : all_losses)
    BOOST_TEST(lw::loss_value(loss, Of, Yf) == lw::loss_value(loss, O, Y), tt::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(loss_rejects_mismatched_shapes_and_empty_batches) {
  arma::mat dO;
  const std::string msg = error_of(
      [&] { lw::loss_gradient(Loss::squared_error, arma::mat(3, 2), arma::mat(2, 3), dO); });
  BOOST_TEST(msg.find("3x2") != std::string::npos);
  BOOST_CHECK_THROW(lw::loss_value(Loss::softmax_cross_entropy, arma::mat(3, 0), arma::mat(3, 0)),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(softmax_probabilities_sum_to_one_per_column) {
  arma::mat O = {{1, 1000, -1000, 0.5}, {2, 999, -1000, -0.5}, {3, -1000, -999, 0.0}};
  lw::to_probabilities(Loss::softmax_cross_entropy, O);
  BOOST_TEST(O.is_finite());
  BOOST_TEST(O.min() >= 0.0);
  for (arma::uword j = 0; j < O.n_cols; ++j)
    BOOST_TEST(arma::accu(O.col(j)) == 1.0, tt::tolerance(1e-15));
  const double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  BOOST_TEST(O(2, 0) == std::exp(3.0) / s, tt::tolerance(1e-14));
  BOOST_TEST(O(0, 1) == 1 / (1 + std::exp(-1.0)), tt::tolerance(1e-14));
  arma::fmat Of = {{10, -3}, {0, 80}, {-5, 80}};
  lw::to_probabilities(Loss::softmax_cross_entropy, Of);
  for (arma::uword j = 0; j < Of.n_cols; ++j)
    BOOST_TEST(arma::accu(Of.col(j)) == 1.0f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(sigmoid_probabilities_and_squared_error_outputs) {
  arma::mat O = {{0.0, 1000.0, -1000.0, 2.0}};
  arma::mat P = O;
  lw::to_probabilities(Loss::sigmoid_cross_entropy, P);
  BOOST_TEST(P(0, 0) == 0.5);
  BOOST_TEST(P(0, 1) == 1.0);
  BOOST_TEST(P(0, 2) == 0.0);
  BOOST_TEST(P(0, 3) == 1 / (1 + std::exp(-2.0)), tt::tolerance(1e-15));
  arma::mat S = O;
  lw::to_probabilities(Loss::squared_error, S);
  BOOST_TEST(arma::approx_equal(S, O, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(count_errors_compares_the_argmax_with_the_label) {
  const arma::mat O = {{0.1, 0.7, 0.3, 0.0}, {0.8, 0.2, 0.3, 0.0}, {0.1, 0.1, 0.4, 1.0}};
  // argmax per column: 1, 0, 2, 2
  BOOST_TEST(lw::count_errors(O, arma::uvec{1, 0, 2, 2}) == 0u);
  BOOST_TEST(lw::count_errors(O, arma::uvec{1, 1, 2, 0}) == 2u);
  BOOST_TEST(lw::count_errors(O, arma::uvec{0, 1, 0, 0}) == 4u);
  BOOST_TEST(lw::count_errors(arma::fmat(arma::conv_to<arma::fmat>::from(O)),
                              arma::uvec{1, 0, 0, 2}) == 1u);
  BOOST_CHECK_THROW(lw::count_errors(O, arma::uvec{1, 0}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
