#include "layerwise/nn/counting.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>

#include "layerwise/nn/make_network.hpp"

BOOST_AUTO_TEST_SUITE(nn_counting)

BOOST_AUTO_TEST_CASE(a_3_25_12_network_has_412_parameters) {
  BOOST_TEST(lw::count_parameters({3, 25, 12}) == 412u);  // 3*25 + 25 + 25*12 + 12
  BOOST_TEST(lw::count_parameters({2, 1}) == 3u);
  BOOST_TEST(lw::count_parameters({784, 1000, 1000, 10}) == 1796010u);
  BOOST_CHECK_THROW(lw::count_parameters({5}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(parameter_count_matches_the_elements_of_a_built_network) {
  const auto net = lw::make_network<float>({.layer_sizes = {3, 25, 12}}, 1);
  std::uint64_t n = 0;
  for (const auto& layer : net.layers) n += layer.W.n_elem + layer.b.n_elem;
  BOOST_TEST(n == lw::count_parameters(net.layer_sizes()));
}

BOOST_AUTO_TEST_CASE(weights_grow_linearly_and_paths_exponentially_with_depth) {
  BOOST_TEST(lw::count_weights(2, 1) == 8u);
  BOOST_TEST(lw::count_paths(2, 1) == 8.0);
  BOOST_TEST(lw::count_weights(3, 2) == 27u);
  BOOST_TEST(lw::count_paths(3, 2) == 81.0);
  BOOST_TEST(lw::count_weights(5, 0) == 25u);
  BOOST_TEST(lw::count_paths(5, 0) == 25.0);
}

BOOST_AUTO_TEST_CASE(a_1000_wide_5_hidden_layer_network_has_6e6_weights_and_1e21_paths) {
  BOOST_TEST(lw::count_weights(1000, 5) == 6000000u);
  BOOST_TEST(lw::count_paths(1000, 5) == 1e21, boost::test_tools::tolerance(1e-15));
  // The weights agree with the general parameter count minus the biases.
  BOOST_TEST(lw::count_parameters({1000, 1000, 1000, 1000, 1000, 1000, 1000}) == 6000000u + 6000u);
}

BOOST_AUTO_TEST_SUITE_END()
