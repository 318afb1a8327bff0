#include "layerwise/core/blas.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <iostream>

BOOST_AUTO_TEST_SUITE(core_blas)

BOOST_AUTO_TEST_CASE(armadillo_products_run_on_openblas) {
  const std::string config = lw::blas_config();
  const std::string path = lw::blas_library_path();
  std::cout << "BLAS: " << config << " | core " << lw::blas_core() << " | " << path << "\n";
  BOOST_TEST(config.find("OpenBLAS") != std::string::npos);
  BOOST_TEST(path.find("openblas") != std::string::npos);
  BOOST_TEST(!lw::blas_core().empty());
}

BOOST_AUTO_TEST_CASE(a_product_through_armadillo_is_correct) {
  arma::fmat A = {{1, 2}, {3, 4}};
  arma::fmat B = {{5, 6}, {7, 8}};
  arma::fmat C(200, 200, arma::fill::ones);
  arma::fmat D = C * C;  // large enough to go to sgemm
  arma::fmat P = A * B;
  BOOST_TEST(P(0, 0) == 19.0f);
  BOOST_TEST(P(1, 1) == 50.0f);
  BOOST_TEST(D(17, 123) == 200.0f);
}

BOOST_AUTO_TEST_CASE(thread_count_can_be_set) {
  const int before = lw::blas_threads();
  lw::set_blas_threads(1);
  BOOST_TEST(lw::blas_threads() == 1);
  lw::set_blas_threads(before);
  BOOST_CHECK_THROW(lw::set_blas_threads(0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
