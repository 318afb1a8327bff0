// experiment/labeled: the labeled examples of a few-label run, nested and the same for every arm.
#include "layerwise/experiment/labeled.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(experiment_labeled)

BOOST_AUTO_TEST_CASE(subsets_are_sorted_distinct_nested_and_drawn_from_the_seed) {
  const arma::uvec small = lw::labeled_subset(5000, 100, 7), big = lw::labeled_subset(5000, 1000, 7);
  BOOST_TEST_REQUIRE(small.n_elem == 100u);
  BOOST_TEST_REQUIRE(big.n_elem == 1000u);
  BOOST_TEST(small.is_sorted());
  BOOST_TEST(arma::unique(big).eval().n_elem == 1000u);
  BOOST_TEST(big.max() < 5000u);
  // Nested: every one of the 100 is among the 1,000.
  for (const arma::uword i : small) BOOST_TEST(arma::any(big == i), i);
  // The seed decides it; nothing else does (the function sees no arm): same seed, same subset.
  BOOST_TEST(arma::all(lw::labeled_subset(5000, 100, 7) == small));
  BOOST_TEST(arma::any(lw::labeled_subset(5000, 100, 8) != small));
  // Not simply the first examples.
  BOOST_TEST(small.max() > 100u);
}

BOOST_AUTO_TEST_CASE(zero_or_at_least_all_means_every_example_in_order) {
  for (const arma::uword n : {arma::uword{0}, arma::uword{50}, arma::uword{80}}) {
    const arma::uvec all = lw::labeled_subset(50, n, 3);
    BOOST_TEST_REQUIRE(all.n_elem == 50u);
    for (arma::uword i = 0; i < 50; ++i) BOOST_TEST(all[i] == i);
  }
  BOOST_TEST(lw::labeled_subset(0, 0, 1).n_elem == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
