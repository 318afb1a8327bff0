// experiment/axes: any option as an axis, from the command line and INI sections, checked and in
// canonical text.
#include "layerwise/experiment/axes.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>

// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "support/contains.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"

using lw::test::contains;
using lw::test::error_of;

namespace {

// parse_arguments as depth_sweep calls it (scheme options included), then cfg.axes resolved.
std::vector<lw::Axis> axes_of(std::vector<std::string> args, lw::ExperimentConfig* out = nullptr) {
  lw::ExperimentConfig cfg;
  args.insert(args.begin(), "depth_sweep");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const auto schemes = lw::describe_scheme_options(cfg.pretrain.options);
  lw::parse_arguments(static_cast<int>(argv.size()), argv.data(), cfg, lw::OptionTable(), schemes);
  if (out) *out = cfg;
  return lw::resolve_axes(cfg);
}

std::vector<std::string> values(const lw::Axis& a) { return a.values; }

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_axes)

BOOST_AUTO_TEST_CASE(command_line_axes_are_sorted_by_key_and_canonical) {
  const auto axes = axes_of({"--inits", "xavier,dae", "--search", "finetune.learning_rate=0.30,1e-1,0.01",
                             "--grid", "data.n_labeled=500,5000", "--grid", "pretrain.dae.corruption=0.1,0.4"});
  BOOST_TEST_REQUIRE(axes.size() == 3u);
  BOOST_TEST(axes[0].key == "data.n_labeled");
  BOOST_TEST(!axes[0].searched);
  BOOST_TEST(axes[0].id_name == "n_labeled");
  BOOST_TEST(values(axes[0]) == (std::vector<std::string>{"500", "5000"}));
  BOOST_TEST(axes[1].key == "finetune.learning_rate");
  BOOST_TEST(axes[1].searched);
  BOOST_TEST(axes[1].id_name == "ft_learning_rate");
  BOOST_TEST(values(axes[1]) == (std::vector<std::string>{"0.3", "0.1", "0.01"}));  // order kept
  BOOST_TEST(axes[2].key == "pretrain.dae.corruption");
  BOOST_TEST(axes[2].scheme == "dae");
  BOOST_TEST(axes[2].id_name == "corruption");
  const auto entries = lw::axis_entries(axes);
  BOOST_TEST_REQUIRE(entries.size() == 3u);
  BOOST_TEST(entries[1].key == "search.finetune.learning_rate");
  BOOST_TEST(std::get<std::string>(entries[1].value) == "0.3,0.1,0.01");
}

BOOST_AUTO_TEST_CASE(ini_sections_give_axes_and_the_command_line_wins_for_the_same_key) {
  lw::test::TempDir dir;
  const auto ini = dir / "axes.ini";
  std::ofstream(ini) << "inits = xavier,dae\n[grid]\nfinetune.learning_rate = 0.01,0.1\n"
                        "pretrain.dae.corruption = 0.1,0.2\n[search]\nfinetune.momentum = 0.5,0.9\n";
  const auto from_file = axes_of({"--config", ini.string()});
  BOOST_TEST_REQUIRE(from_file.size() == 3u);
  BOOST_TEST(from_file[0].key == "finetune.learning_rate");
  BOOST_TEST(!from_file[0].searched);
  BOOST_TEST(from_file[1].key == "finetune.momentum");
  BOOST_TEST(from_file[1].searched);
  // The command line's --search replaces the file's [grid] axis of that key.
  const auto both = axes_of({"--config", ini.string(), "--search", "finetune.learning_rate=0.3"});
  BOOST_TEST_REQUIRE(both.size() == 3u);
  BOOST_TEST(both[0].searched);
  BOOST_TEST(values(both[0]) == (std::vector<std::string>{"0.3"}));
  // A plain option on the command line wins over the file's axis of it.
  const auto plain = axes_of({"--config", ini.string(), "--finetune.learning_rate", "0.5"});
  BOOST_TEST_REQUIRE(plain.size() == 2u);
  BOOST_TEST(plain[0].key == "finetune.momentum");
  // In both sections of one file: an error naming the key.
  std::ofstream(ini) << "[grid]\nfinetune.epochs = 1,2\n[search]\nfinetune.epochs = 3\n";
  BOOST_TEST(contains(error_of([&] { axes_of({"--config", ini.string()}); }),
                      "finetune.epochs is in both [grid] and [search]"));
  // An unknown key in a section names the file and suggests the option.
  std::ofstream(ini) << "[grid]\nfinetune.learnin_rate = 0.1\n";
  const std::string typo = error_of([&] { axes_of({"--config", ini.string()}); });
  BOOST_TEST(contains(typo, ini.string()), typo);
  BOOST_TEST(contains(typo, "grid.finetune.learning_rate"), typo);
}

BOOST_AUTO_TEST_CASE(bad_axes_are_refused_naming_the_axis) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--grid", "finetune.learnin_rate=0.1"}, "--grid finetune.learnin_rate: unknown option"},
      {{"--grid", "pretrain.nonesuch.epochs=1"}, "unknown pretraining scheme 'nonesuch'"},
      {{"--grid", "threads=1,2"}, "--grid threads: not an axis"},
      {{"--grid", "precision=float32,float64"}, "run one sweep per precision"},
      {{"--search", "depths=1,2"}, "--depths 1,2,3"},
      {{"--grid", "finetune.learning_rate=0.1,-1"}, "the value '-1' is refused: --finetune.learning_rate: must be > 0"},
      {{"--grid", "finetune.optimizer=sgd,nonesuch"}, "the value 'nonesuch' is refused"},
      {{"--grid", "finetune.epochs=2,x"}, "the value 'x' is refused"},
      {{"--grid", "finetune.learning_rate=0.1,0.10"}, "0.1 appears twice"},
      {{"--grid", "finetune.learning_rate="}, "--grid finetune.learning_rate"},
      {{"--grid", "finetune.learning_rate=0.1,"}, "empty name"},
      {{"--grid", "finetune.learning_rate"}, "must be option=value,value"},
      {{"--grid", "finetune.epochs=1", "--search", "finetune.epochs=2"}, "the axis is given twice"},
      {{"--grid", "finetune.epochs=1", "--grid", "finetune.epochs=2"}, "the axis is given twice"},
      {{"--inits", "xavier", "--grid", "pretrain.dae.corruption=0.1"}, "the arm dae is not in --inits (xavier)"},
      {{"--inits", "dae", "--grid", "pretrain.dae.corruption=0.1,2"}, "the value '2' is refused"}};
  for (const auto& c : cases) {  // not a structured binding: the lambda captures it (clang 14)
    const std::string what = error_of([&] { axes_of(c.first); });
    BOOST_TEST(contains(what, c.second), c.first.back() << " -> " << what);
  }
}

BOOST_AUTO_TEST_CASE(short_names_are_full_keys_only_where_two_axes_can_meet_in_one_run) {
  const auto axes = axes_of({"--inits", "ae,dae", "--search", "pretrain.ae.learning_rate=0.1,0.2",
                             "--search", "pretrain.dae.learning_rate=0.1,0.2", "--grid", "data.noise=0,0.1",
                             "--grid", "pretrain.dae.noise=masking,gaussian"});
  BOOST_TEST_REQUIRE(axes.size() == 4u);
  BOOST_TEST(axes[0].id_name == "data_noise");           // meets pretrain.dae.noise in dae's runs
  BOOST_TEST(axes[1].id_name == "learning_rate");        // ae's and dae's never meet
  BOOST_TEST(axes[2].id_name == "learning_rate");
  BOOST_TEST(axes[3].id_name == "pretrain_dae_noise");
}

BOOST_AUTO_TEST_CASE(with_values_sets_only_the_given_options_typed) {
  lw::ExperimentConfig base;
  base.finetune.train.epochs = 7;
  const auto cfg = lw::with_values(base, {{"finetune.learning_rate", "0.25"}, {"data.n_labeled", "300"},
                                          {"pretrain.dae.corruption", "0.4"}, {"output_init", "arm"}});
  BOOST_TEST(cfg.finetune.train.optimizer.learning_rate == 0.25);
  BOOST_TEST(cfg.data.n_labeled == 300u);
  BOOST_TEST(cfg.output_init == "arm");
  BOOST_TEST(cfg.finetune.train.epochs == 7);  // untouched
  BOOST_TEST(cfg.pretrain.options.at("pretrain.dae.corruption") == "0.4");
  BOOST_TEST(std::get<double>(lw::option_value(cfg, "pretrain.dae.corruption")) == 0.4);
  BOOST_TEST(std::get<std::int64_t>(lw::option_value(cfg, "data.n_labeled")) == 300);
  BOOST_TEST(contains(error_of([&] { lw::with_values(base, {{"finetune.epochs", "two"}}); }), "finetune.epochs"));
}

BOOST_AUTO_TEST_CASE(short_text_is_the_shortest_exact_decimal) {
  BOOST_TEST(lw::short_text(0.1) == "0.1");
  BOOST_TEST(lw::short_text(1e-5) == "1e-05");
  BOOST_TEST(lw::short_text(1.0 / 3) == "0.3333333333333333");
  BOOST_TEST(lw::short_text(std::int64_t{500}) == "500");
  BOOST_TEST(lw::short_text(true) == "true");
}

BOOST_AUTO_TEST_SUITE_END()
