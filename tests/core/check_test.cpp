// Precondition checks (core/check.hpp): require -> std::invalid_argument, require_io ->
// std::runtime_error, each carrying the message unchanged; cat() streams its parts in order.
#include "layerwise/core/check.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace {

// The exception require/require_io threw, as its dynamic type's "kind" and message.
struct Thrown {
  std::string kind;  // "invalid_argument", "runtime_error", "other" or "" (nothing thrown)
  std::string message;
};

template <class F>
Thrown thrown_by(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return {"invalid_argument", e.what()};
  } catch (const std::runtime_error& e) {
    return {"runtime_error", e.what()};
  } catch (const std::exception& e) {
    return {"other", e.what()};
  }
  return {"", ""};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_check)

BOOST_AUTO_TEST_CASE(require_throws_invalid_argument_with_the_message_when_the_check_fails) {
  const Thrown t = thrown_by([] { lw::require(false, "f(): width must be > 0 (0)"); });
  BOOST_TEST(t.kind == "invalid_argument");
  BOOST_TEST(t.message == "f(): width must be > 0 (0)");
}

BOOST_AUTO_TEST_CASE(require_io_throws_runtime_error_not_invalid_argument) {
  const Thrown t = thrown_by([] { lw::require_io(false, "g(): cannot open /x (no such file)"); });
  BOOST_TEST(t.kind == "runtime_error");
  BOOST_TEST(t.message == "g(): cannot open /x (no such file)");
  // invalid_argument derives from logic_error, not runtime_error: callers can tell them apart.
  static_assert(!std::is_base_of_v<std::runtime_error, std::invalid_argument>);
}

BOOST_AUTO_TEST_CASE(passing_checks_throw_nothing) {
  BOOST_CHECK_NO_THROW(lw::require(true, "unused"));
  BOOST_CHECK_NO_THROW(lw::require_io(true, "unused"));
  BOOST_TEST(thrown_by([] { lw::require(1 + 1 == 2, "x"); }).kind == "");
  BOOST_TEST(thrown_by([] { lw::require_io(!false, "x"); }).kind == "");
}

BOOST_AUTO_TEST_CASE(messages_are_kept_byte_for_byte_including_empty_and_embedded_newlines) {
  BOOST_TEST(thrown_by([] { lw::require(false, ""); }).message == "");
  const std::string odd = "line 1\nline 2\t\xc2\xb5 (\"quoted\")";
  BOOST_TEST(thrown_by([&] { lw::require(false, odd); }).message == odd);
  BOOST_TEST(thrown_by([&] { lw::require_io(false, odd); }).message == odd);
  const std::string long_message(10000, 'x');
  BOOST_TEST(thrown_by([&] { lw::require(false, long_message); }).message.size() == 10000u);
}

BOOST_AUTO_TEST_CASE(cat_streams_every_part_in_order_without_separators) {
  BOOST_TEST(lw::cat("f(): width must be > 0 (", 0, ")") == "f(): width must be > 0 (0)");
  BOOST_TEST(lw::cat("a", 'b', std::string("c"), 1, -2, 3u) == "abc1-23");
  BOOST_TEST(lw::cat(std::int64_t{-9223372036854775807LL - 1}) == "-9223372036854775808");
  BOOST_TEST(lw::cat(std::uint64_t{18446744073709551615ULL}) == "18446744073709551615");
  BOOST_TEST(lw::cat("") == "");
}

BOOST_AUTO_TEST_CASE(cat_formats_numbers_as_a_default_ostream_does) {
  // Default stream precision (6 significant digits), bool as 1/0: what the messages show.
  BOOST_TEST(lw::cat(0.5) == "0.5");
  BOOST_TEST(lw::cat(1.0 / 3.0) == "0.333333");
  BOOST_TEST(lw::cat(1e-7) == "1e-07");
  BOOST_TEST(lw::cat(2.5f) == "2.5");
  BOOST_TEST(lw::cat(true, false) == "10");
}

BOOST_AUTO_TEST_CASE(cat_builds_the_message_a_failing_require_carries) {
  const int width = -3;
  const Thrown t = thrown_by([&] {
    lw::require(width > 0, lw::cat("make_layer(): width must be > 0 (", width, ")"));
  });
  BOOST_TEST(t.kind == "invalid_argument");
  BOOST_TEST(t.message == "make_layer(): width must be > 0 (-3)");
}

BOOST_AUTO_TEST_SUITE_END()
