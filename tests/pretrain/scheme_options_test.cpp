// SchemeOptions (pretrain/scheme_options.cpp): strict parsing of each option type, typed entries,
// getters that refuse another type, and the errors naming pretrain.<scheme>.<key> and the value.
// tests/pretrain/scheme_test.cpp covers the registered schemes (overrides of dae, flag spellings of
// ae.tied, entry order, option_type of plain defaults); here a local, unregistered scheme with one
// option of every kind is probed at the edges of each parser.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "layerwise/pretrain/scheme.hpp"
#include "support/error_of.hpp"

namespace {

using lw::test::error_of;

// Not registered: SchemeOptions needs only the declaration.
const lw::Scheme& probe() {
  static const lw::Scheme scheme{
      .name = "probe",
      .summary = "test-only",
      .options = {{"rate", "0.5", "a real"},
                  {"count", "3", "an integer"},
                  {"neg", "-2", "a negative integer"},
                  {"on", "true", "a flag"},
                  {"kind", "a", "a text with choices", {"a", "b"}},
                  {"label", "free", "a text without choices"}}};
  return scheme;
}

const std::vector<std::string> kKnown = {
    "epochs", "batch_size", "learning_rate", "optimizer", "momentum", "rms_decay", "beta1", "beta2",
    "epsilon", "rate", "count", "neg", "on", "kind", "label"};
constexpr std::size_t kOwn = 9;  // the probe's own options start after the common ones

lw::SchemeOptions with(const std::string& key, const std::string& value) {
  return lw::SchemeOptions(probe(), {{"pretrain.probe." + key, value}});
}

// The message of constructing the options with one override ("" if accepted).
std::string rejection(const std::string& key, const std::string& value) {
  return error_of([&] { with(key, value); });
}

const lw::ConfigValue& entry(const lw::SchemeOptions& o, const std::string& key) {
  for (const auto& e : o.entries())
    if (e.key == key) return e.value;
  throw std::logic_error("no entry " + key);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_scheme_options)

BOOST_AUTO_TEST_CASE(defaults_are_typed_by_their_spelling_when_nothing_overrides_them) {
  const lw::SchemeOptions o(probe());
  BOOST_TEST(o.scheme() == "probe");
  BOOST_TEST(o.real("rate") == 0.5);
  BOOST_TEST(o.integer("count") == 3);
  BOOST_TEST(o.integer("neg") == -2);
  BOOST_TEST(o.flag("on"));
  BOOST_TEST(o.text("kind") == "a");
  BOOST_TEST(o.text("label") == "free");
  BOOST_TEST(o.integer("epochs") == 5);
  BOOST_TEST(o.integer("batch_size") == 64);
  BOOST_TEST(o.real("learning_rate") == 0.1);
  BOOST_TEST(o.text("optimizer") == "sgd");
}

BOOST_AUTO_TEST_CASE(reals_must_be_the_whole_string_and_finite) {
  for (const char* bad : {"1.5x", " 1", "1 ", "\t1", "0.5\n", "", "inf", "-inf", "infinity", "nan",
                          "NaN", "1e400", "-1e400", "abc", "1,5", "1.2.3", "--1", "e5"}) {
    const std::string e = rejection("rate", bad);
    BOOST_TEST(e == "pretrain.probe.rate must be a finite real number (" + std::string(bad) + ")",
               "'" << bad << "': " << e);
  }
}

BOOST_AUTO_TEST_CASE(reals_accept_decimal_and_exponent_spellings_and_integers) {
  BOOST_TEST(with("rate", "2").real("rate") == 2.0);
  BOOST_TEST(with("rate", "-0.25").real("rate") == -0.25);
  BOOST_TEST(with("rate", "+1.5").real("rate") == 1.5);
  BOOST_TEST(with("rate", ".5").real("rate") == 0.5);
  BOOST_TEST(with("rate", "5.").real("rate") == 5.0);
  BOOST_TEST(with("rate", "1e-3").real("rate") == 1e-3);
  BOOST_TEST(with("rate", "1E3").real("rate") == 1000.0);
  BOOST_TEST(with("rate", "1.7976931348623157e308").real("rate") == 1.7976931348623157e308);
  BOOST_TEST(with("rate", "0.1").real("rate") == 0.1);  // strtod: the nearest double
}

BOOST_AUTO_TEST_CASE(integers_must_be_whole_decimal_and_fit_in_64_bits) {
  for (const char* bad : {"2.0", "2.5", "1e3", " 1", "1 ", "", "0x10", "5k", "--1", "+-1", "one",
                          "9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    const std::string e = rejection("count", bad);
    BOOST_TEST(e == "pretrain.probe.count must be an integer (" + std::string(bad) + ")",
               "'" << bad << "': " << e);
  }
  BOOST_TEST(with("count", "9223372036854775807").integer("count") == 9223372036854775807L);
  BOOST_TEST(with("count", "-9223372036854775808").integer("count") == -9223372036854775807L - 1);
  BOOST_TEST(with("count", "+7").integer("count") == 7);
  BOOST_TEST(with("count", "007").integer("count") == 7);  // decimal, not octal
  BOOST_TEST(with("count", "-0").integer("count") == 0);
  BOOST_TEST(with("neg", "12").integer("neg") == 12);
}

BOOST_AUTO_TEST_CASE(flags_take_exactly_the_eight_lower_case_spellings) {
  for (const char* on : {"true", "yes", "on", "1"}) BOOST_TEST(with("on", on).flag("on"), on);
  for (const char* off : {"false", "no", "off", "0"}) BOOST_TEST(!with("on", off).flag("on"), off);
  for (const char* bad : {"True", "TRUE", "Yes", "ON", "y", "n", "t", "f", "2", "-1", "01", " true",
                          "true ", "", "enabled"}) {
    const std::string e = rejection("on", bad);
    BOOST_TEST(e == "pretrain.probe.on must be true or false (" + std::string(bad) + ")",
               "'" << bad << "': " << e);
  }
}

BOOST_AUTO_TEST_CASE(text_options_with_choices_take_only_those_exactly) {
  BOOST_TEST(with("kind", "b").text("kind") == "b");
  for (const char* bad : {"c", "A", " a", "a ", "", "a, b"}) {
    const std::string e = rejection("kind", bad);
    BOOST_TEST(e == "pretrain.probe.kind must be one of a, b (" + std::string(bad) + ")",
               "'" << bad << "': " << e);
  }
}

BOOST_AUTO_TEST_CASE(text_options_without_choices_take_any_text_verbatim) {
  for (const char* any : {"", " spaced out ", "1.5", "true", "µ", "a=b\nc"})
    BOOST_TEST(with("label", any).text("label") == any, "'" << any << "'");
  // The common optimizer option is text without choices here (its names are checked by
  // validate_scheme_overrides / train_config, not by SchemeOptions).
  BOOST_TEST(with("optimizer", "adam").text("optimizer") == "adam");
}

BOOST_AUTO_TEST_CASE(entries_hold_every_option_typed_in_declaration_order_common_first) {
  const lw::SchemeOptions o(probe(), {{"pretrain.probe.rate", "2"},
                                      {"pretrain.probe.on", "no"},
                                      {"pretrain.probe.learning_rate", "1"},
                                      {"pretrain.probe.label", "x"}});
  const auto& e = o.entries();
  BOOST_TEST_REQUIRE(e.size() == kKnown.size());
  for (std::size_t i = 0; i < kKnown.size(); ++i) BOOST_TEST(e[i].key == kKnown[i], i);
  // Types by declaration, not by the override's spelling: "2" for a real is the real 2.0.
  BOOST_TEST((e[0].value == lw::ConfigValue(std::int64_t{5})));
  BOOST_TEST((e[1].value == lw::ConfigValue(std::int64_t{64})));
  BOOST_TEST((e[2].value == lw::ConfigValue(1.0)));
  BOOST_TEST(e[2].value.index() == 1u);
  BOOST_TEST((e[3].value == lw::ConfigValue(std::string("sgd"))));
  BOOST_TEST((e[4].value == lw::ConfigValue(0.9)));  // momentum, the optimizer's default
  BOOST_TEST((e[8].value == lw::ConfigValue(1e-8)));  // epsilon
  BOOST_TEST((e[kOwn].value == lw::ConfigValue(2.0)));
  BOOST_TEST(e[kOwn].value.index() == 1u);
  BOOST_TEST((e[kOwn + 1].value == lw::ConfigValue(std::int64_t{3})));
  BOOST_TEST((e[kOwn + 2].value == lw::ConfigValue(std::int64_t{-2})));
  BOOST_TEST((e[kOwn + 3].value == lw::ConfigValue(false)));
  BOOST_TEST((e[kOwn + 4].value == lw::ConfigValue(std::string("a"))));
  BOOST_TEST((e[kOwn + 5].value == lw::ConfigValue(std::string("x"))));
  // What /config records and what the run hash reads.
  BOOST_TEST(lw::format_value(e[kOwn].value) == "2");
  BOOST_TEST(lw::format_value(e[kOwn + 3].value) == "false");
}

BOOST_AUTO_TEST_CASE(dotted_entries_are_the_entries_under_pretrain_scheme_key) {
  const lw::SchemeOptions o(probe(), {{"pretrain.probe.count", "11"}});
  const auto d = o.dotted_entries();
  const auto& e = o.entries();
  BOOST_TEST_REQUIRE(d.size() == e.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    BOOST_TEST(d[i].key == "pretrain.probe." + e[i].key);
    BOOST_TEST(d[i].key == o.dotted(e[i].key));
    BOOST_TEST((d[i].value == e[i].value), d[i].key);
  }
  BOOST_TEST((entry(o, "count") == lw::ConfigValue(std::int64_t{11})));
  BOOST_TEST(o.dotted("anything") == "pretrain.probe.anything");
}

BOOST_AUTO_TEST_CASE(getters_refuse_an_option_of_another_type_naming_it_and_its_type) {
  const lw::SchemeOptions o(probe());
  BOOST_TEST(error_of([&] { o.integer("rate"); }) == "pretrain.probe.rate is a real, not an integer");
  BOOST_TEST(error_of([&] { o.flag("rate"); }) == "pretrain.probe.rate is a real, not a flag");
  BOOST_TEST(error_of([&] { o.text("rate"); }) == "pretrain.probe.rate is a real, not a text");
  BOOST_TEST(error_of([&] { o.flag("count"); }) == "pretrain.probe.count is an integer, not a flag");
  BOOST_TEST(error_of([&] { o.text("count"); }) == "pretrain.probe.count is an integer, not a text");
  BOOST_TEST(error_of([&] { o.real("on"); }) == "pretrain.probe.on is a flag, not a number");
  BOOST_TEST(error_of([&] { o.integer("on"); }) == "pretrain.probe.on is a flag, not an integer");
  BOOST_TEST(error_of([&] { o.real("kind"); }) == "pretrain.probe.kind is a text, not a number");
  BOOST_TEST(error_of([&] { o.integer("label"); }) == "pretrain.probe.label is a text, not an integer");
  BOOST_TEST(error_of([&] { o.flag("label"); }) == "pretrain.probe.label is a text, not a flag");
  // An integer reads as a real too.
  BOOST_TEST(o.real("count") == 3.0);
  BOOST_TEST(o.real("neg") == -2.0);
}

BOOST_AUTO_TEST_CASE(getters_refuse_an_undeclared_key_listing_the_known_ones) {
  const lw::SchemeOptions o(probe());
  std::string known;
  for (const auto& k : kKnown) known += (known.empty() ? "" : ", ") + k;
  const std::string expected = "SchemeOptions: scheme probe has no option 'nope' (known: " + known + ")";
  BOOST_TEST(error_of([&] { o.real("nope"); }) == expected);
  BOOST_TEST(error_of([&] { o.integer("nope"); }) == expected);
  BOOST_TEST(error_of([&] { o.flag("nope"); }) == expected);
  BOOST_TEST(error_of([&] { o.text("nope"); }) == expected);
  // Keys are the short ones; the dotted form is not a key.
  BOOST_TEST(!error_of([&] { o.real("pretrain.probe.rate"); }).empty());
}

BOOST_AUTO_TEST_CASE(an_unknown_override_of_this_scheme_is_an_error_and_others_are_ignored) {
  std::string known;
  for (const auto& k : kKnown) known += (known.empty() ? "" : ", ") + k;
  BOOST_TEST(error_of([] { (void)lw::SchemeOptions(probe(), {{"pretrain.probe.rat", "1"}}); }) ==
             "pretrain options: unknown option pretrain.probe.rat (known for probe: " + known + ")");
  BOOST_TEST(!error_of([] { (void)lw::SchemeOptions(probe(), {{"pretrain.probe.", "1"}}); }).empty());
  // Another scheme's options, a scheme whose name merely starts the same, and non-pretrain keys
  // are not this object's business.
  const lw::SchemeOptions o(probe(), {{"pretrain.dae.corruption", "x"},
                                      {"pretrain.probe2.rate", "x"},
                                      {"pretrain.probe", "x"},
                                      {"finetune.epochs", "x"},
                                      {"probe.rate", "x"}});
  BOOST_TEST(o.real("rate") == 0.5);
}

BOOST_AUTO_TEST_CASE(a_default_that_does_not_fit_its_declaration_is_refused_on_construction) {
  const lw::Scheme bad{.name = "bad", .options = {{"kind", "z", "", {"a", "b"}}}};
  BOOST_TEST(error_of([&] { (void)lw::SchemeOptions{bad}; }) == "pretrain.bad.kind must be one of a, b (z)");
  // ... unless an override replaces it with an allowed value.
  BOOST_TEST(lw::SchemeOptions(bad, {{"pretrain.bad.kind", "b"}}).text("kind") == "b");
}

BOOST_AUTO_TEST_CASE(the_common_options_are_parsed_with_their_own_types) {
  BOOST_TEST(rejection("epochs", "5.0") == "pretrain.probe.epochs must be an integer (5.0)");
  BOOST_TEST(rejection("batch_size", "64 ") == "pretrain.probe.batch_size must be an integer (64 )");
  BOOST_TEST(rejection("learning_rate", "nan") ==
             "pretrain.probe.learning_rate must be a finite real number (nan)");
  BOOST_TEST(with("epochs", "12").integer("epochs") == 12);
  BOOST_TEST(with("learning_rate", "3e-4").real("learning_rate") == 3e-4);
}

BOOST_AUTO_TEST_CASE(option_types_of_edge_spellings) {
  using lw::OptionType;
  const auto type = [](const std::string& d) { return lw::option_type({"k", d, ""}); };
  BOOST_TEST((type("false") == OptionType::flag));
  BOOST_TEST((type("yes") == OptionType::text));  // only true/false spell a flag default
  BOOST_TEST((type("1") == OptionType::integer));
  BOOST_TEST((type("-7") == OptionType::integer));
  BOOST_TEST((type("1e3") == OptionType::real));
  BOOST_TEST((type(" 1") == OptionType::text));
  BOOST_TEST((type("1.5x") == OptionType::text));
  BOOST_TEST((type("inf") == OptionType::text));
  BOOST_TEST((type("nan") == OptionType::text));
  BOOST_TEST((type("") == OptionType::text));
  BOOST_TEST(lw::to_string(OptionType::flag) == "flag");
  BOOST_TEST(lw::to_string(OptionType::integer) == "integer");
  BOOST_TEST(lw::to_string(OptionType::real) == "real");
  BOOST_TEST(lw::to_string(OptionType::text) == "text");
}

BOOST_AUTO_TEST_SUITE_END()
