#include "layerwise/nn/network.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>

#include "support/error_of.hpp"
#include <cmath>
#include <stdexcept>
#include <string>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"

namespace {

using lw::test::error_of;

using lw::Activation;
using lw::Loss;
namespace tt = boost::test_tools;

double f(Activation act, double z) {
  switch (act) {
    case Activation::identity:
      return z;
    case Activation::sigmoid:
      return 1.0 / (1.0 + std::exp(-z));
    case Activation::tanh:
      return std::tanh(z);
    case Activation::relu:
      return z > 0 ? z : 0.0;
    case Activation::leaky_relu:
      return z > 0 ? z : 0.01 * z;
    case Activation::softsign:
      return z / (1.0 + std::abs(z));
  }
  return NAN;
}

// 2-2-2 network with fixed weights; both layers use `act` (squared error allows any output).
lw::Network<double> tiny(Activation act) {
  lw::Network<double> net;
  net.loss = Loss::squared_error;
  net.layers.push_back({arma::mat{{0.5, -1.0}, {2.0, 0.25}}, arma::vec{0.1, -0.2}, act});
  net.layers.push_back({arma::mat{{1.5, -0.5}, {-2.0, 1.0}}, arma::vec{0.3, 0.0}, act});
  return net;
}

lw::Network<double> random_net(std::vector<arma::uword> sizes, Activation hidden, Loss loss,
                               std::uint64_t seed) {
  auto net = lw::make_network<double>({.layer_sizes = sizes, .hidden = hidden, .loss = loss}, seed);
  lw::Rng rng = lw::make_rng(seed, "test/bias");
  for (auto& layer : net.layers) lw::fill_normal(layer.b, rng, 0.0, 0.3);
  return net;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_network)

BOOST_AUTO_TEST_CASE(forward_of_a_tiny_network_matches_hand_computation_for_each_activation) {
  // x = (1, 2):  z1 = (0.5 - 2 + 0.1, 2 + 0.5 - 0.2) = (-1.4, 2.3);  h = f(z1)
  //              z2 = (1.5 h1 - 0.5 h2 + 0.3, -2 h1 + h2);             o = f(z2)
  // x = (-0.5, 0.4): z1 = (-0.25 - 0.4 + 0.1, -1 + 0.1 - 0.2) = (-0.55, -1.1)
  const arma::mat X = {{1.0, -0.5}, {2.0, 0.4}};
  const double z1[2][2] = {{-1.4, 2.3}, {-0.55, -1.1}};
  for (Activation act : lw::all_activations()) {
    BOOST_TEST_CONTEXT(lw::to_string(act)) {
      const auto net = tiny(act);
      lw::Trace<double> trace;
      lw::forward(net, X, trace);
      BOOST_REQUIRE(trace.a.size() == 3u);
      BOOST_TEST(arma::approx_equal(trace.a[0], X, "absdiff", 0.0));
      for (int j = 0; j < 2; ++j) {
        const double h1 = f(act, z1[j][0]), h2 = f(act, z1[j][1]);
        BOOST_TEST(trace.a[1](0, j) == h1, tt::tolerance(1e-14));
        BOOST_TEST(trace.a[1](1, j) == h2, tt::tolerance(1e-14));
        BOOST_TEST(trace.output()(0, j) == f(act, 1.5 * h1 - 0.5 * h2 + 0.3), tt::tolerance(1e-14));
        BOOST_TEST(trace.output()(1, j) == f(act, -2.0 * h1 + h2), tt::tolerance(1e-14));
      }
    }
  }
  // Pinned numbers for sigmoid and relu, computed by hand:
  //   sigmoid: h = (0.197816, 0.908877) at x = (1, 2); o1 = sigmoid(0.142286) = 0.5355115
  //   relu:    h = (0, 2.3); o = relu(-1.15 + 0.3, 2.3) = (0, 2.3)
  lw::Trace<double> trace;
  lw::forward(tiny(Activation::sigmoid), X, trace);
  BOOST_TEST(trace.a[1](0, 0) == 0.19781611144141825, tt::tolerance(1e-12));
  BOOST_TEST(trace.output()(0, 0) == 0.5355115206201828, tt::tolerance(1e-12));
  lw::forward(tiny(Activation::relu), X, trace);
  BOOST_TEST(trace.output()(0, 0) == 0.0);
  BOOST_TEST(trace.output()(1, 0) == 2.3, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(sizes_and_depth_describe_the_layers) {
  const auto net = random_net({4, 7, 5, 3}, Activation::tanh, Loss::softmax_cross_entropy, 1);
  BOOST_TEST(net.depth() == 2u);
  BOOST_TEST(net.n_inputs() == 4u);
  BOOST_TEST(net.n_outputs() == 3u);
  BOOST_TEST((net.layer_sizes() == std::vector<arma::uword>{4, 7, 5, 3}));
  BOOST_TEST(lw::Network<double>{}.layer_sizes().empty());
}

BOOST_AUTO_TEST_CASE(check_network_rejects_mismatched_shapes) {
  auto good = tiny(Activation::tanh);
  BOOST_CHECK_NO_THROW(lw::check_network(good));
  BOOST_CHECK_THROW(lw::check_network(lw::Network<double>{}), std::invalid_argument);
  auto chain = good;
  chain.layers[1].W.set_size(2, 3);
  BOOST_TEST(error_of([&] { lw::check_network(chain); }).find("layer 1") != std::string::npos);
  auto bias = good;
  bias.layers[0].b.set_size(3);
  BOOST_TEST(error_of([&] { lw::check_network(bias); }).find("biases") != std::string::npos);
  auto empty = good;
  empty.layers[0].W.reset();
  BOOST_CHECK_THROW(lw::check_network(empty), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(check_network_rejects_a_cross_entropy_after_a_non_identity_output) {
  for (Loss loss : {Loss::softmax_cross_entropy, Loss::sigmoid_cross_entropy}) {
    auto net = tiny(Activation::sigmoid);
    net.loss = loss;
    const std::string msg = error_of([&] { lw::check_network(net); });
    BOOST_TEST(msg.find("identity") != std::string::npos);
    BOOST_TEST(msg.find("sigmoid") != std::string::npos);
    net.layers.back().act = Activation::identity;  // hidden layer may stay sigmoid
    BOOST_CHECK_NO_THROW(lw::check_network(net));
  }
  auto sq = tiny(Activation::sigmoid);  // squared error takes any output activation
  BOOST_CHECK_NO_THROW(lw::check_network(sq));
  lw::Network<float> netf = lw::convert<float>(tiny(Activation::relu));
  netf.loss = Loss::softmax_cross_entropy;
  BOOST_CHECK_THROW(lw::check_network(netf), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(forward_rejects_inputs_of_the_wrong_width) {
  lw::Trace<double> trace;
  BOOST_CHECK_THROW(lw::forward(tiny(Activation::tanh), arma::mat(3, 4), trace),
                    std::invalid_argument);
  lw::Trace<double> empty;
  BOOST_CHECK_THROW(lw::forward(tiny(Activation::tanh), empty), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(prepare_input_then_forward_equals_forward_of_a_matrix) {
  const auto net = random_net({3, 6, 2}, Activation::sigmoid, Loss::softmax_cross_entropy, 2);
  lw::Rng rng = lw::make_rng(2, "test/x");
  arma::mat X(3, 5);
  lw::fill_normal(X, rng, 0.0, 1.0);
  lw::Trace<double> a, b;
  lw::forward(net, X, a);
  lw::prepare_input(net, 5, b) = X;
  lw::forward(net, b);
  BOOST_TEST(arma::approx_equal(a.output(), b.output(), "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(trace_buffers_are_reused_for_batches_of_the_same_size) {
  const auto net = random_net({5, 8, 8, 3}, Activation::relu, Loss::softmax_cross_entropy, 3);
  lw::Rng rng = lw::make_rng(3, "test/x");
  arma::mat X(5, 16), Y(3, 16, arma::fill::zeros);
  Y.row(0).ones();
  lw::fill_normal(X, rng, 0.0, 1.0);
  lw::Trace<double> trace;
  lw::Gradients<double> grads;
  lw::forward(net, X, trace);
  lw::backward(net, trace, Y, grads);
  std::vector<const double*> before;
  for (const auto& a : trace.a) before.push_back(a.memptr());
  for (const auto& g : grads.layers) before.insert(before.end(), {g.dW.memptr(), g.delta.memptr()});
  lw::fill_normal(X, rng, 0.0, 1.0);
  lw::forward(net, X, trace);
  lw::backward(net, trace, Y, grads);
  std::vector<const double*> after;
  for (const auto& a : trace.a) after.push_back(a.memptr());
  for (const auto& g : grads.layers) after.insert(after.end(), {g.dW.memptr(), g.delta.memptr()});
  BOOST_TEST(before == after, tt::per_element());
}

BOOST_AUTO_TEST_CASE(backward_returns_the_loss_and_fills_every_layer) {
  const auto net = random_net({4, 5, 3}, Activation::tanh, Loss::softmax_cross_entropy, 4);
  lw::Rng rng = lw::make_rng(4, "test/x");
  arma::mat X(4, 6), Y(3, 6, arma::fill::zeros);
  lw::fill_normal(X, rng, 0.0, 1.0);
  for (arma::uword j = 0; j < 6; ++j) Y(j % 3, j) = 1;
  lw::Trace<double> trace;
  lw::Gradients<double> grads;
  lw::forward(net, X, trace);
  const double loss = lw::backward(net, trace, Y, grads);
  BOOST_TEST(loss == lw::loss_value(net.loss, trace.output(), Y));
  BOOST_TEST(grads.loss == loss);
  BOOST_REQUIRE(grads.layers.size() == 2u);
  for (std::size_t l = 0; l < 2; ++l) {
    BOOST_TEST((arma::size(grads.layers[l].dW) == arma::size(net.layers[l].W)));
    BOOST_TEST(grads.layers[l].db.n_elem == net.layers[l].b.n_elem);
    BOOST_TEST(grads.layers[l].delta.n_cols == 6u);
    // db is the sum over columns of delta; dW = delta a^T
    BOOST_TEST(arma::approx_equal(
        grads.layers[l].db, arma::vec(arma::sum(grads.layers[l].delta, 1)), "absdiff", 1e-15));
    BOOST_TEST(arma::approx_equal(
        grads.layers[l].dW, arma::mat(grads.layers[l].delta * trace.a[l].t()), "absdiff", 1e-15));
  }
  lw::Trace<double> none;
  BOOST_CHECK_THROW(lw::backward(net, none, Y, grads), std::invalid_argument);
  BOOST_CHECK_THROW(lw::backward(net, trace, arma::mat(2, 6), grads), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(forward_honours_dropout_masks) {
  const auto net = random_net({4, 6, 3}, Activation::sigmoid, Loss::softmax_cross_entropy, 5);
  lw::Rng rng = lw::make_rng(5, "test/x");
  arma::mat X(4, 3);
  lw::fill_normal(X, rng, 0.0, 1.0);
  lw::Trace<double> trace;
  trace.mask.resize(2);  // no mask on the input, one on the hidden layer
  trace.mask[1] = arma::mat(6, 3, arma::fill::value(2.0));
  trace.mask[1].row(2).zeros();
  trace.mask[1](4, 1) = 0;
  lw::forward(net, X, trace);
  BOOST_TEST(!trace.masked(0));
  BOOST_TEST(trace.masked(1));
  arma::mat h = net.layers[0].W * X;
  h.each_col() += net.layers[0].b;
  lw::activate(Activation::sigmoid, h);
  BOOST_TEST(arma::approx_equal(trace.a[1], h, "absdiff", 1e-14));  // a holds the unmasked output
  arma::mat o = net.layers[1].W * (h % trace.mask[1]);
  o.each_col() += net.layers[1].b;
  BOOST_TEST(arma::approx_equal(trace.output(), o, "absdiff", 1e-14));
  BOOST_TEST(
      arma::approx_equal(trace.layer_input(1), arma::mat(h % trace.mask[1]), "absdiff", 1e-14));
}

BOOST_AUTO_TEST_CASE(predict_equals_a_manual_forward_followed_by_softmax) {
  const auto net = random_net({5, 9, 7, 4}, Activation::relu, Loss::softmax_cross_entropy, 6);
  lw::Rng rng = lw::make_rng(6, "test/x");
  arma::mat X(5, 23);
  lw::fill_normal(X, rng, 0.0, 1.0);
  arma::mat a = X;
  for (const auto& layer : net.layers) {
    a = layer.W * a;
    a.each_col() += layer.b;
    lw::activate(layer.act, a);
  }
  arma::mat expected = arma::exp(a.each_row() - arma::max(a, 0));
  expected.each_row() /= arma::sum(expected, 0);
  const arma::mat P = lw::predict(net, X);
  BOOST_TEST(arma::approx_equal(P, expected, "absdiff", 1e-13));
  const arma::mat chunked = lw::predict(net, X, 4);  // 23 = 5 chunks of 4 and one of 3
  BOOST_TEST(arma::approx_equal(chunked, P, "absdiff", 1e-15));
  BOOST_CHECK_THROW(lw::predict(net, X, 0), std::invalid_argument);
  auto sq = net;
  sq.loss = Loss::squared_error;  // predictions are the outputs as they are
  BOOST_TEST(arma::approx_equal(lw::predict(sq, X), a, "absdiff", 1e-13));
}

BOOST_AUTO_TEST_CASE(convert_rounds_weights_and_round_trips) {
  const auto net = random_net({5, 9, 4}, Activation::tanh, Loss::sigmoid_cross_entropy, 7);
  const lw::Network<float> f = lw::convert<float>(net);
  BOOST_TEST((f.loss == net.loss));
  BOOST_REQUIRE(f.layers.size() == net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    BOOST_TEST((f.layers[l].act == net.layers[l].act));
    BOOST_TEST(arma::approx_equal(f.layers[l].W, arma::conv_to<arma::fmat>::from(net.layers[l].W),
                                  "absdiff", 0.0f));
    BOOST_TEST(arma::approx_equal(f.layers[l].b, arma::conv_to<arma::fvec>::from(net.layers[l].b),
                                  "absdiff", 0.0f));
  }
  const lw::Network<double> back = lw::convert<double>(f);
  const lw::Network<float> again = lw::convert<float>(back);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    BOOST_TEST(arma::approx_equal(back.layers[l].W, net.layers[l].W, "reldiff", 1e-7));
    BOOST_TEST(arma::approx_equal(again.layers[l].W, f.layers[l].W, "absdiff", 0.0f));  // exact
  }
  const lw::Network<double> same = lw::convert<double>(net);
  BOOST_TEST(arma::approx_equal(same.layers[0].W, net.layers[0].W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(network_is_a_value_type) {
  const auto net = random_net({3, 4, 2}, Activation::tanh, Loss::softmax_cross_entropy, 8);
  auto copy = net;
  copy.layers[0].W(0, 0) += 1.0;
  BOOST_TEST(copy.layers[0].W(0, 0) != net.layers[0].W(0, 0));
}

BOOST_AUTO_TEST_SUITE_END()
