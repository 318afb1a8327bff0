#include "layerwise/nn/make_network.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <stdexcept>

#include "layerwise/nn/init.hpp"

namespace {

using lw::Activation;
using lw::Loss;

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_make_network)

BOOST_AUTO_TEST_CASE(layers_have_the_specified_shapes_activations_and_zero_biases) {
  const lw::NetworkSpec spec{.layer_sizes = {7, 11, 5, 3},
                             .hidden = Activation::relu,
                             .loss = Loss::sigmoid_cross_entropy,
                             .init = "he"};
  const auto net = lw::make_network<double>(spec, 1);
  BOOST_REQUIRE(net.layers.size() == 3u);
  BOOST_TEST((net.layer_sizes() == spec.layer_sizes));
  BOOST_TEST((net.loss == Loss::sigmoid_cross_entropy));
  const arma::uword fan_in[] = {7, 11, 5}, fan_out[] = {11, 5, 3};
  for (std::size_t l = 0; l < 3; ++l) {
    BOOST_TEST_CONTEXT("layer " << l) {
      BOOST_TEST(net.layers[l].W.n_rows == fan_out[l]);
      BOOST_TEST(net.layers[l].W.n_cols == fan_in[l]);
      BOOST_TEST(net.layers[l].b.n_elem == fan_out[l]);
      BOOST_TEST(arma::all(net.layers[l].b == 0.0));
      BOOST_TEST(arma::any(arma::vectorise(net.layers[l].W) != 0.0));
      BOOST_TEST((net.layers[l].act == (l < 2 ? Activation::relu : Activation::identity)));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_network_without_hidden_layers_has_one_output_layer) {
  const auto net = lw::make_network<float>({.layer_sizes = {4, 2}}, 3);
  BOOST_REQUIRE(net.layers.size() == 1u);
  BOOST_TEST(net.depth() == 0u);
  BOOST_TEST((net.layers[0].act == Activation::identity));
}

BOOST_AUTO_TEST_CASE(layers_come_from_their_named_streams) {
  const lw::NetworkSpec spec{.layer_sizes = {6, 8, 8, 4}, .init = "lecun", .output_init = "xavier"};
  const auto net = lw::make_network<double>(spec, 42);
  for (std::size_t l = 0; l < 2; ++l) {
    lw::Rng rng = lw::make_rng(42, "init/hidden", l);
    const arma::mat W = lw::init_weights<double>(
        "lecun", {.fan_in = spec.layer_sizes[l], .fan_out = spec.layer_sizes[l + 1]}, rng);
    BOOST_TEST(arma::approx_equal(net.layers[l].W, W, "absdiff", 0.0));
  }
  lw::Rng rng = lw::make_rng(42, "init/output");
  const arma::mat W = lw::init_weights<double>("xavier", {.fan_in = 8, .fan_out = 4}, rng);
  BOOST_TEST(arma::approx_equal(net.layers[2].W, W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(arms_that_differ_only_in_the_hidden_init_share_the_output_layer) {
  // The pairing property: for one seed, every arm starts from the same output weights.
  lw::NetworkSpec a{.layer_sizes = {10, 20, 20, 5}, .hidden = Activation::tanh, .init = "xavier"};
  lw::NetworkSpec b = a;
  b.init = "normal";
  b.init_scale = 0.5;
  lw::NetworkSpec c = a;
  c.init = "orthogonal";
  const auto na = lw::make_network<double>(a, 7), nb = lw::make_network<double>(b, 7),
             nc = lw::make_network<double>(c, 7);
  BOOST_TEST(!arma::approx_equal(na.layers[0].W, nb.layers[0].W, "absdiff", 0.0));
  BOOST_TEST(!arma::approx_equal(na.layers[1].W, nc.layers[1].W, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(na.layers[2].W, nb.layers[2].W, "absdiff", 0.0));
  BOOST_TEST(arma::approx_equal(na.layers[2].W, nc.layers[2].W, "absdiff", 0.0));
  // Deeper and shallower arms of one width share the output layer too.
  lw::NetworkSpec deep = a;
  deep.layer_sizes = {10, 20, 20, 20, 20, 5};
  const auto nd = lw::make_network<double>(deep, 7);
  BOOST_TEST(arma::approx_equal(na.layers.back().W, nd.layers.back().W, "absdiff", 0.0));
  // ... and the first hidden layer (same stream, same shape).
  BOOST_TEST(arma::approx_equal(na.layers[0].W, nd.layers[0].W, "absdiff", 0.0));
  // A different seed gives a different output layer.
  const auto other = lw::make_network<double>(a, 8);
  BOOST_TEST(!arma::approx_equal(na.layers[2].W, other.layers[2].W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_network) {
  const lw::NetworkSpec spec{.layer_sizes = {5, 9, 3}};
  const auto a = lw::make_network<double>(spec, 5), b = lw::make_network<double>(spec, 5);
  for (std::size_t l = 0; l < a.layers.size(); ++l)
    BOOST_TEST(arma::approx_equal(a.layers[l].W, b.layers[l].W, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(float_and_double_networks_of_one_seed_agree_to_float_precision) {
  const lw::NetworkSpec spec{.layer_sizes = {12, 30, 30, 6}, .hidden = Activation::sigmoid};
  const auto d = lw::make_network<double>(spec, 9);
  const auto f = lw::make_network<float>(spec, 9);
  for (std::size_t l = 0; l < d.layers.size(); ++l)
    BOOST_TEST(arma::approx_equal(f.layers[l].W, arma::conv_to<arma::fmat>::from(d.layers[l].W),
                                  "absdiff", 0.0f));  // the same draws, rounded
  lw::Rng rng = lw::make_rng(9, "test/x");
  arma::mat X(12, 40);
  lw::fill_normal(X, rng, 0.0, 1.0);
  const arma::mat pd = lw::predict(d, X);
  const arma::fmat pf = lw::predict(f, arma::fmat(arma::conv_to<arma::fmat>::from(X)));
  BOOST_TEST(arma::abs(arma::conv_to<arma::mat>::from(pf) - pd).max() < 1e-5);
}

BOOST_AUTO_TEST_CASE(bad_specifications_are_rejected) {
  BOOST_CHECK_THROW(lw::make_network<double>({.layer_sizes = {5}}, 1), std::invalid_argument);
  BOOST_CHECK_THROW(lw::make_network<double>({.layer_sizes = {5, 0, 3}}, 1), std::invalid_argument);
  BOOST_CHECK_THROW(lw::make_network<double>({.layer_sizes = {5, 4, 3}, .init = "nope"}, 1),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::make_network<double>({.layer_sizes = {5, 3}, .output_init = "nope"}, 1),
                    std::invalid_argument);
  // A cross-entropy after a sigmoid output layer fails check_network.
  BOOST_CHECK_THROW(lw::make_network<double>({.layer_sizes = {5, 3},
                                              .output = Activation::sigmoid,
                                              .loss = Loss::softmax_cross_entropy},
                                             1),
                    std::invalid_argument);
  BOOST_CHECK_NO_THROW(lw::make_network<double>(
      {.layer_sizes = {5, 3}, .output = Activation::sigmoid, .loss = Loss::squared_error}, 1));
}

BOOST_AUTO_TEST_CASE(make_layer_builds_one_layer_with_zero_biases) {
  lw::Rng rng = lw::make_rng(3, "test/layer");
  const auto layer = lw::make_layer<float>(4, 6, Activation::softsign, "uniform", NAN, rng);
  BOOST_TEST(layer.fan_in() == 4u);
  BOOST_TEST(layer.fan_out() == 6u);
  BOOST_TEST((layer.act == Activation::softsign));
  BOOST_TEST(arma::all(layer.b == 0.0f));
  BOOST_TEST(arma::abs(layer.W).max() < 0.5f);
}

BOOST_AUTO_TEST_SUITE_END()
