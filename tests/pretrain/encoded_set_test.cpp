// EncodedSet: chunked f(W A + b) over a whole set, in place when the next layer is no wider.
#include "layerwise/pretrain/encoded_set.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"

namespace {

// The plain reference: one product over the whole set, then the library's activation.
template <class T>
arma::Mat<T> reference(const lw::DenseLayer<T>& layer, const arma::Mat<T>& X) {
  const arma::Mat<T> Z = layer.W * X;
  arma::Mat<T> A;
  lw::activate(layer.act, Z, layer.b, A);
  return A;
}

template <class T>
lw::DenseLayer<T> layer(arma::uword fan_in, arma::uword fan_out, lw::Activation act, int index) {
  lw::Rng rng = lw::make_rng(7, "test/encoded_set", index);
  return lw::make_layer<T>(fan_in, fan_out, act, "xavier", 1.0, rng);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_encoded_set)

BOOST_AUTO_TEST_CASE(
    a_stack_of_layers_is_encoded_in_place_while_no_wider_and_equals_the_plain_product) {
  // 50 examples in chunks of 7 (the last one short), widths 12 -> 9 -> 9 -> 5 -> 8.
  lw::Rng rng = lw::make_rng(3, "test/encoded_set/data");
  arma::mat X(12, 50);
  for (auto& v : X) v = rng.uniform();
  const arma::mat X_before = X;
  const std::vector<lw::DenseLayer<double>> stack = {
      layer<double>(12, 9, lw::Activation::sigmoid, 0),
      layer<double>(9, 9, lw::Activation::tanh, 1), layer<double>(9, 5, lw::Activation::sigmoid, 2),
      layer<double>(5, 8, lw::Activation::softsign, 3)};

  lw::EncodedSet<double> A(7);
  arma::mat expected = X;
  const double* previous = nullptr;
  for (std::size_t l = 0; l < stack.size(); ++l) {
    BOOST_TEST_CONTEXT("layer " << l) {
      expected = reference(stack[l], expected);
      if (l == 0)
        A.encode(stack[l], X);
      else
        A.encode(stack[l], A.get());
      BOOST_TEST_REQUIRE(A.get().n_rows == stack[l].fan_out());
      BOOST_TEST_REQUIRE(A.get().n_cols == 50u);
      BOOST_TEST(arma::approx_equal(A.get(), expected, "absdiff", 1e-12));
      const bool no_wider = l > 0 && stack[l].fan_out() <= stack[l].fan_in();
      // In place: the same buffer; from the data or widening: a new one.
      BOOST_TEST((A.buffer() == previous) == no_wider);
      previous = A.buffer();
    }
  }
  BOOST_TEST(arma::approx_equal(X, X_before, "absdiff", 0.0));  // the data is never written
}

BOOST_AUTO_TEST_CASE(chunking_does_not_change_the_result_beyond_rounding) {
  lw::Rng rng = lw::make_rng(4, "test/encoded_set/data");
  arma::fmat X(20, 301);
  for (auto& v : X) v = static_cast<float>(rng.uniform());
  const auto l0 = layer<float>(20, 16, lw::Activation::sigmoid, 0);
  const auto l1 = layer<float>(16, 16, lw::Activation::sigmoid, 1);
  lw::EncodedSet<float> whole(1000), chunked(32);
  whole.encode(l0, X);
  chunked.encode(l0, X);
  BOOST_TEST(arma::approx_equal(whole.get(), reference(l0, X), "absdiff", 0.0f));  // one chunk
  whole.encode(l1, whole.get());
  chunked.encode(l1, chunked.get());
  BOOST_TEST(arma::approx_equal(whole.get(), chunked.get(), "absdiff", 1e-6f));
}

BOOST_AUTO_TEST_CASE(wrong_shapes_and_an_empty_set_are_refused) {
  lw::EncodedSet<float> A;
  BOOST_CHECK_THROW(A.get(), std::invalid_argument);
  const auto l0 = layer<float>(4, 3, lw::Activation::sigmoid, 0);
  BOOST_CHECK_THROW(A.encode(l0, arma::fmat(5, 10, arma::fill::zeros)), std::invalid_argument);
  BOOST_CHECK_THROW(A.encode(l0, arma::fmat(4, 0)), std::invalid_argument);
  BOOST_CHECK_THROW(lw::EncodedSet<float>(0), std::invalid_argument);
  A.encode(l0, arma::fmat(4, 10, arma::fill::ones));
  BOOST_CHECK_THROW(A.encode(l0, A.get()), std::invalid_argument);  // 3 rows, 4 inputs
  BOOST_TEST(A.get().n_rows == 3u);                                 // unchanged by the refused call
}

BOOST_AUTO_TEST_SUITE_END()
