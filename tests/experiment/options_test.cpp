// The option machinery every driver shares: typo hints, no guessing of abbreviations, --config
// files and their precedence, errors naming the option or the file, placeholder refusal.
#include "layerwise/experiment/options.hpp"

#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "layerwise/core/option_table.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"
#include "support/contains.hpp"

using lw::test::contains;
namespace po = boost::program_options;
using lw::test::error_of;

namespace {

// A driver's options: general ones (help, config) and the settings a file may set.
struct Driver {
  std::string depths = "1-3";
  long width = 8;
  double rate = 0.1;
  bool verbose = false;
  po::options_description settings, all;
  Driver() {
    lw::OptionTable run("Run");
    run.add("depths", depths, "hidden layers")
        .add("width", width, "hidden width")
        .add("train.rate", rate, "learning rate")
        .flag("verbose", verbose, "talk");
    settings.add(run.description());
    po::options_description general("General");
    general.add_options()("help,h", "show help")("config", po::value<std::string>(), "INI file");
    all.add(general).add(settings);
  }
  po::variables_map parse(std::vector<std::string> args) {
    args.insert(args.begin(), "prog");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    return lw::parse_options(static_cast<int>(argv.size()), argv.data(), all, settings);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_options)

BOOST_AUTO_TEST_CASE(an_unknown_option_close_to_a_known_one_suggests_it) {
  Driver d;
  std::string e = error_of([&] { d.parse({"--deptsh", "3"}); });
  BOOST_TEST(contains(e, "deptsh"), e);
  BOOST_TEST(contains(e, "(did you mean --depths?)"), e);
  e = error_of([&] { d.parse({"--train.rte", "0.5"}); });
  BOOST_TEST(contains(e, "did you mean --train.rate?"), e);
  e = error_of([&] { d.parse({"--something_else_entirely", "1"}); });
  BOOST_TEST(contains(e, "something_else_entirely"), e);
  BOOST_TEST(!contains(e, "did you mean"), e);
}

BOOST_AUTO_TEST_CASE(abbreviated_names_are_not_guessed) {
  Driver d;
  const std::string e = error_of([&] { d.parse({"--dep", "3"}); });
  BOOST_TEST(contains(e, "dep"), e);
  BOOST_TEST(d.depths == "1-3");
  BOOST_TEST(contains(error_of([&] { d.parse({"--wid", "3"}); }), "wid"));
  BOOST_TEST(d.width == 8);
}

BOOST_AUTO_TEST_CASE(the_command_line_wins_over_the_config_file_which_wins_over_the_defaults) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "a.ini", "depths = 4,5\nwidth = 16\n[train]\nrate = 0.5\n");
  Driver d;
  const po::variables_map vm = d.parse({"--config", (dir / "a.ini").string(), "--width", "32"});
  BOOST_TEST(d.width == 32);     // command line
  BOOST_TEST(d.depths == "4,5");  // file
  BOOST_TEST(d.rate == 0.5);      // file, from its [train] section
  BOOST_TEST(!d.verbose);         // default
  BOOST_TEST(vm["config"].as<std::string>() == (dir / "a.ini").string());
  Driver plain;
  plain.parse({"--verbose"});  // a flag alone means true
  BOOST_TEST(plain.verbose);
  BOOST_TEST(plain.width == 8);
}

BOOST_AUTO_TEST_CASE(a_config_file_may_start_with_a_byte_order_mark) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "bom.ini", "\xEF\xBB\xBF" "width = 32\n");  // before: "unrecognised option '\xEF\xBB\xBFwidth'"
  Driver d;
  d.parse({"--config", (dir / "bom.ini").string()});
  BOOST_TEST(d.width == 32);
}

BOOST_AUTO_TEST_CASE(an_unreadable_config_file_is_an_error_naming_it) {
  lw::test::TempDir dir;
  Driver d;
  const std::string missing = (dir / "missing.ini").string();
  std::string e = error_of([&] { d.parse({"--config", missing}); });
  BOOST_TEST(contains(e, "--config"), e);
  BOOST_TEST(contains(e, missing), e);
  e = error_of([&] { d.parse({"--config", dir.path().string()}); });  // a folder
  BOOST_TEST(contains(e, dir.path().string()), e);
  BOOST_TEST(contains(e, "is a folder; expected an INI file"), e);  // not "no such file"
  // An unknown key in a file names the file and the key, and suggests the closest one.
  lw::test::write_file(dir / "bad.ini", "[train]\nrat = 0.5\n");
  e = error_of([&] { d.parse({"--config", (dir / "bad.ini").string()}); });
  BOOST_TEST(contains(e, "bad.ini"), e);
  BOOST_TEST(contains(e, "train.rat"), e);
  BOOST_TEST(contains(e, "did you mean train.rate?"), e);
}

BOOST_AUTO_TEST_CASE(a_malformed_value_is_an_error_naming_the_option) {
  lw::test::TempDir dir;
  Driver d;
  std::string e = error_of([&] { d.parse({"--width", "wide"}); });
  BOOST_TEST(contains(e, "--width"), e);
  BOOST_TEST(contains(e, "wide"), e);
  lw::test::write_file(dir / "w.ini", "width = wide\n");
  e = error_of([&] { d.parse({"--config", (dir / "w.ini").string()}); });
  BOOST_TEST(contains(e, "w.ini"), e);
  BOOST_TEST(contains(e, "width"), e);
}

BOOST_AUTO_TEST_CASE(boost_message_placeholders_are_refused_on_the_command_line_and_in_files) {
  lw::test::TempDir dir;
  Driver d;
  std::string e = error_of([&] { d.parse({"--depths", "%value%"}); });
  BOOST_TEST(contains(e, "command line: '%value%' is not allowed"), e);
  e = error_of([&] { d.parse({"--%canonical_option%", "1"}); });
  BOOST_TEST(contains(e, "'%canonical_option%' is not allowed"), e);
  lw::test::write_file(dir / "p.ini", "depths = %option%\n");
  e = error_of([&] { d.parse({"--config", (dir / "p.ini").string()}); });
  BOOST_TEST(contains(e, "p.ini"), e);
  BOOST_TEST(contains(e, "'%option%' is not allowed"), e);
  d.parse({"--depths", "50%"});  // a lone percent sign is fine
  BOOST_TEST(d.depths == "50%");
}

BOOST_AUTO_TEST_CASE(without_a_settings_description_there_is_no_config_file) {
  Driver d;
  std::vector<const char*> argv{"prog", "--config", "x.ini"};
  const po::variables_map vm = lw::parse_options(3, argv.data(), d.all);  // not read
  BOOST_TEST(vm["config"].as<std::string>() == "x.ini");
  po::options_description no_config;
  no_config.add(d.settings);
  BOOST_TEST(contains(error_of([&] { lw::parse_options(1, argv.data(), no_config, d.settings); }),
                      "parse_options()"));
}

BOOST_AUTO_TEST_CASE(a_real_default_is_shown_as_a_person_writes_it) {
  Driver d;
  std::ostringstream help;
  help << d.settings;
  BOOST_TEST(contains(help.str(), "(=0.1)"), help.str());
  BOOST_TEST(contains(help.str(), "(=false)"), help.str());
}

BOOST_AUTO_TEST_SUITE_END()
