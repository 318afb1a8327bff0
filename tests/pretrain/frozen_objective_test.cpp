#include "pretrain/frozen_objective.hpp"

#include <boost/test/unit_test.hpp>

#include "nn/make_network.hpp"
#include "pretrain_test_data.hpp"
#include "train/network_objective.hpp"
#include "train/train.hpp"

BOOST_AUTO_TEST_SUITE(pretrain_frozen_objective)

BOOST_AUTO_TEST_CASE(frozen_layers_keep_their_weights_and_the_others_train) {
  const auto p = lw_test::bars_and_stripes<float>(128, 1);
  arma::fmat Y(2, p.y.n_elem, arma::fill::zeros);
  for (arma::uword j = 0; j < p.y.n_elem; ++j) Y(p.y[j], j) = 1;
  auto net = lw::make_network<float>({.layer_sizes = {16, 8, 6, 2}}, 3);
  const auto before = net;
  lw::NetworkObjective<float> inner(net, {}, lw::make_rng(1, "dropout"));
  lw::FrozenLayersObjective<float> frozen(inner, 2);
  BOOST_TEST(frozen.parameters().size() == inner.parameters().size());
  BOOST_TEST(frozen.network() == inner.network());
  for (auto kind :
       {lw::OptimizerKind::momentum, lw::OptimizerKind::adam, lw::OptimizerKind::adadelta}) {
    lw::TrainConfig config;
    config.epochs = 2;
    config.batch_size = 16;
    config.optimizer.kind = kind;
    config.optimizer.weight_decay = 0.01;
    config.optimizer.clip_norm = 1;
    lw::Rng shuffle = lw::make_rng(1, "shuffle");
    lw::train(frozen, lw::TrainData<float>{.X = p.X, .Y = Y}, config, shuffle,
              {.name = "finetune", .layer = -1, .scheme = ""});
  }
  for (int l = 0; l < 2; ++l) {
    BOOST_TEST(arma::approx_equal(net.layers[l].W, before.layers[l].W, "absdiff", 0.0f));
    BOOST_TEST(arma::approx_equal(net.layers[l].b, before.layers[l].b, "absdiff", 0.0f));
  }
  BOOST_TEST(!arma::approx_equal(net.layers[2].W, before.layers[2].W, "absdiff", 0.0f));
  BOOST_TEST(arma::norm(inner.gradients()->layers[0].dW, "fro") > 0);  // computed, not applied
}

BOOST_AUTO_TEST_CASE(at_least_the_output_layer_must_stay_trainable) {
  auto net = lw::make_network<float>({.layer_sizes = {4, 3, 2}}, 1);
  lw::NetworkObjective<float> inner(net, {}, lw::make_rng(1, "d"));
  BOOST_CHECK_THROW(lw::FrozenLayersObjective<float>(inner, 2), std::invalid_argument);
  BOOST_CHECK_NO_THROW(lw::FrozenLayersObjective<float>(inner, 0));
}

BOOST_AUTO_TEST_SUITE_END()
