// core/option_table: one declaration per option gives the Program_options description and, after
// parsing, the values typed as declared, in declaration order.
#include "layerwise/core/option_table.hpp"

#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/contains.hpp"
#include "support/error_of.hpp"
#include "layerwise/train/optimizer.hpp"

namespace po = boost::program_options;
using lw::test::contains;
using lw::test::error_of;

namespace {

struct Settings {
  int epochs = 30;
  unsigned long batch = 64;
  double rate = 0.1;
  std::string name = "run";
  bool verbose = false;
  lw::OptimizerKind kind = lw::OptimizerKind::sgd;
  std::int64_t offset = -1;
};

// Settings, as a driver would declare them (two sections).
lw::OptionTable table_of(Settings& s) {
  lw::OptionTable train("Training [train]");
  train.add("train.epochs", s.epochs, "epochs")
      .add("train.batch", s.batch, "batch size")
      .add("train.rate", s.rate, "learning rate")
      .choice("train.optimizer", s.kind, lw::parse_optimizer, lw::to_string, "optimizer");
  lw::OptionTable all;
  all.add("name", s.name, "name").flag("verbose", s.verbose, "talk").add("offset", s.offset, "offset");
  all.add(train);
  return all;
}

void parse(const lw::OptionTable& table, std::vector<std::string> args) {
  args.insert(args.begin(), "prog");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  po::variables_map vm;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), table.description()), vm);
  po::notify(vm);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_option_table)

BOOST_AUTO_TEST_CASE(entries_are_the_defaults_typed_as_declared_in_declaration_order) {
  Settings s;
  const lw::OptionTable t = table_of(s);
  parse(t, {});
  const auto e = t.entries();
  const std::vector<std::string> keys{"name", "verbose", "offset", "train.epochs", "train.batch",
                                      "train.rate", "train.optimizer"};
  BOOST_TEST_REQUIRE(e.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) BOOST_TEST(e[i].key == keys[i], i);
  BOOST_TEST((e[0].value == lw::ConfigValue(std::string("run"))));
  BOOST_TEST((e[1].value == lw::ConfigValue(false)));
  BOOST_TEST((e[2].value == lw::ConfigValue(std::int64_t{-1})));
  BOOST_TEST((e[3].value == lw::ConfigValue(std::int64_t{30})));
  BOOST_TEST((e[4].value == lw::ConfigValue(std::int64_t{64})));
  BOOST_TEST((e[5].value == lw::ConfigValue(0.1)));
  BOOST_TEST((e[6].value == lw::ConfigValue(std::string("sgd"))));
}

BOOST_AUTO_TEST_CASE(parsed_values_reach_the_fields_and_the_entries) {
  Settings s;
  const lw::OptionTable t = table_of(s);
  parse(t, {"--train.epochs", "7", "--train.batch", "500", "--train.rate", "0.25", "--name", "x",
            "--verbose", "--train.optimizer", "adam", "--offset", "-3"});
  BOOST_TEST(s.epochs == 7);
  BOOST_TEST(s.batch == 500u);
  BOOST_TEST(s.rate == 0.25);
  BOOST_TEST(s.name == "x");
  BOOST_TEST(s.verbose);
  BOOST_TEST((s.kind == lw::OptimizerKind::adam));
  BOOST_TEST(s.offset == -3);
  const auto e = t.entries();
  BOOST_TEST((e[1].value == lw::ConfigValue(true)));
  BOOST_TEST((e[2].value == lw::ConfigValue(std::int64_t{-3})));
  BOOST_TEST((e[4].value == lw::ConfigValue(std::int64_t{500})));
  BOOST_TEST((e[6].value == lw::ConfigValue(std::string("adam"))));
}

BOOST_AUTO_TEST_CASE(a_flag_alone_is_true_and_takes_the_usual_spellings) {
  for (const char* off : {"false", "no", "off", "0"}) {
    Settings s;
    s.verbose = true;
    parse(table_of(s), {"--verbose", off});
    BOOST_TEST(!s.verbose, off);
  }
  for (const char* on : {"true", "yes", "on", "1"}) {
    Settings s;
    parse(table_of(s), {"--verbose", on});
    BOOST_TEST(s.verbose, on);
  }
}

BOOST_AUTO_TEST_CASE(a_bad_choice_or_a_negative_unsigned_is_refused_naming_the_option) {
  Settings s;
  const lw::OptionTable t = table_of(s);
  std::string e = error_of([&] { parse(t, {"--train.optimizer", "adamw"}); });
  BOOST_TEST(contains(e, "--train.optimizer: "), e);
  BOOST_TEST(contains(e, "'adamw'"), e);
  e = error_of([&] { parse(t, {"--train.batch", "-1"}); });
  BOOST_TEST(e == "--train.batch: must be >= 0 (-1)", e);
  BOOST_TEST(s.batch == 64u);  // untouched
}

BOOST_AUTO_TEST_CASE(help_shows_each_default_as_a_person_writes_it_under_its_section) {
  Settings s;
  s.rate = 0.1;
  std::ostringstream help;
  help << table_of(s).description();
  BOOST_TEST(contains(help.str(), "--train.rate arg (=0.1)"), help.str());
  BOOST_TEST(contains(help.str(), "--train.optimizer arg (=sgd)"), help.str());
  BOOST_TEST(contains(help.str(), "Training [train]"), help.str());
}

BOOST_AUTO_TEST_SUITE_END()
