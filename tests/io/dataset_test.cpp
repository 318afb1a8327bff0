// Dataset helpers: take_columns copies a range of examples; keep_leading_columns shrinks in place.
#include <boost/test/unit_test.hpp>

#include "io/dataset.hpp"

namespace {

lw::Dataset numbered(arma::uword features, arma::uword examples) {
  lw::Dataset d;
  d.X = arma::regspace<arma::fvec>(0, static_cast<float>(features * examples - 1));
  d.X.reshape(features, examples);
  d.y = arma::regspace<arma::uvec>(0, examples - 1) .transform([](arma::uword v) { return v % 3; });
  d.n_classes = 3;
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_dataset)

BOOST_AUTO_TEST_CASE(take_columns_copies_a_range_of_examples) {
  const lw::Dataset d = numbered(4, 10);
  const lw::Dataset t = lw::take_columns(d, 7, 3);
  BOOST_TEST(t.X.n_rows == 4u);
  BOOST_TEST(t.X.n_cols == 3u);
  BOOST_TEST(arma::approx_equal(t.X, d.X.cols(7, 9), "absdiff", 0.0));
  BOOST_TEST(arma::all(t.y == d.y.subvec(7, 9)));
  BOOST_TEST(t.n_classes == 3u);
  BOOST_CHECK_THROW(lw::take_columns(d, 8, 3), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(keep_leading_columns_shrinks_in_place_without_a_copy) {
  for (const arma::uword features : {1u, 4u, 784u}) {
    for (const arma::uword keep : {0u, 1u, 3u, 500u, 600u}) {
      BOOST_TEST_CONTEXT(features << " x 600, keep " << keep) {
        lw::Dataset d = numbered(features, 600);
        const lw::Dataset want = lw::take_columns(d, 0, keep);
        const float* before = d.X.memptr();
        lw::keep_leading_columns(d, keep);
        BOOST_TEST(d.X.n_rows == features);
        BOOST_TEST(d.X.n_cols == keep);
        BOOST_TEST(d.y.n_elem == keep);
        BOOST_TEST(arma::approx_equal(d.X, want.X, "absdiff", 0.0));
        BOOST_TEST(arma::all(d.y == want.y));
        if (features * keep > 16) BOOST_TEST(d.X.memptr() == before);  // large: no copy made
      }
    }
  }
  lw::Dataset d = numbered(2, 5);
  BOOST_CHECK_THROW(lw::keep_leading_columns(d, 6), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
