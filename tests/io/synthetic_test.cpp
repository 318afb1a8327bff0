#include "layerwise/io/synthetic.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

BOOST_AUTO_TEST_SUITE(io_synthetic)

BOOST_AUTO_TEST_CASE(bars_and_stripes_follow_their_class_and_are_never_ambiguous) {
  lw::Rng rng = lw::make_rng(3, "test/bars");
  const arma::uword size = 4, n = 400;
  const lw::Dataset d = lw::make_bars_stripes(n, size, 0.0, rng);
  BOOST_REQUIRE(d.X.n_rows == size * size);
  BOOST_REQUIRE(d.X.n_cols == n);
  BOOST_TEST(d.image_rows == size);
  BOOST_TEST(d.image_cols == size);
  BOOST_TEST(d.n_classes == 2u);
  arma::uword n_bars = 0;
  for (arma::uword j = 0; j < n; ++j) {
    const arma::fmat img = arma::reshape(d.X.col(j), size, size).t();  // img(r, c), row-major pixels
    BOOST_REQUIRE(d.y[j] < 2u);
    const float s = arma::accu(img);
    BOOST_TEST((s > 0 && s < size * size));
    for (arma::uword r = 0; r < size; ++r)
      for (arma::uword c = 0; c < size; ++c) {
        BOOST_TEST((img(r, c) == 0.0f || img(r, c) == 1.0f));
        if (d.y[j] == 0) BOOST_TEST(img(r, c) == img(r, 0));   // stripes: rows constant
        else BOOST_TEST(img(r, c) == img(0, c));               // bars: columns constant
      }
    n_bars += d.y[j];
  }
  BOOST_TEST((n_bars > 150 && n_bars < 250));
}

BOOST_AUTO_TEST_CASE(bars_and_stripes_are_deterministic_in_the_rng_and_noise_flips_pixels) {
  lw::Rng a = lw::make_rng(5, "s"), b = lw::make_rng(5, "s"), c = lw::make_rng(6, "s");
  const lw::Dataset da = lw::make_bars_stripes(50, 8, 0.1, a), db = lw::make_bars_stripes(50, 8, 0.1, b);
  const lw::Dataset dc = lw::make_bars_stripes(50, 8, 0.1, c);
  BOOST_TEST(arma::approx_equal(da.X, db.X, "absdiff", 0.0f));
  BOOST_TEST(arma::all(da.y == db.y));
  BOOST_TEST(!arma::approx_equal(da.X, dc.X, "absdiff", 0.0f));
  BOOST_CHECK_THROW(lw::make_bars_stripes(5, 1, 0.0, a), std::invalid_argument);
  BOOST_CHECK_THROW(lw::make_bars_stripes(5, 4, 0.7, a), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(blobs_gather_around_their_centres) {
  lw::Rng rng = lw::make_rng(1, "test/blobs");
  const arma::fmat C = lw::blob_centres(4, 3, 5.0, rng);
  BOOST_REQUIRE(C.n_rows == 3u);
  BOOST_REQUIRE(C.n_cols == 4u);
  BOOST_TEST(arma::abs(C).max() <= 5.0f);
  const lw::Dataset d = lw::make_blobs(C, 8000, 0.5, rng);
  BOOST_TEST(d.n_classes == 4u);
  BOOST_REQUIRE(d.X.n_cols == 8000u);
  for (arma::uword k = 0; k < 4; ++k) {
    const arma::uvec idx = arma::find(d.y == k);
    BOOST_TEST((idx.n_elem > 1700 && idx.n_elem < 2300));
    const arma::fmat Xk = d.X.cols(idx);
    const arma::fvec mean = arma::mean(Xk, 1);
    BOOST_TEST(arma::abs(mean - C.col(k)).max() < 0.05f);
    const arma::fvec sd = arma::stddev(Xk, 0, 1);
    BOOST_TEST(arma::abs(sd - 0.5f).max() < 0.05f);
  }
  lw::Rng r1 = lw::make_rng(2, "b"), r2 = lw::make_rng(2, "b");
  BOOST_TEST(arma::approx_equal(lw::make_blobs(C, 10, 1.0, r1).X, lw::make_blobs(C, 10, 1.0, r2).X, "absdiff", 0.0f));
  BOOST_CHECK_THROW(lw::make_blobs(C, 10, 0.0, r1), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
