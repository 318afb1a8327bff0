// Registry-driven tests: every registered scheme (including those a test file registers) is
// checked against the contract of pretrain/scheme.hpp by lw::testing::check_scheme
// (pretrain/scheme_check.hpp), the same function a user's test calls on their own scheme.
#include <boost/test/unit_test.hpp>
#include <string>

#include "layerwise/pretrain/scheme.hpp"
#include "layerwise/pretrain/scheme_check.hpp"

BOOST_AUTO_TEST_SUITE(pretrain_schemes)

BOOST_AUTO_TEST_CASE(the_library_schemes_are_registered) {
  for (const char* name : {"ae", "dae", "sparse_ae", "contractive_ae", "rbm", "supervised"})
    BOOST_TEST(lw::has_scheme(name), name);
}

BOOST_AUTO_TEST_CASE(every_registered_scheme_keeps_the_contract) {
  for (const auto& scheme : lw::schemes())
    for (const auto& problem : lw::testing::check_scheme(scheme.name)) BOOST_ERROR(problem);
}

BOOST_AUTO_TEST_SUITE_END()
