#include "layerwise/train/regularization.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <boost/mpl/list.hpp>
#include <cmath>
#include <stdexcept>

#include "layerwise/core/random.hpp"
#include "layerwise/train/network_objective.hpp"
#include "train/train_test_data.hpp"

namespace {

namespace tt = boost::test_tools;
using Reals = boost::mpl::list<float, double>;

template <class T>
lw::Network<T> three_layers() {
  return lw::make_network<T>({.layer_sizes = {4, 6, 5, 3}, .hidden = lw::Activation::sigmoid}, 7);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_regularization)

BOOST_AUTO_TEST_CASE_TEMPLATE(dropout_masks_hold_only_zero_and_the_inverse_keep_rate, T, Reals) {
  const auto net = three_layers<T>();
  lw::Trace<T> trace;
  lw::Rng rng = lw::make_rng(3, "dropout");
  const std::vector<double> rates = {0.2, 0.0, 0.5};
  const arma::uword n = 20000;
  lw::draw_dropout_masks(rates, net, n, trace, rng);
  BOOST_REQUIRE(trace.mask.size() == 3u);
  BOOST_TEST(trace.mask[1].is_empty());  // rate 0: no mask
  BOOST_TEST(!trace.masked(1));
  for (std::size_t l : {0u, 2u}) {
    const arma::Mat<T>& m = trace.mask[l];
    BOOST_TEST(m.n_rows == net.layers[l].fan_in());
    BOOST_TEST(m.n_cols == n);
    const T keep = static_cast<T>(1.0 / (1.0 - rates[l]));
    arma::uword zeros = 0;
    bool only_two_values = true;
    for (T v : m) {
      if (v == T(0)) ++zeros;
      else if (v != keep) only_two_values = false;
    }
    BOOST_TEST(only_two_values);
    BOOST_TEST(static_cast<double>(zeros) / static_cast<double>(m.n_elem) == rates[l],
               tt::tolerance(0.05));  // relative: 0.2 +- 0.01, 0.5 +- 0.025
  }
  // A shorter rate list leaves the later layers unmasked; a fresh draw gives fresh masks.
  const arma::Mat<T> first = trace.mask[0];
  lw::draw_dropout_masks({0.2}, net, n, trace, rng);
  BOOST_TEST(!trace.masked(1));
  BOOST_TEST(!trace.masked(2));
  BOOST_TEST(!arma::approx_equal(first, trace.mask[0], "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(dropout_leaves_the_expected_activation_unchanged, T, Reals) {
  const auto net = three_layers<T>();
  const arma::uword n = 200000;
  const arma::Col<T> x = {0.5, -1.25, 2.0, 0.75};
  lw::Trace<T> trace;
  lw::Rng rng = lw::make_rng(4, "dropout");
  lw::draw_dropout_masks({0.3, 0.5}, net, n, trace, rng);
  arma::Mat<T>& in = lw::prepare_input(net, n, trace);
  in.each_col() = x;
  lw::forward(net, trace);
  BOOST_REQUIRE(trace.masked(0));
  BOOST_REQUIRE(trace.masked(1));
  // Layer 0 sees the masked input; its mean over the masks is the input itself, within 1%.
  const arma::Mat<T>& dropped = trace.dropped[0];
  BOOST_TEST(arma::approx_equal(dropped, arma::Mat<T>(trace.a[0] % trace.mask[0]), "absdiff", 0.0));
  for (arma::uword i = 0; i < x.n_elem; ++i) {
    double mean = 0;
    for (arma::uword j = 0; j < n; ++j) mean += dropped(i, j);
    mean /= static_cast<double>(n);
    BOOST_TEST(mean == static_cast<double>(x[i]), tt::tolerance(0.01));
  }
  // Same for a hidden layer: the mean of the dropped hidden activations matches their mean.
  const arma::Mat<T>& h = trace.a[1];
  const arma::Mat<T>& hd = trace.dropped[1];
  for (arma::uword i = 0; i < h.n_rows; ++i) {
    double mean_h = 0, mean_hd = 0;
    for (arma::uword j = 0; j < n; ++j) {
      mean_h += h(i, j);
      mean_hd += hd(i, j);
    }
    BOOST_TEST(mean_hd / static_cast<double>(n) == mean_h / static_cast<double>(n),
               tt::tolerance(0.01));
  }
}

BOOST_AUTO_TEST_CASE(dropout_is_off_in_evaluation) {
  auto with = three_layers<double>();
  auto without = with;
  const auto batch = lw::test::blobs<double>(32, 4, 3, 1.0, 0.0, 5, "test/batch");
  const auto set = lw::test::blobs<double>(300, 4, 3, 1.0, 0.0, 5, "test/set");
  lw::NetworkObjective<double> dropped(with, {.dropout = {0.5, 0.5, 0.5}}, lw::make_rng(1, "d"));
  lw::NetworkObjective<double> plain(without, {}, lw::make_rng(1, "d"));
  // Training batches do see dropout...
  BOOST_TEST(dropped.compute(batch.X, batch.Y).loss != plain.compute(batch.X, batch.Y).loss);
  BOOST_TEST(dropped.trace()->masked(0));
  // ...evaluation does not: the same figures, bit for bit.
  const lw::BatchResult a = dropped.evaluate(set.X, set.Y), b = plain.evaluate(set.X, set.Y);
  BOOST_TEST(a.loss == b.loss);
  BOOST_TEST(a.errors == b.errors);
}

BOOST_AUTO_TEST_CASE(invalid_dropout_rates_are_rejected) {
  const auto net = three_layers<double>();
  lw::Trace<double> trace;
  lw::Rng rng = lw::make_rng(1, "d");
  BOOST_CHECK_THROW(lw::draw_dropout_masks({0.1, 0.1, 0.1, 0.1}, net, 5, trace, rng),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::draw_dropout_masks({1.0}, net, 5, trace, rng), std::invalid_argument);
  BOOST_CHECK_THROW(lw::draw_dropout_masks({-0.5}, net, 5, trace, rng), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(max_norm_scales_long_rows_down_and_leaves_short_rows, T, Reals) {
  arma::Mat<T> W = {{3, 4, 0}, {0.3, 0.4, 0}, {0, -6, 8}, {0, 0, 0}};
  lw::apply_max_norm(W, 2.5);
  const arma::Mat<T> expected = {{1.5, 2, 0}, {0.3, 0.4, 0}, {0, -1.5, 2}, {0, 0, 0}};
  BOOST_TEST(arma::approx_equal(W, expected, "absdiff", 1e-6));
  BOOST_CHECK_THROW(lw::apply_max_norm(W, 0.0), std::invalid_argument);
  BOOST_CHECK_THROW(lw::apply_max_norm(W, -1.0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
