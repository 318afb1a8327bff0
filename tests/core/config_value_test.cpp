// Typed option values (core/config_value.hpp): format_value's text for each type, and config_hash,
// FNV-1a 64 over the lines "key=value\n", as 16 lower-case hex digits.
// tests/io/results_test.cpp checks that the hash changes with keys, values and order and that the
// empty list gives the offset basis; here the hash is checked against FNV-1a computed in the test.
#include "layerwise/core/config_value.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <regex>
#include <string>
#include <vector>

namespace {

// FNV-1a 64 (Fowler, Noll, Vo), written out here independently of the library.
std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;  // offset basis, 0xcbf29ce484222325
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;  // FNV prime 2^40 + 2^8 + 0xb3
  }
  return h;
}

std::string hex16(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

double parsed(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

}  // namespace

BOOST_AUTO_TEST_SUITE(core_config_value)

BOOST_AUTO_TEST_CASE(integers_are_written_in_decimal_with_a_sign_only_when_negative) {
  BOOST_TEST(lw::format_value(std::int64_t{0}) == "0");
  BOOST_TEST(lw::format_value(std::int64_t{784}) == "784");
  BOOST_TEST(lw::format_value(std::int64_t{-3}) == "-3");
  BOOST_TEST(lw::format_value(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
  BOOST_TEST(lw::format_value(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
}

BOOST_AUTO_TEST_CASE(reals_are_written_with_17_significant_digits) {
  BOOST_TEST(lw::format_value(0.1) == "0.10000000000000001");
  BOOST_TEST(lw::format_value(0.5) == "0.5");
  BOOST_TEST(lw::format_value(1.0) == "1");  // %g drops a trailing ".0"
  BOOST_TEST(lw::format_value(-2.5) == "-2.5");
  BOOST_TEST(lw::format_value(1.0 / 3.0) == "0.33333333333333331");
  BOOST_TEST(lw::format_value(1e16) == "10000000000000000");
  BOOST_TEST(lw::format_value(1e17) == "1e+17");
  BOOST_TEST(lw::format_value(1e300) == "1.0000000000000001e+300");
  BOOST_TEST(lw::format_value(1e-3) == "0.001");
  BOOST_TEST(lw::format_value(-0.0) == "-0");
}

BOOST_AUTO_TEST_CASE(reals_round_trip_exactly_through_their_text) {
  const double values[] = {0.1, 0.25, 1.0 / 3.0, 2.0 / 3.0, 1e-3, 0.3, 1e300, 2.5e-300,
                           123456789.123456789, std::nextafter(1.0, 2.0), std::nextafter(0.1, 0.0),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::min(),         // smallest normal
                           std::numeric_limits<double>::denorm_min(),  // 4.9e-324
                           std::numeric_limits<double>::epsilon()};
  for (const double v : values) {
    const std::string text = lw::format_value(v);
    BOOST_TEST(parsed(text) == v, text);
    BOOST_TEST(lw::format_value(-v) == "-" + text);
  }
  // A value one ulp away writes differently: 17 digits tell neighbours apart.
  BOOST_TEST(lw::format_value(0.1) != lw::format_value(std::nextafter(0.1, 1.0)));
  BOOST_TEST(std::signbit(parsed(lw::format_value(-0.0))));
}

BOOST_AUTO_TEST_CASE(non_finite_reals_are_written_as_inf_and_nan) {
  BOOST_TEST(lw::format_value(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(lw::format_value(-std::numeric_limits<double>::infinity()) == "-inf");
  const std::string nan = lw::format_value(std::numeric_limits<double>::quiet_NaN());
  BOOST_TEST(std::regex_match(nan, std::regex("-?nan")), nan);
}

BOOST_AUTO_TEST_CASE(flags_are_true_or_false_and_strings_are_kept_as_they_are) {
  BOOST_TEST(lw::format_value(true) == "true");
  BOOST_TEST(lw::format_value(false) == "false");
  BOOST_TEST(lw::format_value(std::string("masking")) == "masking");
  BOOST_TEST(lw::format_value(std::string("")) == "");
  BOOST_TEST(lw::format_value(std::string(" a b ")) == " a b ");
  BOOST_TEST(lw::format_value(std::string("0.1")) == "0.1");  // text, not re-formatted as a real
  BOOST_TEST(lw::format_value(std::string("µ-units")) == "µ-units");
  const std::string with_nul("a\0b", 3);
  BOOST_TEST(lw::format_value(with_nul) == with_nul);
}

BOOST_AUTO_TEST_CASE(the_text_follows_the_variant_alternative_not_the_spelling) {
  // A ConfigValue from a string literal holds a string, not a bool (C++20's variant converting
  // constructor refuses the pointer-to-bool conversion): "true" stays text, 1 and 1.0 differ in
  // type but not in text.
  const lw::ConfigValue literal = "true";
  BOOST_TEST(literal.index() == 3u);
  BOOST_TEST(lw::format_value(literal) == "true");
  BOOST_TEST(lw::format_value(lw::ConfigValue(std::int64_t{1})) == "1");
  BOOST_TEST(lw::format_value(lw::ConfigValue(1.0)) == "1");
  BOOST_TEST(lw::format_value(lw::ConfigValue(1.5)) == "1.5");
  BOOST_TEST(lw::format_value(lw::ConfigValue(true)) == "true");
}

BOOST_AUTO_TEST_CASE(the_local_fnv1a_matches_the_published_test_vectors) {
  // Reference values of the FNV authors' test suite, so the expectation below is FNV-1a itself.
  BOOST_TEST(hex16(fnv1a("")) == "cbf29ce484222325");
  BOOST_TEST(hex16(fnv1a("a")) == "af63dc4c8601ec8c");
  BOOST_TEST(hex16(fnv1a("foobar")) == "85944171f73967e8");
}

BOOST_AUTO_TEST_CASE(a_one_entry_hash_is_fnv1a_of_its_single_line) {
  // "a=1\n": four bytes 0x61 0x3d 0x31 0x0a.
  BOOST_TEST(lw::config_hash({{"a", std::int64_t{1}}}) == hex16(fnv1a("a=1\n")));
  BOOST_TEST(lw::config_hash({{"a", std::int64_t{1}}}) == "ed9ed282c45f76f4");  // by hand (Python)
  BOOST_TEST(lw::config_hash({{"k", true}}) == "28fb62617d8b99ed");
  BOOST_TEST(lw::config_hash({{"k", false}}) == "0ae815b847f5d026");
  BOOST_TEST(lw::config_hash({{"lr", 0.5}}) == "b0e244c3e24d4e47");
  BOOST_TEST(lw::config_hash({{"name", std::string("µ")}}) == "796b00e55bb0878a");  // UTF-8 bytes
  BOOST_TEST(lw::config_hash({{"e", std::string()}}) == "c3fc5f18f13736b7");        // "e=\n"
}

BOOST_AUTO_TEST_CASE(a_list_hashes_its_lines_in_order_with_reals_at_17_digits) {
  const std::vector<lw::ConfigEntry> xy{{"x", std::int64_t{1}}, {"y", 0.1}};
  const std::vector<lw::ConfigEntry> yx{{"y", 0.1}, {"x", std::int64_t{1}}};
  BOOST_TEST(lw::config_hash(xy) == hex16(fnv1a("x=1\ny=0.10000000000000001\n")));
  BOOST_TEST(lw::config_hash(xy) == "936dc80905952dc7");
  BOOST_TEST(lw::config_hash(yx) == "0bfe3a3991bcc43b");
  // The common scheme options as /config records them (pretrain/scheme.hpp): pinned, since every
  // stored run id depends on this text.
  const std::vector<lw::ConfigEntry> common{{"epochs", std::int64_t{5}},
                                            {"batch_size", std::int64_t{64}},
                                            {"learning_rate", 0.1},
                                            {"optimizer", std::string("sgd")}};
  BOOST_TEST(lw::config_hash(common) == "481330c354cbbc1a");
  BOOST_TEST(lw::config_hash(common) ==
             hex16(fnv1a("epochs=5\nbatch_size=64\nlearning_rate=0.10000000000000001\n"
                         "optimizer=sgd\n")));
}

BOOST_AUTO_TEST_CASE(the_hash_is_always_16_lower_case_hex_digits) {
  std::vector<lw::ConfigEntry> entries;
  for (int i = 0; i < 64; ++i) {
    std::string key = "k";  // appended, not "k" + ...: GCC 12's -Wrestrict false positive at -O3
    key += std::to_string(i);
    entries.push_back({key, static_cast<std::int64_t>(i * i)});
    const std::string h = lw::config_hash(entries);
    BOOST_TEST(std::regex_match(h, std::regex("[0-9a-f]{16}")), h);
    BOOST_TEST(h == hex16(fnv1a([&] {
                 std::string text;
                 for (const auto& e : entries) text += e.key + "=" + lw::format_value(e.value) + "\n";
                 return text;
               }())));
  }
}

BOOST_AUTO_TEST_CASE(the_line_terminator_separates_entries) {
  // Without the "\n" after each line these two lists would hash the same bytes "a=12".
  const std::string one = lw::config_hash({{"a", std::int64_t{12}}});
  const std::string two = lw::config_hash({{"a", std::int64_t{1}}, {"2", std::string()}});
  BOOST_TEST(one != two);
  BOOST_TEST(two == hex16(fnv1a("a=1\n2=\n")));
  // Moving a character between key and value changes the hash ('=' moves).
  BOOST_TEST(lw::config_hash({{"ab", std::string("c")}}) != lw::config_hash({{"a", std::string("bc")}}));
}

BOOST_AUTO_TEST_SUITE_END()
