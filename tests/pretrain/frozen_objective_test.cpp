#include "layerwise/pretrain/frozen_objective.hpp"

#include <boost/test/unit_test.hpp>

#include "layerwise/nn/make_network.hpp"
#include "pretrain_test_data.hpp"
#include "layerwise/train/network_objective.hpp"
#include "layerwise/train/train.hpp"

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

// Observers find a layer's update norms by the parameters' labels (train/observer.hpp): frozen
// parameters keep theirs, so a frozen layer is measured, with the zero gradient applied to it.
BOOST_AUTO_TEST_CASE(frozen_parameters_keep_their_layer_labels_and_measure_a_zero_step) {
  auto net = lw::make_network<float>({.layer_sizes = {4, 3, 3, 2}}, 1);
  lw::NetworkObjective<float> inner(net, {}, lw::make_rng(1, "d"));
  lw::FrozenLayersObjective<float> frozen(inner, 2);
  const auto params = frozen.parameters();
  BOOST_TEST_REQUIRE(params.size() == 6u);
  for (std::size_t i = 0; i < params.size(); ++i) {
    BOOST_TEST(params[i].layer == static_cast<int>(i / 2));
    BOOST_TEST((params[i].role == (i % 2 == 0 ? lw::ParamRole::weight : lw::ParamRole::bias)));
  }
  const std::vector<lw::UpdateNorms> norms{{1, 2, 3}, {4, 5, 6}, {7, 8, 9},
                                           {10, 11, 12}, {13, 14, 15}, {16, 17, 18}};
  std::vector<lw::LayerNorms> by_layer;
  lw::gather_layer_norms(params, norms, 3, by_layer);
  BOOST_TEST_REQUIRE(by_layer.size() == 3u);
  for (std::size_t l = 0; l < 3; ++l) {
    BOOST_TEST(by_layer[l].measured);
    BOOST_TEST(by_layer[l].W.grad_sq == norms[2 * l].grad_sq);
    BOOST_TEST(by_layer[l].b.step_sq == norms[2 * l + 1].step_sq);
  }
}

BOOST_AUTO_TEST_CASE(at_least_the_output_layer_must_stay_trainable) {
  auto net = lw::make_network<float>({.layer_sizes = {4, 3, 2}}, 1);
  lw::NetworkObjective<float> inner(net, {}, lw::make_rng(1, "d"));
  BOOST_CHECK_THROW(lw::FrozenLayersObjective<float>(inner, 2), std::invalid_argument);
  BOOST_CHECK_NO_THROW(lw::FrozenLayersObjective<float>(inner, 0));
}

BOOST_AUTO_TEST_SUITE_END()
