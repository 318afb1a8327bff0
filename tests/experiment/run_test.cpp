// experiment/run: what a run records (/config, /pretrain) and the hash resume relies on, read back
// from files run_one writes.
#include "layerwise/experiment/run.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

#include "layerwise/experiment/axes.hpp"
#include "layerwise/experiment/config.hpp"
#include "layerwise/experiment/grid.hpp"
#include "layerwise/io/datasets.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/pretrain/scheme.hpp"
#include "support/temp_dir.hpp"

namespace {

lw::ExperimentConfig small_config(const std::filesystem::path& results) {
  lw::ExperimentConfig cfg;
  cfg.results = results.string();
  cfg.experiment = std::string("run_test");
  cfg.data.source = "bars_stripes";
  cfg.data.n_examples = 200;
  cfg.finetune.train.epochs = 2;
  return cfg;
}

lw::RunSpec ae_run(long depth) {
  lw::RunSpec run{.run_id = {},
                  .depth = depth,
                  .arm = "ae",
                  .pretrained = true,
                  .activation = "sigmoid",
                  .width = 8,
                  .seed = 3};
  run.run_id = lw::canonical_run_id(run);
  return run;
}

const lw::ConfigValue& value_of(const std::vector<lw::ConfigEntry>& entries,
                                const std::string& key) {
  for (const auto& e : entries)
    if (e.key == key) return e.value;
  throw std::runtime_error("no entry " + key);
}

// The kind of an attribute as stored: int64, float64, bool (h5py's enum) or string.
std::string stored_kind(const lw::h5::Object& g, const std::string& name) {
  const hid_t attr = H5Aopen(g.id(), name.c_str(), H5P_DEFAULT);
  const hid_t type = H5Aget_type(attr);
  std::string kind;
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      kind = H5Tget_size(type) == 8 ? "int64" : "int";
      break;
    case H5T_FLOAT:
      kind = H5Tget_size(type) == 8 ? "float64" : "float";
      break;
    case H5T_ENUM:
      kind = "bool";
      break;
    case H5T_STRING:
      kind = "string";
      break;
    default:
      kind = "other";
  }
  H5Tclose(type);
  H5Aclose(attr);
  return kind;
}

std::vector<std::string> attribute_names(const lw::h5::Object& g) {
  std::vector<std::string> names;
  H5Aiterate2(
      g.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_run)

BOOST_AUTO_TEST_CASE(a_scheme_flag_is_recorded_and_hashed_as_a_bool_however_it_is_spelled) {
  lw::ExperimentConfig cfg = small_config("unused");
  const auto hash_with = [&](const std::string& tied) {
    cfg.pretrain.options = {{"pretrain.ae.tied", tied}};
    const auto entries = lw::run_config(cfg, ae_run(2), {});
    BOOST_TEST((value_of(entries, "pretrain.ae.tied") ==
                lw::ConfigValue(tied == "true" || tied == "yes" || tied == "on" || tied == "1")),
               tied);
    return std::get<std::string>(value_of(entries, "run_hash"));
  };
  const std::string on = hash_with("true"), off = hash_with("false");
  BOOST_TEST(on != off);
  for (const char* s : {"yes", "on", "1"}) BOOST_TEST(hash_with(s) == on, s);
  for (const char* s : {"no", "off", "0"}) BOOST_TEST(hash_with(s) == off, s);
}

BOOST_AUTO_TEST_CASE(every_scheme_option_is_in_config_typed_and_other_schemes_are_not) {
  lw::ExperimentConfig cfg = small_config("unused");
  cfg.pretrain.options = {{"pretrain.ae.epochs", "3"}, {"pretrain.dae.corruption", "0.4"}};
  const auto entries = lw::run_config(cfg, ae_run(1), {});
  BOOST_TEST((value_of(entries, "pretrain.ae.epochs") == lw::ConfigValue(std::int64_t{3})));
  BOOST_TEST((value_of(entries, "pretrain.ae.learning_rate") == lw::ConfigValue(0.1)));
  BOOST_TEST(
      (value_of(entries, "pretrain.ae.loss") == lw::ConfigValue(std::string("cross_entropy"))));
  for (const auto& e : entries) BOOST_TEST(e.key.rfind("pretrain.dae.", 0) != 0, e.key);
  BOOST_TEST((value_of(entries, "run.arm") == lw::ConfigValue(std::string("ae"))));
  BOOST_TEST(entries.back().key == "run_hash");
}

// The production path: run_one writes /pretrain/layer_NN with the scheme's options under their own
// keys, typed as declared, and each epoch's training and validation loss.
BOOST_AUTO_TEST_CASE(pretrain_layers_record_typed_options_under_their_own_keys_and_valid_loss) {
  lw::test::TempDir dir;
  lw::ExperimentConfig cfg = small_config(dir.path());
  cfg.pretrain.options = {{"pretrain.ae.epochs", "3"}, {"pretrain.ae.tied", "no"}};
  const lw::Split split = lw::load_split(cfg.data, 3);
  const lw::RunSpec run = ae_run(2);
  const lw::RunOutcome out = lw::run_one(cfg, run, split, {}, "test", nullptr, nullptr);
  BOOST_TEST_REQUIRE((out.status == lw::RunStatus::complete), out.message);
  const lw::h5::Object f = lw::h5::open_file(out.file);
  BOOST_TEST(lw::h5::read_attr<std::int64_t>(f, "schema_version") == 4);
  for (const char* layer : {"pretrain/layer_00", "pretrain/layer_01"}) {
    BOOST_TEST_CONTEXT(layer) {
      const lw::h5::Object g = lw::h5::open_group(f, layer);
      for (const auto& name : attribute_names(g))
        BOOST_TEST(name.find('.') == std::string::npos, name);
      BOOST_TEST(stored_kind(g, "scheme") == "string");
      BOOST_TEST(stored_kind(g, "epochs") == "int64");
      BOOST_TEST(stored_kind(g, "batch_size") == "int64");
      BOOST_TEST(stored_kind(g, "learning_rate") == "float64");
      BOOST_TEST(stored_kind(g, "optimizer") == "string");
      BOOST_TEST(stored_kind(g, "tied") == "bool");
      BOOST_TEST(stored_kind(g, "loss") == "string");
      BOOST_TEST(stored_kind(g, "wall_time_s") == "float64");
      BOOST_TEST(!lw::h5::read_attr<bool>(g, "tied"));
      BOOST_TEST(lw::h5::read_attr<std::int64_t>(g, "epochs") == 3);
      const auto epochs = lw::h5::read_vector<std::int64_t>(g, "epoch");
      const auto valid = lw::h5::read_vector<double>(g, "valid_loss");
      BOOST_TEST_REQUIRE(epochs.n_elem == 3u);
      BOOST_TEST(epochs(2) == 3);
      BOOST_TEST_REQUIRE(valid.n_elem == 3u);
      for (double v : valid) BOOST_TEST(std::isfinite(v));
    }
  }
  const lw::h5::Object config = lw::h5::open_group(f, "config");
  BOOST_TEST(stored_kind(config, "pretrain.ae.tied") == "bool");
  BOOST_TEST(!lw::h5::read_attr<bool>(config, "pretrain.ae.tied"));
  BOOST_TEST((lw::read_run_hash(out.file) ==
              std::get<std::string>(value_of(lw::run_config(cfg, run, {}), "run_hash"))));
}

// Results made by 0.2.0 are resumed, not redone: the hash of their options is unchanged by the
// options added since. The hashes below are what depth_sweep 0.2.0 (cfe04c1) wrote in /config of
//   --results R --experiment h --data.source bars_stripes --data.n_examples 200 --depths 1,2
//   --inits xavier,ae --width 8 --finetune.epochs 2 --pretrain.ae.epochs 1 --seeds 3
BOOST_AUTO_TEST_CASE(a_run_keeps_the_hash_version_0_2_0_gave_it) {
  std::vector<std::string> args{"depth_sweep", "--results", "R", "--experiment", "h",
                                "--data.source", "bars_stripes", "--data.n_examples", "200",
                                "--depths", "1,2", "--inits", "xavier,ae", "--width", "8",
                                "--finetune.epochs", "2", "--pretrain.ae.epochs", "1", "--seeds", "3"};
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  lw::ExperimentConfig cfg;
  const auto parsed = lw::parse_arguments(static_cast<int>(argv.size()), argv.data(), cfg,
                                          lw::OptionTable(),
                                          lw::describe_scheme_options(cfg.pretrain.options));
  const auto hash_of = [&](long depth, const std::string& arm) {
    lw::RunSpec run{.run_id = {}, .depth = depth, .arm = arm, .pretrained = arm == "ae",
                    .activation = "sigmoid", .width = 8, .seed = 3};
    return std::get<std::string>(value_of(lw::run_config(cfg, run, parsed.effective), "run_hash"));
  };
  BOOST_TEST(hash_of(1, "xavier") == "41991c5dce08cfde");
  BOOST_TEST(hash_of(2, "xavier") == "7d70d19dea2860ff");
  BOOST_TEST(hash_of(1, "ae") == "6510d44ca627db0b");
  BOOST_TEST(hash_of(2, "ae") == "8de610f67385ac42");
}

BOOST_AUTO_TEST_CASE(an_option_added_since_0_2_0_enters_the_hash_only_when_set_off_its_default) {
  const std::vector<lw::ConfigEntry> base{{"finetune.epochs", std::int64_t{30}},
                                          {"pretrain.sparse_ae.rho", 0.05}};
  auto with = [&](std::vector<lw::ConfigEntry> more) {
    auto e = base;
    e.insert(e.end(), more.begin(), more.end());
    return lw::run_hash(e);
  };
  const std::string h = lw::run_hash(base);
  BOOST_TEST(with({{"finetune.rms_decay", 0.9}, {"finetune.epsilon", 1e-8},
                   {"pretrain.ae.beta2", 0.999}, {"pretrain.sparse_ae.rms_decay", 0.9},
                   {"blas-kernel", std::string()}}) == h);
  BOOST_TEST(with({{"finetune.rms_decay", 0.95}}) != h);
  BOOST_TEST(with({{"pretrain.ae.beta2", 0.99}}) != h);
  BOOST_TEST(with({{"blas-kernel", std::string("haswell")}}) != h);
  // An option of the same name that is not one of them is hashed at any value.
  BOOST_TEST(with({{"pretrain.sparse_ae.beta", 3.0}}) != h);
  BOOST_TEST(with({{"pretrain.ae.extra.momentum", 0.9}}) != h);
}

BOOST_AUTO_TEST_CASE(the_defaults_run_hash_leaves_out_are_the_declared_defaults) {
  lw::ExperimentConfig cfg;
  const char* argv[] = {"depth_sweep"};
  std::vector<lw::ConfigEntry> declared = lw::parse_arguments(1, argv, cfg).effective;
  for (auto& e : lw::SchemeOptions(lw::find_scheme("ae"), {}).dotted_entries())
    declared.push_back(std::move(e));
  for (const auto& d : lw::options_hashed_when_set()) {
    if (d.key == "blas-kernel") continue;  // a sweep option (experiment/sweep), default ""
    std::string key = d.key;
    if (const auto star = key.find('*'); star != std::string::npos) key.replace(star, 1, "ae");
    bool found = false;
    for (const auto& e : declared)
      if (e.key == key) {
        found = true;
        BOOST_TEST((e.value == d.value), key);
      }
    BOOST_TEST(found, key);
  }
}

BOOST_AUTO_TEST_CASE(an_axis_value_is_the_runs_own_option_and_hashes_as_if_given_alone) {
  const auto parse = [](std::vector<std::string> args, lw::ExperimentConfig& cfg) {
    args.insert(args.begin(), "depth_sweep");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    auto parsed = lw::parse_arguments(static_cast<int>(argv.size()), argv.data(), cfg, lw::OptionTable(),
                                      lw::describe_scheme_options(cfg.pretrain.options));
    for (auto& e : lw::axis_entries(lw::resolve_axes(cfg))) parsed.effective.push_back(std::move(e));
    return parsed.effective;
  };
  lw::ExperimentConfig swept, alone;
  const auto swept_entries = parse({"--inits", "uniform,ae", "--search", "finetune.learning_rate=0.3,0.05",
                                    "--grid", "pretrain.ae.epochs=1,2", "--output_init", "arm"}, swept);
  const auto alone_entries = parse({"--inits", "uniform,ae", "--finetune.learning_rate", "0.05",
                                    "--pretrain.ae.epochs", "2", "--output_init", "uniform"}, alone);
  const auto runs = lw::expand_grid(swept);
  const auto find = [&](const std::string& id) {
    for (const auto& r : runs)
      if (r.run_id == id) return r;
    throw std::runtime_error("no run " + id);
  };
  const auto uniform = find("d1-sigmoid-w500-uniform-s01-ft_learning_rate_0.05");
  const auto config = lw::run_config(swept, uniform, swept_entries);
  BOOST_TEST(std::get<double>(value_of(config, "finetune.learning_rate")) == 0.05);
  BOOST_TEST(std::get<std::string>(value_of(config, "search.finetune.learning_rate")) == "0.3,0.05");
  BOOST_TEST(std::get<std::string>(value_of(config, "output_init")) == "uniform");  // arm: its own
  lw::RunSpec plain = uniform;
  plain.values.clear();
  BOOST_TEST(std::get<std::string>(value_of(config, "run_hash")) ==
             std::get<std::string>(value_of(lw::run_config(alone, plain, alone_entries), "run_hash")));
  // A pretrained arm's output layer starts xavier under arm; its scheme axis is its option.
  const auto ae = find("d1-sigmoid-w500-ae-s01-ft_learning_rate_0.05-epochs_2");
  BOOST_TEST(lw::output_init_of(lw::with_values(swept, ae.values), ae) == "xavier");
  BOOST_TEST(std::get<std::int64_t>(value_of(lw::run_config(swept, ae, swept_entries), "pretrain.ae.epochs")) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
