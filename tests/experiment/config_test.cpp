// experiment/config: the lists, the checks that name the option, and the options bound into
// fine-tuning's TrainConfig.
#include "layerwise/experiment/config.hpp"
#include "layerwise/core/build_info.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>

// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "support/error_of.hpp"
#include "support/contains.hpp"

using lw::test::contains;
using lw::test::error_of;

namespace {

lw::ParsedArgs parse(lw::ExperimentConfig& c, std::vector<std::string> args) {
  args.insert(args.begin(), "depth_sweep");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return lw::parse_arguments(static_cast<int>(argv.size()), argv.data(), c);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_config)

BOOST_AUTO_TEST_CASE(integer_lists_take_values_and_ranges_in_order) {
  BOOST_TEST(lw::parse_int_list("depths", "1,2,5-7") == (std::vector<long>{1, 2, 5, 6, 7}));
  BOOST_TEST(lw::parse_int_list("seeds", "3") == (std::vector<long>{3}));
  BOOST_TEST(lw::parse_int_list("seeds", "-2--1") == (std::vector<long>{-2, -1}));
  for (const char* bad : {"", "1,", "a", "1-", "3-1", "1.5", "1,,2"})
    BOOST_TEST(contains(error_of([&] { lw::parse_int_list("depths", bad); }),
                        "--depths: '" + std::string(bad) + "' is not a list of whole numbers"),
               bad);
  BOOST_TEST(contains(error_of([] { lw::parse_int_list("seeds", "1-3,2"); }),
                      "--seeds: 2 appears twice in '1-3,2'"));
  BOOST_TEST(contains(error_of([] { lw::parse_int_list("seeds", "1-20000"); }),
                      "--seeds: more than 10000 entries"));
}

BOOST_AUTO_TEST_CASE(name_lists_are_trimmed_and_refuse_empty_or_repeated_names) {
  BOOST_TEST(lw::parse_name_list("inits", " uniform, xavier ") ==
             (std::vector<std::string>{"uniform", "xavier"}));
  BOOST_TEST(contains(error_of([] { lw::parse_name_list("inits", "a,,b"); }),
                      "--inits: empty name in 'a,,b'"));
  BOOST_TEST(contains(error_of([] { lw::parse_name_list("inits", "a,"); }),
                      "--inits: empty name in 'a,'"));
  BOOST_TEST(contains(error_of([] { lw::parse_name_list("inits", "dae,dae"); }),
                      "--inits: 'dae' appears twice"));
}

BOOST_AUTO_TEST_CASE(validate_names_the_option_the_value_and_what_is_allowed) {
  const auto message = [](auto change) {
    lw::ExperimentConfig c;
    change(c);
    return error_of([&] { lw::validate(c); });
  };
  BOOST_TEST(message([](lw::ExperimentConfig&) {}).empty());
  BOOST_TEST(contains(message([](auto& c) { c.depths = "0,1"; }),
                      "--depths: depth must be between 1 and 100 (0)"));
  BOOST_TEST(contains(message([](auto& c) { c.precision = "half"; }),
                      "--precision: 'half' must be float32 or float64"));
  BOOST_TEST(contains(message([](auto& c) { c.finetune.train.optimizer.learning_rate = 0; }),
                      "--finetune.learning_rate: must be > 0 (0)"));
  BOOST_TEST(contains(message([](auto& c) { c.finetune.dropout = 1; }),
                      "--finetune.dropout: must be in [0, 1) (1)"));
  BOOST_TEST(contains(message([](auto& c) { c.finetune.train.optimizer.beta2 = 1; }),
                      "--finetune.beta2: must be in [0, 1) (1)"));
  BOOST_TEST(contains(message([](auto& c) { c.activations = "sigmoid,swish"; }),
                      "--activations: "));
  BOOST_TEST(contains(message([](auto& c) { c.experiment = "a/b"; }), "--experiment: 'a/b'"));
  // . and .. would write into the results root or its parent.
  for (const char* bad : {".", ".."})
    BOOST_TEST(contains(message([&](auto& c) { c.experiment = bad; }),
                        "--experiment: '" + std::string(bad) + "' must be one folder name"), bad);
  BOOST_TEST(message([](auto& c) { c.experiment = "a.b"; }).empty());
  BOOST_TEST(contains(message([](auto& c) { c.log.every = 0; }), "--log.every: must be >= 1 (0)"));
}

BOOST_AUTO_TEST_CASE(fine_tuning_options_bind_straight_into_the_training_loops_config) {
  lw::ExperimentConfig c;
  const auto args = parse(c, {"--finetune.epochs", "7", "--finetune.batch_size", "500",
                              "--finetune.learning_rate", "0.05", "--finetune.optimizer", "adam",
                              "--finetune.momentum", "0.8", "--finetune.rms_decay", "0.95",
                              "--finetune.beta1", "0.85", "--finetune.beta2", "0.99",
                              "--finetune.epsilon", "1e-6", "--finetune.weight_decay", "1e-4",
                              "--finetune.schedule", "step", "--finetune.gamma", "0.3",
                              "--finetune.step_size", "2", "--finetune.patience", "4",
                              "--finetune.monitor", "valid_loss"});
  const lw::TrainConfig& t = c.finetune.train;
  BOOST_TEST(t.epochs == 7);
  BOOST_TEST(t.batch_size == 500u);
  BOOST_TEST((t.optimizer.kind == lw::OptimizerKind::adam));
  BOOST_TEST(t.optimizer.learning_rate == 0.05);
  BOOST_TEST(t.optimizer.momentum == 0.8);
  BOOST_TEST(t.optimizer.rho == 0.95);
  BOOST_TEST(t.optimizer.beta1 == 0.85);
  BOOST_TEST(t.optimizer.beta2 == 0.99);
  BOOST_TEST(t.optimizer.epsilon == 1e-6);
  BOOST_TEST(t.optimizer.weight_decay == 1e-4);
  BOOST_TEST((t.optimizer.schedule == lw::ScheduleKind::step));
  BOOST_TEST(t.optimizer.gamma == 0.3);
  BOOST_TEST(t.optimizer.step_size == 2);
  BOOST_TEST(t.patience == 4);
  BOOST_TEST((t.monitor == lw::Monitor::valid_loss));
  // /config records the bound values typed as declared, the enums by name.
  const auto value = [&](const std::string& key) {
    for (const auto& e : args.effective)
      if (e.key == key) return e.value;
    BOOST_FAIL("no effective entry " << key);
    return lw::ConfigValue{};
  };
  BOOST_TEST((value("finetune.optimizer") == lw::ConfigValue(std::string("adam"))));
  BOOST_TEST((value("finetune.batch_size") == lw::ConfigValue(std::int64_t{500})));
  BOOST_TEST((value("finetune.epsilon") == lw::ConfigValue(1e-6)));
  BOOST_TEST((value("finetune.monitor") == lw::ConfigValue(std::string("valid_loss"))));
}

BOOST_AUTO_TEST_CASE(the_defaults_are_the_trainers_with_early_stopping_after_five_epochs) {
  const lw::TrainConfig t = lw::ExperimentConfig{}.finetune.train, trainer;
  BOOST_TEST(t.patience == 5);
  BOOST_TEST(t.epochs == trainer.epochs);
  BOOST_TEST(t.batch_size == trainer.batch_size);
  BOOST_TEST(t.optimizer.learning_rate == trainer.optimizer.learning_rate);
  BOOST_TEST(t.optimizer.rho == trainer.optimizer.rho);
  BOOST_TEST((t.monitor == trainer.monitor));
}

BOOST_AUTO_TEST_CASE(a_bad_enum_name_or_a_negative_count_is_refused_when_parsed_naming_the_option) {
  lw::ExperimentConfig c;
  std::string e = error_of([&] { parse(c, {"--finetune.optimizer", "sgdd"}); });
  BOOST_TEST(contains(e, "--finetune.optimizer: "), e);
  BOOST_TEST(contains(e, "'sgdd'"), e);
  e = error_of([&] { parse(c, {"--finetune.monitor", "valid_accuracy"}); });
  BOOST_TEST(contains(e, "--finetune.monitor: "), e);
  e = error_of([&] { parse(c, {"--finetune.batch_size", "-1"}); });  // not 2^64 - 1
  BOOST_TEST(contains(e, "--finetune.batch_size: must be >= 0 (-1)"), e);
  e = error_of([&] { parse(c, {"--data.n_train", "-5"}); });
  BOOST_TEST(contains(e, "--data.n_train: must be >= 0 (-5)"), e);
}

BOOST_AUTO_TEST_CASE(batch_sizes_beyond_the_training_set_are_refused_once_it_is_loaded) {
  lw::ExperimentConfig c;
  c.inits = "xavier,dae";
  c.finetune.train.batch_size = 64;
  const auto split_of = [](arma::uword n_train) {
    lw::Split s;
    s.train.X = arma::fmat(3, n_train, arma::fill::zeros);
    return s;
  };
  BOOST_TEST(error_of([&] { lw::validate_for_data(c, split_of(64)); }).empty());
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, split_of(63)); }),
                      "--finetune.batch_size: larger than the training set (64 > 63 examples)"));
  c.finetune.train.batch_size = 10;
  c.pretrain.options = {{"pretrain.dae.batch_size", "100"}};
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, split_of(63)); }),
                      "--pretrain.dae.batch_size: larger than the training set (100 > 63"));
}

// Caught before the first file instead of failing the first run (exit 1, a failed .partial).
BOOST_AUTO_TEST_CASE(shifts_beyond_the_images_and_featureless_data_are_refused_once_loaded) {
  lw::ExperimentConfig c;
  lw::Split s;
  s.train.X = arma::fmat(16, 100, arma::fill::zeros);
  c.finetune.max_shift = 2;
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, s); }),
                      "--finetune.max_shift: needs image data"));
  s.train.image_rows = s.train.image_cols = 4;
  BOOST_TEST(error_of([&] { lw::validate_for_data(c, s); }).empty());
  c.finetune.max_shift = 4;
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, s); }),
                      "--finetune.max_shift: 4 pixels is not smaller than the 4x4 images"));
  c.finetune.max_shift = 0;
  s.train.X = arma::fmat(0, 100);
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, s); }), "the data has no features"));
}

// Before, each failed its first run (exit 1, a failed .partial) or, for tanh, the second layer of
// every depth >= 2 run, after the depth-1 runs had been trained.
BOOST_AUTO_TEST_CASE(schemes_refuse_activations_and_data_ranges_their_layers_cannot_take) {
  lw::Split s;
  s.train.X = arma::fmat(4, 100, arma::fill::randu);  // in [0, 1]
  const auto error = [&](const std::string& inits, const std::string& acts, const std::string& depths,
                         std::map<std::string, std::string> options = {}) {
    lw::ExperimentConfig c;
    c.inits = inits;
    c.activations = acts;
    c.depths = depths;
    c.finetune.train.batch_size = 10;
    c.pretrain.options = std::move(options);
    c.pretrain.options["pretrain." + inits + ".batch_size"] = "10";
    return error_of([&] { lw::validate_for_data(c, s); });
  };
  const std::string sp = error("sparse_ae", "tanh", "1");  // the KL penalty needs sigmoid units
  BOOST_TEST(contains(sp, "pretrain.sparse_ae.beta > 0 needs sigmoid hidden units, not tanh"), sp);
  for (const char* ae : {"ae", "dae", "sparse_ae", "contractive_ae"}) {
    const bool sparse = std::string(ae) == "sparse_ae";
    const auto error_ae = [&](const std::string& acts, const std::string& depths, std::map<std::string, std::string> o = {}) {
      if (sparse) o["pretrain.sparse_ae.beta"] = "0";
      return error(ae, acts, depths, o);
    };
    BOOST_TEST_CONTEXT(ae) {
      BOOST_TEST(error_ae("sigmoid", "1,3").empty());
      BOOST_TEST(error_ae("tanh", "1").empty());  // one layer: only the data's range matters
      const std::string e = error_ae("sigmoid,tanh", "1,2");
      BOOST_TEST(contains(e, std::string("--inits ") + ae + " with --activations tanh"), e);
      BOOST_TEST(contains(e, std::string("pretrain.") + ae + ".loss = cross_entropy needs inputs in [0, 1]"), e);
      BOOST_TEST(contains(e, "tanh outputs, in [-1, 1]"), e);
      BOOST_TEST(error_ae("tanh", "2", {{std::string("pretrain.") + ae + ".loss", "squared_error"}}).empty());
    }
  }
  BOOST_TEST(contains(error("rbm", "relu", "1"), "Bernoulli hidden units need sigmoid hidden layers, not relu"));
  BOOST_TEST(error("rbm", "sigmoid", "3").empty());
  const std::string c = error("contractive_ae", "relu", "1", {{"pretrain.contractive_ae.loss", "squared_error"}});
  BOOST_TEST(contains(c, "pretrain.contractive_ae.lambda > 0 needs sigmoid or tanh hidden units, not relu"), c);
  BOOST_TEST(error("contractive_ae", "relu", "1", {{"pretrain.contractive_ae.loss", "squared_error"},
                                                   {"pretrain.contractive_ae.lambda", "0"}}).empty());
  s.train.X(0, 0) = -2;  // data outside [0, 1]
  const std::string d = error("dae", "sigmoid", "1");
  BOOST_TEST(contains(d, "the data spans [-2, "), d);
  BOOST_TEST(error("dae", "sigmoid", "1", {{"pretrain.dae.loss", "squared_error"}}).empty());
  BOOST_TEST(error("xavier", "tanh", "3").empty());  // initializers take anything
}

BOOST_AUTO_TEST_CASE(a_network_whose_parameters_cannot_fit_in_memory_is_refused_once_the_data_is_known) {
  lw::ExperimentConfig c;
  c.inits = "xavier";
  c.finetune.train.batch_size = 10;
  lw::Split s;
  s.train.X = arma::fmat(4, 100, arma::fill::zeros);
  s.info.n_features = 784;
  s.info.n_classes = 10;
  const double ram = lw::physical_memory_bytes();
  BOOST_TEST_REQUIRE(ram > 0);
  // 3 copies of (785 + 1001 (d - 1)) 1000 + 1001 10 float parameters
  BOOST_TEST(lw::run_memory_lower_bound(c, 3, 1000, 784, 10) == 12.0 * (785e3 + 2 * 1001e3 + 10010),
             boost::test_tools::tolerance(1e-12));
  c.widths = "1000";
  BOOST_TEST(error_of([&] { lw::validate_for_data(c, s); }).empty());
  const long too_wide = static_cast<long>(std::sqrt(ram / 12 / 2)) + 1;  // 2 hidden-to-hidden layers
  c.widths = "500," + std::to_string(too_wide);
  const std::string e = error_of([&] { lw::validate_for_data(c, s); });
  BOOST_TEST(contains(e, "--width " + std::to_string(too_wide) + ": a depth-3 network of that width on 784 features needs at least"), e);
  BOOST_TEST(contains(e, "but this machine has"), e);
}

BOOST_AUTO_TEST_CASE(unknown_output_and_pretrain_initializers_are_refused_up_front) {
  for (const char* option : {"output_init", "pretrain_init"}) {
    lw::ExperimentConfig c;
    (std::string(option) == "output_init" ? c.output_init : c.pretrain_init) = "foo";
    const std::string e = error_of([&] { lw::validate(c); });
    BOOST_TEST(contains(e, "--" + std::string(option) + ": unknown initializer 'foo' (known: "), e);
    BOOST_TEST(contains(e, "xavier"), e);
  }
}

BOOST_AUTO_TEST_SUITE_END()
