// The RBM objective: CD-k against the exact log-likelihood gradient of a tiny RBM, and learning.
#include "layerwise/pretrain/rbm_objective.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "pretrain_test_data.hpp"
#include "layerwise/train/train.hpp"

namespace {

constexpr arma::uword n_visible = 4, n_hidden = 3;

arma::vec sigmoid(const arma::vec& z) {
  return 1 / (1 + arma::exp(-z));
}

arma::vec bits(arma::uword code, arma::uword n) {
  arma::vec v(n);
  for (arma::uword i = 0; i < n; ++i) v[i] = static_cast<double>((code >> i) & 1u);
  return v;
}

// d mean_data log p(v) / d(W, b, c), by enumerating all 2^(4+3) joint states:
//   dW = <p(h|v) v^T>_data - <h v^T>_model,  db = <p(h|v)>_data - <h>_model,
//   dc = <v>_data - <v>_model.
struct Grad {
  arma::mat W;
  arma::vec b, c;
};
Grad exact_gradient(const arma::mat& W, const arma::vec& b, const arma::vec& c,
                    const arma::mat& V) {
  Grad g{arma::mat(n_hidden, n_visible, arma::fill::zeros), arma::vec(n_hidden, arma::fill::zeros),
         arma::vec(n_visible, arma::fill::zeros)};
  for (arma::uword j = 0; j < V.n_cols; ++j) {
    const arma::vec p = sigmoid(W * V.col(j) + b);
    g.W += p * V.col(j).t() / static_cast<double>(V.n_cols);
    g.b += p / static_cast<double>(V.n_cols);
    g.c += V.col(j) / static_cast<double>(V.n_cols);
  }
  double Z = 0;
  arma::mat EW(n_hidden, n_visible, arma::fill::zeros);
  arma::vec Eb(n_hidden, arma::fill::zeros), Ec(n_visible, arma::fill::zeros);
  for (arma::uword vc = 0; vc < (1u << n_visible); ++vc)
    for (arma::uword hc = 0; hc < (1u << n_hidden); ++hc) {
      const arma::vec v = bits(vc, n_visible), h = bits(hc, n_hidden);
      const double weight = std::exp(arma::dot(h, W * v) + arma::dot(b, h) + arma::dot(c, v));
      Z += weight;
      EW += weight * h * v.t();
      Eb += weight * h;
      Ec += weight * v;
    }
  g.W -= EW / Z;
  g.b -= Eb / Z;
  g.c -= Ec / Z;
  return g;
}

arma::vec flatten(const arma::mat& W, const arma::vec& b, const arma::vec& c) {
  return arma::join_cols(arma::vectorise(W), b, c);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_rbm_objective)

BOOST_AUTO_TEST_CASE(cd_k_with_long_chains_approaches_the_exact_log_likelihood_gradient) {
  lw::Rng rng = lw::make_rng(5, "test/rbm");
  lw::DenseLayer<double> layer{arma::mat(n_hidden, n_visible), arma::vec(n_hidden),
                               lw::Activation::sigmoid};
  lw::fill_normal(layer.W, rng, 0, 0.8);
  lw::fill_normal(layer.b, rng, 0, 0.5);
  // Data: 3 patterns, each repeated, so the chains' average estimates the model expectation.
  const arma::mat patterns = {{1, 1, 0}, {1, 0, 0}, {0, 1, 1}, {0, 0, 1}};
  arma::mat V = arma::repmat(patterns, 1, 1500);
  lw::RbmObjective<double> rbm(layer, 1000, lw::make_rng(6, "gibbs"));
  lw::fill_normal(rbm.visible_bias(), rng, 0, 0.5);
  rbm.compute(V, V);
  // The objective holds MINUS the CD estimate (a gradient to descend).
  const arma::vec cd = -flatten(rbm.grad_W(), rbm.grad_b(), rbm.grad_c());
  const Grad g = exact_gradient(layer.W, layer.b, rbm.visible_bias(), V);
  const arma::vec exact = flatten(g.W, g.b, g.c);
  const double cosine = arma::dot(cd, exact) / (arma::norm(cd) * arma::norm(exact));
  BOOST_TEST_MESSAGE("CD-1000 vs exact gradient: cosine " << cosine);
  BOOST_TEST(cosine > 0.98, "cosine " << cosine << "\ncd " << cd.t() << "exact " << exact.t());
  for (arma::uword i = 0; i < exact.n_elem; ++i)
    if (std::abs(exact[i]) > 0.05) {
      BOOST_TEST(cd[i] * exact[i] > 0, "entry " << i << ": cd " << cd[i] << ", exact " << exact[i]);
      BOOST_TEST(std::abs(cd[i] - exact[i]) < 0.5 * std::abs(exact[i]) + 0.02, "entry " << i);
    }
}

BOOST_AUTO_TEST_CASE(reconstruction_error_falls_over_cd1_epochs) {
  const auto p = lw_test::bars_and_stripes<float>(512, 3);
  lw::Rng init = lw::make_rng(1, "init");
  lw::DenseLayer<float> layer{arma::fmat(10, 16), arma::fvec(10, arma::fill::zeros),
                              lw::Activation::sigmoid};
  lw::fill_normal(layer.W, init, 0, 0.1);
  lw::RbmObjective<float> rbm(layer, 1, lw::make_rng(1, "gibbs"));
  lw::TrainConfig config;
  config.epochs = 15;
  config.batch_size = 32;
  config.optimizer.kind = lw::OptimizerKind::momentum;
  config.optimizer.learning_rate = 0.05;
  lw::Rng shuffle = lw::make_rng(1, "shuffle");
  const auto result = lw::train(rbm, lw::TrainData<float>{.X = p.X, .Y = p.X}, config, shuffle,
                                {.name = "pretrain", .layer = 0, .scheme = "rbm"});
  const double first = result.epochs.front().train_loss, last = result.epochs.back().train_loss;
  BOOST_TEST_MESSAGE("CD-1 reconstruction error: epoch 0 " << first << ", epoch 14 " << last);
  BOOST_TEST(last < 0.7 * first, "first " << first << ", last " << last);
  for (std::size_t e = 5; e < result.epochs.size(); ++e)
    BOOST_TEST(result.epochs[e].train_loss < result.epochs[e - 5].train_loss, "epoch " << e);
  BOOST_TEST(rbm.evaluate(p.X, p.X).loss < first);
}

BOOST_AUTO_TEST_CASE(the_rbm_needs_sigmoid_units_and_at_least_one_gibbs_step) {
  lw::DenseLayer<float> layer{arma::fmat(3, 4, arma::fill::zeros), arma::fvec(3, arma::fill::zeros),
                              lw::Activation::tanh};
  BOOST_CHECK_THROW(lw::RbmObjective<float>(layer, 1, lw::make_rng(1, "g")), std::invalid_argument);
  layer.act = lw::Activation::sigmoid;
  BOOST_CHECK_THROW(lw::RbmObjective<float>(layer, 0, lw::make_rng(1, "g")), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
