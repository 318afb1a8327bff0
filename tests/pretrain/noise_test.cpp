#include "layerwise/pretrain/noise.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

BOOST_AUTO_TEST_SUITE(pretrain_noise)

BOOST_AUTO_TEST_CASE(each_noise_corrupts_the_expected_fraction_and_only_that) {
  const arma::mat X(50, 200, arma::fill::value(0.5));
  arma::mat out;
  lw::Rng rng = lw::make_rng(1, "noise");
  lw::corrupt(lw::Noise::masking, 0.3, X, out, rng);
  BOOST_TEST(arma::accu(out == 0.0) / 10000.0 == 0.3, boost::test_tools::tolerance(0.05));
  BOOST_TEST(arma::accu(out == 0.5) + arma::accu(out == 0.0) == 10000u);
  lw::corrupt(lw::Noise::salt_pepper, 0.2, X, out, rng);
  BOOST_TEST(arma::accu(out == 0.0) / 10000.0 == 0.1, boost::test_tools::tolerance(0.1));
  BOOST_TEST(arma::accu(out == 1.0) / 10000.0 == 0.1, boost::test_tools::tolerance(0.1));
  BOOST_TEST(arma::accu(out == 0.5) / 10000.0 == 0.8, boost::test_tools::tolerance(0.02));
  lw::corrupt(lw::Noise::gaussian, 0.1, X, out, rng);
  BOOST_TEST(arma::stddev(arma::vectorise(out - X)) == 0.1, boost::test_tools::tolerance(0.05));
  lw::corrupt(lw::Noise::none, 0.9, X, out, rng);
  BOOST_TEST(arma::approx_equal(out, X, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(the_same_stream_gives_the_same_noise) {
  const arma::fmat X(10, 10, arma::fill::ones);
  arma::fmat a, b;
  lw::Rng r1 = lw::make_rng(3, "noise"), r2 = lw::make_rng(3, "noise");
  lw::corrupt(lw::Noise::masking, 0.5, X, a, r1);
  lw::corrupt(lw::Noise::masking, 0.5, X, b, r2);
  BOOST_TEST(arma::approx_equal(a, b, "absdiff", 0.0f));
}

BOOST_AUTO_TEST_CASE(bad_names_and_levels_are_rejected) {
  BOOST_CHECK_THROW(lw::parse_noise("pink"), std::invalid_argument);
  BOOST_TEST((lw::parse_noise("salt_pepper") == lw::Noise::salt_pepper));
  arma::mat X(2, 2), out;
  lw::Rng rng = lw::make_rng(1, "n");
  BOOST_CHECK_THROW(lw::corrupt(lw::Noise::masking, 1.5, X, out, rng), std::invalid_argument);
  BOOST_CHECK_THROW(lw::corrupt(lw::Noise::gaussian, -1, X, out, rng), std::invalid_argument);
  BOOST_CHECK_THROW(lw::corrupt(lw::Noise::masking, 0.1, X, X, rng), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
