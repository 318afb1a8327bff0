// core/isolated: a function run in a child returns, throws, crashes or hangs without taking the
// caller with it.
#include "layerwise/core/isolated.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>

using Outcome = lw::Isolated::Outcome;

BOOST_AUTO_TEST_SUITE(core_isolated)

BOOST_AUTO_TEST_CASE(a_result_comes_back_whole_and_the_childs_writes_stay_in_the_child) {
  int touched = 0;
  const std::string big(100000, 'x');  // more than a pipe's buffer
  const auto r = lw::run_isolated([&] { touched = 1; return "text:" + big; }, 30);
  BOOST_TEST((r.outcome == Outcome::returned));
  BOOST_TEST(r.text == "text:" + big);
  BOOST_TEST(touched == 0);  // the child's memory, not ours
}

BOOST_AUTO_TEST_CASE(an_exception_comes_back_as_its_message) {
  const auto r = lw::run_isolated([]() -> std::string { throw std::runtime_error("bad file x.h5"); }, 30);
  BOOST_TEST((r.outcome == Outcome::threw));
  BOOST_TEST(r.text == "bad file x.h5");
}

BOOST_AUTO_TEST_CASE(a_crash_is_reported_with_its_signal) {
  const auto r = lw::run_isolated([]() -> std::string {
    ::raise(SIGSEGV);
    return "unreachable";
  }, 30);
  BOOST_TEST((r.outcome == Outcome::crashed));
  BOOST_TEST(r.text == "SIGSEGV");
}

BOOST_AUTO_TEST_CASE(a_hang_is_killed_after_the_timeout) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = lw::run_isolated([]() -> std::string {
    for (;;) ::pause();
  }, 0.3);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST((r.outcome == Outcome::hung));
  BOOST_TEST(took >= 0.3);
  BOOST_TEST(took < 10);
}

BOOST_AUTO_TEST_SUITE_END()
