// core/fault_point: LW_KILL_AT's syntax. That the n-th pass of a point kills the process, and what
// the files look like then, is tested on depth_sweep itself (experiment_faults).
#include "layerwise/core/fault_point.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(core_fault_point)

BOOST_AUTO_TEST_CASE(kill_at_takes_a_point_and_a_positive_count) {
  const auto k = lw::parse_kill_at("rename:3");
  BOOST_TEST_REQUIRE(k.has_value());
  BOOST_TEST(k->point == "rename");
  BOOST_TEST(k->n == 3);
  const auto colons = lw::parse_kill_at("a:b:12");  // the count is after the last colon
  BOOST_TEST_REQUIRE(colons.has_value());
  BOOST_TEST(colons->point == "a:b");
  BOOST_TEST(colons->n == 12);
  for (const char* bad : {"", "rename", "rename:", ":3", "rename:0", "rename:-1", "rename:3x",
                          "rename: 3", "rename:99999999999999999999"})
    BOOST_TEST(!lw::parse_kill_at(bad).has_value(), bad);
}

BOOST_AUTO_TEST_SUITE_END()
