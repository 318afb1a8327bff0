// The SIMD paths: names, what the CPU runs, and the chosen one.
#include "layerwise/core/simd.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(core_simd)

BOOST_AUTO_TEST_CASE(names_round_trip_and_unknown_names_are_refused) {
  for (const auto p : {lw::SimdPath::baseline, lw::SimdPath::avx2, lw::SimdPath::avx512})
    BOOST_TEST((lw::parse_simd_path(lw::to_string(p)) == p));
  BOOST_TEST(!lw::parse_simd_path("sse9").has_value());
  BOOST_TEST(!lw::parse_simd_path("").has_value());
}

BOOST_AUTO_TEST_CASE(the_chosen_path_is_one_the_cpu_runs_and_wider_paths_imply_narrower_ones) {
  BOOST_TEST(lw::cpu_runs(lw::SimdPath::baseline));
  BOOST_TEST(lw::cpu_runs(lw::widest_simd_path()));
  BOOST_TEST(lw::cpu_runs(lw::simd_path()));
  if (lw::cpu_runs(lw::SimdPath::avx512)) BOOST_TEST(lw::cpu_runs(lw::SimdPath::avx2));
  if (!std::getenv("LW_SIMD")) BOOST_TEST((lw::simd_path() == lw::widest_simd_path()));
}

BOOST_AUTO_TEST_SUITE_END()
