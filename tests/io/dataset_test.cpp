// Dataset helpers: take_columns copies a range of examples; keep_leading_columns shrinks in place.
#include <sys/mman.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <utility>
#include <vector>

#include "layerwise/io/dataset.hpp"

namespace {

lw::Dataset numbered(arma::uword features, arma::uword examples) {
  lw::Dataset d;
  d.X = arma::regspace<arma::fvec>(0, static_cast<float>(features * examples - 1));
  d.X.reshape(features, examples);
  d.y = arma::regspace<arma::uvec>(0, examples - 1).transform([](arma::uword v) { return v % 3; });
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

BOOST_AUTO_TEST_CASE(keep_leading_columns_returns_the_pages_of_the_dropped_columns) {
  // 784 x 6000 floats (18.8 MB), every page touched; keep 1000 columns. mincore() tells which
  // pages of the old extent are still resident.
  lw::Dataset d = numbered(784, 6000);
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto resident_pages = [&](const float* begin, const float* end) {
    const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) / page * page;
    const std::uintptr_t last = reinterpret_cast<std::uintptr_t>(end) / page * page;
    std::vector<unsigned char> in_core((last - first) / page);
    BOOST_REQUIRE(mincore(reinterpret_cast<void*>(first), last - first, in_core.data()) == 0);
    std::size_t count = 0;
    for (unsigned char c : in_core) count += c & 1u;
    return std::pair{count, in_core.size()};
  };
  const float* begin = d.X.memptr();
  const float* end = begin + d.X.n_elem;
  const float* cut = begin + 784 * 1000;
  BOOST_TEST_REQUIRE(resident_pages(cut, end).first == resident_pages(cut, end).second);
  const lw::Dataset want = lw::take_columns(d, 0, 1000);
  lw::keep_leading_columns(d, 1000);
  BOOST_TEST_REQUIRE(d.X.memptr() == begin);
  const auto [resident, total] = resident_pages(cut, end);
  BOOST_TEST(total > 3000u);
  BOOST_TEST(resident == 0u);
  BOOST_TEST(resident_pages(begin, cut).first == resident_pages(begin, cut).second);  // kept
  BOOST_TEST(arma::approx_equal(d.X, want.X, "absdiff", 0.0));
}

BOOST_AUTO_TEST_SUITE_END()
