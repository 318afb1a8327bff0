#include "layerwise/train/network_objective.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <stdexcept>

#include "layerwise/core/random.hpp"
#include "train/train_test_data.hpp"

namespace {

namespace tt = boost::test_tools;

lw::Network<double> small_net(lw::Loss loss = lw::Loss::softmax_cross_entropy) {
  auto net = lw::make_network<double>(
      {.layer_sizes = {5, 7, 4}, .hidden = lw::Activation::tanh, .loss = loss}, 9);
  lw::Rng rng = lw::make_rng(9, "test/bias");
  for (auto& layer : net.layers) lw::fill_normal(layer.b, rng, 0.0, 0.5);
  return net;
}

std::int64_t errors_by_hand(const arma::mat& O, const arma::mat& Y) {
  std::int64_t e = 0;
  for (arma::uword j = 0; j < O.n_cols; ++j) {
    arma::uword o = 0, y = 0;
    for (arma::uword i = 1; i < O.n_rows; ++i) {
      if (O(i, j) > O(o, j)) o = i;
      if (Y(i, j) > Y(y, j)) y = i;
    }
    if (o != y) ++e;
  }
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_network_objective)

BOOST_AUTO_TEST_CASE(compute_gives_the_loss_and_gradients_of_forward_and_backward) {
  auto net = small_net();
  const lw::Network<double> copy = net;
  const auto d = lw::test::blobs<double>(9, 5, 4, 1.0, 0.0, 2, "test/batch");
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(1, "dropout"));
  const lw::BatchResult r = objective.compute(d.X, d.Y);

  lw::Trace<double> trace;
  lw::Gradients<double> grads;
  lw::forward(copy, d.X, trace);
  const double loss = lw::backward(copy, trace, d.Y, grads);
  BOOST_TEST(r.loss == loss);
  BOOST_TEST(r.errors == errors_by_hand(trace.output(), d.Y));
  BOOST_TEST(r.errors > 0);  // a random network misclassifies some of the batch
  BOOST_REQUIRE(objective.gradients() != nullptr);
  BOOST_REQUIRE(objective.gradients()->layers.size() == 2u);
  for (std::size_t l = 0; l < 2; ++l) {
    const auto& g = objective.gradients()->layers[l];
    BOOST_TEST(arma::approx_equal(g.dW, grads.layers[l].dW, "absdiff", 0.0));
    BOOST_TEST(arma::approx_equal(g.db, grads.layers[l].db, "absdiff", 0.0));
    BOOST_TEST(arma::approx_equal(g.delta, grads.layers[l].delta, "absdiff", 0.0));
  }
  BOOST_TEST(arma::approx_equal(objective.trace()->output(), trace.output(), "absdiff", 0.0));
  BOOST_TEST(objective.network() == &net);
  // compute() does not update: the weights are untouched.
  BOOST_TEST(arma::approx_equal(net.layers[0].W, copy.layers[0].W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(evaluate_is_the_mean_loss_and_error_count_over_the_whole_set) {
  auto net = small_net();
  // 2500 examples: evaluate works in chunks of 1000, the last one partial.
  const auto d = lw::test::blobs<double>(2500, 5, 4, 1.0, 0.1, 2, "test/set");
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(1, "dropout"));
  const auto batch = lw::test::blobs<double>(9, 5, 4, 1.0, 0.0, 2, "test/batch");
  objective.compute(batch.X, batch.Y);
  const arma::mat dW_before = objective.gradients()->layers[0].dW;
  const lw::Network<double> copy = net;

  const lw::BatchResult r = objective.evaluate(d.X, d.Y);
  lw::Trace<double> trace;
  lw::forward(copy, d.X, trace);
  const double expected = lw::loss_value(copy.loss, trace.output(), d.Y);
  BOOST_TEST(r.loss == expected, tt::tolerance(1e-12));
  BOOST_TEST(r.errors == errors_by_hand(trace.output(), d.Y));
  // evaluate() changes nothing: weights and the last compute()'s gradients stay.
  BOOST_TEST(arma::approx_equal(net.layers[0].W, copy.layers[0].W, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(objective.gradients()->layers[0].dW, dW_before, "absdiff", 0.0));
  BOOST_TEST(objective.evaluate(d.X, d.Y).loss == r.loss);  // repeatable
  BOOST_CHECK_THROW(objective.evaluate(d.X, batch.Y), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(errors_are_counted_against_one_hot_targets_and_absent_for_regression) {
  const arma::mat O = {{0.9, 0.1, 0.3, -1.0}, {0.05, 0.8, 0.3, 2.0}, {0.05, 0.1, 0.4, 0.0}};
  const arma::mat Y = {{1, 0, 1, 0}, {0, 0, 0, 1}, {0, 1, 0, 0}};
  // column 0 right, 1 wrong (1 vs 2), 2 wrong (2 vs 0), 3 right
  BOOST_TEST(lw::count_errors_one_hot(O, Y) == 2);
  BOOST_TEST(lw::count_errors_one_hot(arma::fmat(arma::conv_to<arma::fmat>::from(O)),
                                      arma::fmat(arma::conv_to<arma::fmat>::from(Y))) == 2);

  auto net = small_net(lw::Loss::squared_error);
  const auto d = lw::test::blobs<double>(9, 5, 4, 1.0, 0.0, 2, "test/batch");
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(1, "dropout"));
  BOOST_TEST(objective.compute(d.X, d.Y).errors == -1);
  BOOST_TEST(objective.evaluate(d.X, d.Y).errors == -1);
}

BOOST_AUTO_TEST_CASE(parameters_list_each_layer_weights_then_biases) {
  auto net = small_net();
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(1, "dropout"));
  const auto d = lw::test::blobs<double>(9, 5, 4, 1.0, 0.0, 2, "test/batch");
  objective.compute(d.X, d.Y);
  const auto params = objective.parameters();
  BOOST_REQUIRE(params.size() == 4u);
  for (std::size_t l = 0; l < 2; ++l) {
    BOOST_TEST(params[2 * l].value == &net.layers[l].W);
    BOOST_TEST(params[2 * l].decay);
    BOOST_TEST(params[2 * l].grad == &objective.gradients()->layers[l].dW);
    BOOST_TEST(params[2 * l + 1].value == static_cast<arma::mat*>(&net.layers[l].b));
    BOOST_TEST(!params[2 * l + 1].decay);
    BOOST_TEST(params[2 * l + 1].grad ==
               static_cast<const arma::mat*>(&objective.gradients()->layers[l].db));
  }
}

BOOST_AUTO_TEST_CASE(after_update_applies_max_norm_to_every_weight_row_but_not_biases) {
  auto net = small_net();
  net.layers[0].W.row(0).fill(2.0);   // norm 2 sqrt(5) > 1.5
  net.layers[0].W.row(1).fill(0.1);   // norm 0.1 sqrt(5) < 1.5
  net.layers[1].W.row(2).fill(-3.0);  // norm 3 sqrt(7)
  net.layers[1].b.fill(10.0);
  const lw::Network<double> before = net;
  lw::NetworkObjective<double> objective(net, lw::NetworkObjectiveConfig{{}, 1.5},
                                         lw::make_rng(1, "dropout"));
  objective.after_update();
  for (const auto& layer : net.layers)
    for (arma::uword i = 0; i < layer.W.n_rows; ++i)
      BOOST_TEST(arma::norm(layer.W.row(i), 2) <= 1.5 + 1e-12);
  BOOST_TEST(arma::norm(net.layers[0].W.row(0), 2) == 1.5, tt::tolerance(1e-12));
  BOOST_TEST(net.layers[0].W(0, 3) == 1.5 / std::sqrt(5.0), tt::tolerance(1e-12));
  BOOST_TEST(arma::approx_equal(net.layers[0].W.row(1), before.layers[0].W.row(1), "absdiff", 0.0));
  BOOST_TEST(net.layers[1].W(2, 0) == -1.5 / std::sqrt(7.0), tt::tolerance(1e-12));
  BOOST_TEST(arma::approx_equal(net.layers[1].b, before.layers[1].b, "absdiff", 0.0));

  // max_norm 0: after_update changes nothing.
  auto other = before;
  lw::NetworkObjective<double> off(other, {}, lw::make_rng(1, "dropout"));
  off.after_update();
  BOOST_TEST(arma::approx_equal(other.layers[0].W, before.layers[0].W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(invalid_settings_are_rejected) {
  auto net = small_net();
  BOOST_CHECK_THROW(lw::NetworkObjective<double>(net, {.dropout = {1.0}}, lw::make_rng(1, "d")),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::NetworkObjective<double>(net, {.dropout = {-0.1}}, lw::make_rng(1, "d")),
                    std::invalid_argument);
  BOOST_CHECK_THROW(
      lw::NetworkObjective<double>(net, lw::NetworkObjectiveConfig{{}, -1}, lw::make_rng(1, "d")),
      std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
