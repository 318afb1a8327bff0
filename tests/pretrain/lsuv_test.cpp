// lsuv (lib/pretrain/schemes/lsuv.cpp): an orthonormal start rescaled until the layer's
// pre-activations have unit variance, through greedy pretraining like any scheme.
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "layerwise/core/random.hpp"
#include "layerwise/pretrain/greedy.hpp"
#include "support/error_of.hpp"

namespace {

// Gaussian inputs of a given scale: far from unit variance through any orthonormal matrix.
arma::mat inputs(arma::uword rows, arma::uword n, double scale, std::uint64_t seed) {
  lw::Rng rng(seed);
  arma::mat X(rows, n);
  for (double& x : X) x = scale * rng.normal() + 0.3;
  return X;
}

double variance(const lw::DenseLayer<double>& l, const arma::mat& X) {
  const arma::mat Z = (l.W * X).eval().each_col() + l.b;
  return arma::var(arma::vectorise(Z), 1);
}

lw::GreedyResult<double> run(const arma::mat& X, std::vector<arma::uword> sizes, lw::OptionOverrides o = {}) {
  const lw::GreedySpec spec{.scheme = "lsuv", .hidden_sizes = std::move(sizes),
                            .act = lw::Activation::tanh, .seed = 7, .options = std::move(o)};
  return lw::pretrain_greedy(spec, lw::GreedyData<double>{.X = X});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_lsuv)

BOOST_AUTO_TEST_CASE(every_layer_ends_with_unit_preactivation_variance_within_tol) {
  const arma::mat X = inputs(20, 2000, 5.0, 1);
  const auto r = run(X, {16, 12, 12}, {{"pretrain.lsuv.tol", "0.01"}, {"pretrain.lsuv.batch", "2000"}});
  BOOST_TEST_REQUIRE((r.status == lw::TrainStatus::complete));
  arma::mat A = X;
  for (std::size_t l = 0; l < 3; ++l) {
    BOOST_TEST_CONTEXT("layer " << l) {
      BOOST_TEST(std::abs(variance(r.layers[l], A) - 1) < 0.01);
      BOOST_TEST(arma::all(r.layers[l].b == 0.0));
      // The reported loss is |Var - 1| on the training set, one "epoch" (no training loop).
      BOOST_TEST_REQUIRE(r.reports[l].train.epochs.size() == 1u);
      BOOST_TEST(r.reports[l].train.epochs[0].train_loss < 0.01);
    }
    A = arma::tanh((r.layers[l].W * A).eval().each_col() + r.layers[l].b);
  }
}

BOOST_AUTO_TEST_CASE(the_start_is_orthonormal_and_only_rescaled) {
  const arma::mat X = inputs(20, 500, 3.0, 2);
  const auto r = run(X, {12});
  const arma::mat& W = r.layers[0].W;  // 12 x 20: orthonormal rows, times one scale
  const arma::mat G = W * W.t();
  const double c = G(0, 0);
  BOOST_TEST(c > 0);
  BOOST_TEST(arma::approx_equal(G / c, arma::eye(12, 12), "absdiff", 1e-12));
}

BOOST_AUTO_TEST_CASE(one_rescaling_is_exact_on_its_batch_and_the_loss_is_measured_on_the_whole_set) {
  const arma::mat X = inputs(20, 500, 50.0, 3);  // pre-activation variance ~2500 at the start
  // Variance is quadratic in the scale: one rescaling reaches 1 on the batch it was measured on.
  const auto whole = run(X, {12}, {{"pretrain.lsuv.max_iter", "1"}, {"pretrain.lsuv.tol", "1e-12"},
                                   {"pretrain.lsuv.batch", "500"}});
  BOOST_TEST(std::abs(variance(whole.layers[0], X) - 1) < 1e-9);
  // On a batch of 64 the whole set's variance is near 1, not at it; the loss reports that.
  const auto part = run(X, {12}, {{"pretrain.lsuv.batch", "64"}, {"pretrain.lsuv.tol", "1e-12"}});
  const double off = std::abs(variance(part.layers[0], X) - 1);
  BOOST_TEST(off > 1e-6);
  BOOST_TEST(off < 0.3);
  BOOST_TEST(part.reports[0].train.epochs.at(0).train_loss == off, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused_naming_them) {
  const arma::mat X = inputs(4, 50, 1.0, 4);
  using lw::test::error_of;
  BOOST_TEST(error_of([&] { run(X, {3}, {{"pretrain.lsuv.tol", "0"}}); }).find("pretrain.lsuv.tol must be > 0") != std::string::npos);
  BOOST_TEST(error_of([&] { run(X, {3}, {{"pretrain.lsuv.max_iter", "0"}}); }).find("pretrain.lsuv.max_iter must be >= 1") != std::string::npos);
  BOOST_TEST(error_of([&] { run(X, {3}, {{"pretrain.lsuv.start", "xavier"}}); }).find("pretrain.lsuv.start") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
