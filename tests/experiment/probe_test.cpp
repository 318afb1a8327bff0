// probe_gradients against the layer statistics it averages, and the record the probe file stores.
#include "layerwise/experiment/probe.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"
#include "support/error_of.hpp"

namespace {

using Field = std::vector<double> lw::LayerStats::*;
const std::vector<std::pair<const char*, Field>> averaged_fields{
    {"grad_norm_W", &lw::LayerStats::grad_norm_W},     {"grad_norm_b", &lw::LayerStats::grad_norm_b},
    {"delta_norm", &lw::LayerStats::delta_norm},       {"weight_norm_W", &lw::LayerStats::weight_norm_W},
    {"act_mean", &lw::LayerStats::act_mean},           {"act_std", &lw::LayerStats::act_std},
    {"act_saturated", &lw::LayerStats::act_saturated}};

struct Batches {  // 8 examples of 6 features, 3 classes
  arma::mat X = arma::mat(6, 8), Y = arma::mat(3, 8, arma::fill::zeros);
  Batches() {
    lw::Rng rng(1);
    lw::fill_uniform(X, rng, 0.0, 1.0);
    for (arma::uword j = 0; j < 8; ++j) Y(j % 3, j) = 1;
  }
};

lw::Network<double> sample_net() {
  return lw::make_network<double>({.layer_sizes = {6, 5, 5, 3}, .hidden = lw::Activation::tanh}, 3);
}

// layer_stats of the batch of columns [first, first + n).
lw::LayerStats stats_of_batch(const lw::Network<double>& net, const Batches& d, arma::uword first,
                              arma::uword n) {
  lw::Trace<double> t;
  lw::Gradients<double> g;
  lw::forward(net, arma::mat(d.X.cols(first, first + n - 1)), t);
  lw::backward(net, t, arma::mat(d.Y.cols(first, first + n - 1)), g);
  return lw::layer_stats(net, t, g);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_probe)

BOOST_AUTO_TEST_CASE(one_batch_gives_exactly_the_layer_statistics_of_that_batch) {
  const auto net = sample_net();
  const Batches d;
  const lw::ProbeResult r = lw::probe_gradients(net, d.X, d.Y, 8, 1);
  const lw::LayerStats s = stats_of_batch(net, d, 0, 8);
  for (const auto& [name, field] : averaged_fields) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((r.mean.*field).size() == 3u);
      BOOST_TEST((r.mean.*field) == (s.*field), boost::test_tools::per_element());
    }
  }
  for (double u : r.mean.update_ratio) BOOST_TEST(std::isnan(u));  // no update
  BOOST_TEST(r.ratio_first_last == s.grad_norm_W[0] / s.grad_norm_W[2]);
  BOOST_TEST(r.n_batches == 1u);
  BOOST_TEST(r.batch_size == 8u);
}

BOOST_AUTO_TEST_CASE(probe_averages_the_layer_statistics_of_its_batches) {
  const auto net = sample_net();
  const Batches d;
  const lw::ProbeResult r = lw::probe_gradients(net, d.X, d.Y, 4, 2);
  const lw::LayerStats s0 = stats_of_batch(net, d, 0, 4), s1 = stats_of_batch(net, d, 4, 4);
  for (const auto& [name, field] : averaged_fields)
    for (std::size_t l = 0; l < 3; ++l)
      BOOST_TEST_CONTEXT(name << " layer " << l) {
        BOOST_TEST((r.mean.*field)[l] == ((s0.*field)[l] + (s1.*field)[l]) / 2,
                   boost::test_tools::tolerance(1e-12));
      }
  // The first layer's gradient norm, from the gradients themselves.
  double expected = 0;
  for (arma::uword b = 0; b < 2; ++b) {
    lw::Trace<double> t;
    lw::Gradients<double> g;
    lw::forward(net, arma::mat(d.X.cols(4 * b, 4 * b + 3)), t);
    lw::backward(net, t, arma::mat(d.Y.cols(4 * b, 4 * b + 3)), g);
    expected += arma::norm(g.layers[0].dW, "fro") / 2;
  }
  BOOST_TEST(r.mean.grad_norm_W[0] == expected, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.ratio_first_last == r.mean.grad_norm_W[0] / r.mean.grad_norm_W[2]);
}

BOOST_AUTO_TEST_CASE(too_few_examples_or_empty_batches_are_errors_naming_the_function) {
  const auto net = sample_net();
  const Batches d;
  for (const auto& [b, m] : std::vector<std::pair<arma::uword, arma::uword>>{{4, 3}, {0, 1}, {4, 0}}) {
    const arma::uword batch = b, n = m;  // clang 14 lambdas cannot capture structured bindings
    const std::string e = lw::test::error_of([&] { lw::probe_gradients(net, d.X, d.Y, batch, n); });
    BOOST_TEST(e.find("probe_gradients()") != std::string::npos, e);
  }
}

BOOST_AUTO_TEST_CASE(the_record_holds_every_averaged_statistic_and_the_ratio) {
  const auto net = sample_net();
  const Batches d;
  const lw::ProbeResult r = lw::probe_gradients(net, d.X, d.Y, 4, 2);
  const lw::ProbeRecord rec = lw::probe_record(r);
  BOOST_TEST(rec.grad_norm_W == r.mean.grad_norm_W, boost::test_tools::per_element());
  BOOST_TEST(rec.grad_norm_b == r.mean.grad_norm_b, boost::test_tools::per_element());
  BOOST_TEST(rec.delta_norm == r.mean.delta_norm, boost::test_tools::per_element());
  BOOST_TEST(rec.weight_norm_W == r.mean.weight_norm_W, boost::test_tools::per_element());
  BOOST_TEST(rec.act_mean == r.mean.act_mean, boost::test_tools::per_element());
  BOOST_TEST(rec.act_std == r.mean.act_std, boost::test_tools::per_element());
  BOOST_TEST(rec.act_saturated == r.mean.act_saturated, boost::test_tools::per_element());
  BOOST_TEST(rec.ratio_first_last == r.ratio_first_last);
  BOOST_TEST(rec.n_batches == 2);
  BOOST_TEST(rec.batch_size == 4);
}

BOOST_AUTO_TEST_SUITE_END()
