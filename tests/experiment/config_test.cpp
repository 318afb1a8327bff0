// experiment/config: the lists, the checks that name the option, and fine-tuning's TrainConfig.
#include "experiment/config.hpp"

#include <boost/test/unit_test.hpp>

// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include "support/error_of.hpp"

using lw::test::error_of;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
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
  BOOST_TEST(contains(message([](auto& c) { c.finetune.learning_rate = 0; }),
                      "--finetune.learning_rate: must be > 0 (0)"));
  BOOST_TEST(contains(message([](auto& c) { c.finetune.dropout = 1; }),
                      "--finetune.dropout: must be in [0, 1) (1)"));
  BOOST_TEST(contains(message([](auto& c) { c.finetune.optimizer = "sgdd"; }),
                      "--finetune.optimizer: "));
  BOOST_TEST(contains(message([](auto& c) { c.activations = "sigmoid,swish"; }),
                      "--activations: "));
  BOOST_TEST(contains(message([](auto& c) { c.experiment = "a/b"; }), "--experiment: 'a/b'"));
  BOOST_TEST(contains(message([](auto& c) { c.log.every = 0; }), "--log.every: must be >= 1 (0)"));
}

BOOST_AUTO_TEST_CASE(fine_tuning_options_become_the_training_loops_config) {
  lw::FinetuneConfig f;
  f.epochs = 7;
  f.batch_size = 500;
  f.learning_rate = 0.05;
  f.optimizer = "momentum";
  f.momentum = 0.8;
  f.weight_decay = 1e-4;
  f.schedule = "step";
  f.gamma = 0.3;
  f.step_size = 2;
  f.patience = 4;
  f.monitor = "valid_loss";
  const lw::TrainConfig t = lw::train_config(f, 300);
  BOOST_TEST(t.epochs == 7);
  BOOST_TEST(t.batch_size == 300u);  // capped at the training set
  BOOST_TEST((t.optimizer.kind == lw::OptimizerKind::momentum));
  BOOST_TEST(t.optimizer.learning_rate == 0.05);
  BOOST_TEST(t.optimizer.momentum == 0.8);
  BOOST_TEST(t.optimizer.weight_decay == 1e-4);
  BOOST_TEST((t.optimizer.schedule == lw::ScheduleKind::step));
  BOOST_TEST(t.optimizer.gamma == 0.3);
  BOOST_TEST(t.optimizer.step_size == 2);
  BOOST_TEST(t.patience == 4);
  BOOST_TEST((t.monitor == lw::Monitor::valid_loss));
}

BOOST_AUTO_TEST_CASE(batch_sizes_beyond_the_training_set_are_refused_once_it_is_loaded) {
  lw::ExperimentConfig c;
  c.inits = "xavier,dae";
  c.finetune.batch_size = 64;
  BOOST_TEST(error_of([&] { lw::validate_for_data(c, 64); }).empty());
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, 63); }),
                      "--finetune.batch_size: larger than the training set (64 > 63 examples)"));
  c.finetune.batch_size = 10;
  c.pretrain.options = {{"pretrain.dae.batch_size", "100"}};
  BOOST_TEST(contains(error_of([&] { lw::validate_for_data(c, 63); }),
                      "--pretrain.dae.batch_size: larger than the training set (100 > 63"));
}

BOOST_AUTO_TEST_SUITE_END()
