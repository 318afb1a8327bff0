// The scheme contract and registry: options, overrides, errors, extension from outside lib/.
#include "layerwise/pretrain/scheme.hpp"

#include <boost/test/unit_test.hpp>

#include "support/error_of.hpp"
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/autoencoder_scheme.hpp"
#include "layerwise/pretrain/greedy.hpp"
#include "layerwise/pretrain/scheme_check.hpp"
#include "pretrain_test_data.hpp"

namespace {

using lw::test::error_of;

// A scheme defined outside the library: proves that adding one needs no library change. An
// untied, squared-error autoencoder with masking noise of its own option `dropout`.
template <class T>
lw::SchemeResult<T> pretrain_toy(const lw::LayerTask<T>& task, const lw::SchemeContext<T>& ctx) {
  lw::AutoencoderConfig config;
  config.tied = false;
  config.loss = lw::Reconstruction::squared_error;
  config.noise = lw::Noise::masking;
  config.corruption = ctx.options.real("dropout");
  return lw::pretrain_autoencoder(task, ctx, config);
}

[[maybe_unused]] const bool registered = lw::register_scheme(
    lw::make_scheme(lw::Scheme{.name = "toy_untied_ae",
                               .summary = "test-only: untied squared-error autoencoder",
                               .options = {{"dropout", "0.1", "fraction of inputs masked"}}},
                    [](const auto& task, const auto& ctx) { return pretrain_toy(task, ctx); }));

// A closed-form scheme (no training loop): the initial encoder, each unit rescaled to unit
// pre-activation variance on the layer's input and centred (LSUV-like, Mishkin & Matas 2016).
template <class T>
lw::SchemeResult<T> pretrain_rescaled(const lw::LayerTask<T>& task, const lw::SchemeContext<T>& ctx) {
  lw::DenseLayer<T> layer = lw::initial_encoder(task, ctx);
  const auto spread = [&](const arma::Mat<T>& X) {  // mean (variance - 1)^2 over the units
    const arma::Mat<T> A = layer.W * X;
    return static_cast<double>(arma::mean(arma::square(arma::var(A, 0, 1) - T(1))));
  };
  lw::TrainResult fit = ctx.closed_form([&] {
    const arma::Mat<T> Z = layer.W * task.X;
    const arma::Col<T> sd = arma::stddev(Z, 0, 1);
    for (arma::uword j = 0; j < layer.W.n_rows; ++j)
      if (sd(j) > 0) layer.W.row(j) /= sd(j);
    layer.b = -layer.W * arma::Col<T>(arma::mean(task.X, 1));
    return std::pair{spread(task.X), task.X_valid ? spread(*task.X_valid) : lw::nan_value};
  });
  return {std::move(layer), std::move(fit)};
}

[[maybe_unused]] const bool registered_closed_form = lw::register_scheme(lw::make_scheme(
    lw::Scheme{.name = "toy_rescaled",
               .summary = "test-only: closed form, units rescaled to unit variance",
               .closed_form = true},
    [](const auto& task, const auto& ctx) { return pretrain_rescaled(task, ctx); }));

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_scheme)

BOOST_AUTO_TEST_CASE(a_scheme_registered_from_a_test_file_is_found_by_the_registry_and_driver) {
  BOOST_TEST(lw::has_scheme("toy_untied_ae"));
  BOOST_TEST(lw::find_scheme("toy_untied_ae").options.at(0).key == "dropout");
  const auto data = lw_test::bars_and_stripes<float>(128, 3);
  const lw::GreedySpec spec{.scheme = "toy_untied_ae",
                            .hidden_sizes = {6, 5},
                            .seed = 4,
                            .options = {{"pretrain.toy_untied_ae.epochs", "2"}}};
  const auto result = lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = data.X});
  BOOST_TEST_REQUIRE(result.layers.size() == 2u);
  BOOST_TEST(result.layers[1].W.n_rows == 5u);
  BOOST_TEST(result.layers[1].W.n_cols == 6u);
  BOOST_TEST(result.reports[0].loss_by_epoch().size() == 2u);
}

BOOST_AUTO_TEST_CASE(encoders_start_from_the_weights_of_the_arm_without_pretraining) {
  const lw::SchemeOptions options(lw::find_scheme("ae"));
  const auto net = lw::make_network<float>({.layer_sizes = {16, 8, 8, 2}, .init = "he"}, 5);
  for (int l = 0; l < 2; ++l) {
    const arma::fmat X(l == 0 ? 16 : 8, 4, arma::fill::zeros);
    const lw::LayerTask<float> task{.X = X, .fan_out = 8, .init = "he", .layer = l};
    const lw::SchemeContext<float> ctx{.options = options, .seed = 5, .layer = l};
    const auto layer = lw::initial_encoder(task, ctx);
    BOOST_TEST(arma::approx_equal(layer.W, net.layers[l].W, "absdiff", 0.0f), "layer " << l);
  }
  // Named streams of a scheme differ by name and by layer.
  const lw::SchemeContext<float> c0{.options = options, .seed = 5, .layer = 0};
  const lw::SchemeContext<float> c1{.options = options, .seed = 5, .layer = 1};
  BOOST_TEST(c0.fork("noise").next_u64() == lw::make_rng(5, "pretrain/ae/noise", 0).next_u64());
  BOOST_TEST(c0.fork("noise").next_u64() != c1.fork("noise").next_u64());
  BOOST_TEST(c0.fork("noise").next_u64() != c0.fork("shuffle").next_u64());
}

BOOST_AUTO_TEST_CASE(option_types_follow_the_spelling_of_the_default) {
  BOOST_TEST((lw::option_type({"a", "true", ""}) == lw::OptionType::flag));
  BOOST_TEST((lw::option_type({"a", "5", ""}) == lw::OptionType::integer));
  BOOST_TEST((lw::option_type({"a", "1.0", ""}) == lw::OptionType::real));
  BOOST_TEST((lw::option_type({"a", "1e-3", ""}) == lw::OptionType::real));
  BOOST_TEST((lw::option_type({"a", "masking", ""}) == lw::OptionType::text));
}

BOOST_AUTO_TEST_CASE(overrides_replace_defaults_and_getters_are_typed) {
  const lw::SchemeOptions o(lw::find_scheme("dae"), {{"pretrain.dae.corruption", "0.3"},
                                                     {"pretrain.dae.tied", "false"},
                                                     {"pretrain.dae.epochs", "7"},
                                                     {"pretrain.ae.epochs", "9"}});
  BOOST_TEST(o.real("corruption") == 0.3);
  BOOST_TEST(!o.flag("tied"));
  BOOST_TEST(o.integer("epochs") == 7);
  BOOST_TEST(o.real("epochs") == 7.0);
  BOOST_TEST(o.text("noise") == "masking");
  BOOST_TEST(o.dotted("noise") == "pretrain.dae.noise");
  BOOST_TEST(contains(error_of([&] { o.real("nope"); }), "corruption"));
}

BOOST_AUTO_TEST_CASE(entries_are_typed_and_ordered_common_first) {
  const lw::SchemeOptions o(lw::find_scheme("dae"), {{"pretrain.dae.noise", "gaussian"},
                                                     {"pretrain.dae.epochs", "3"}});
  const auto& e = o.entries();
  BOOST_TEST_REQUIRE(e.size() == 13u);
  BOOST_TEST(e[0].key == "epochs");
  BOOST_TEST((e[0].value == lw::ConfigValue(std::int64_t{3})));
  BOOST_TEST((e[2].value == lw::ConfigValue(0.1)));  // learning_rate: a real
  BOOST_TEST(e[3].key == "optimizer");
  BOOST_TEST(e[4].key == "momentum");  // the optimizer's hyperparameters
  BOOST_TEST(e[8].key == "epsilon");
  BOOST_TEST((e[8].value == lw::ConfigValue(1e-8)));
  BOOST_TEST(e[9].key == "corruption");
  BOOST_TEST((e[9].value == lw::ConfigValue(0.25)));
  BOOST_TEST(e[10].key == "noise");
  BOOST_TEST((e[10].value == lw::ConfigValue(std::string("gaussian"))));
  const auto d = o.dotted_entries();
  BOOST_TEST_REQUIRE(d.size() == 13u);
  BOOST_TEST(d[10].key == "pretrain.dae.noise");
  BOOST_TEST((d[10].value == e[10].value));
}

BOOST_AUTO_TEST_CASE(every_optimizer_hyperparameter_reaches_the_layers_training) {
  const lw::SchemeOptions o(lw::find_scheme("ae"),
                            {{"pretrain.ae.optimizer", "adam"}, {"pretrain.ae.momentum", "0.5"},
                             {"pretrain.ae.rms_decay", "0.8"}, {"pretrain.ae.beta1", "0.7"},
                             {"pretrain.ae.beta2", "0.99"}, {"pretrain.ae.epsilon", "1e-6"}});
  const lw::SchemeContext<float> ctx{.options = o, .seed = 1, .layer = 0};
  const lw::TrainConfig t = ctx.train_config(1000);
  BOOST_TEST((t.optimizer.kind == lw::OptimizerKind::adam));
  BOOST_TEST(t.optimizer.momentum == 0.5);
  BOOST_TEST(t.optimizer.rho == 0.8);
  BOOST_TEST(t.optimizer.beta1 == 0.7);
  BOOST_TEST(t.optimizer.beta2 == 0.99);
  BOOST_TEST(t.optimizer.epsilon == 1e-6);
  // The defaults are the optimizer's own.
  const lw::SchemeOptions plain(lw::find_scheme("ae"), {});
  const lw::OptimizerConfig d = lw::SchemeContext<float>{.options = plain}.train_config(10).optimizer,
                            own;
  BOOST_TEST(d.momentum == own.momentum);
  BOOST_TEST(d.rho == own.rho);
  BOOST_TEST(d.beta1 == own.beta1);
  BOOST_TEST(d.beta2 == own.beta2);
  BOOST_TEST(d.epsilon == own.epsilon);
}

BOOST_AUTO_TEST_CASE(a_flag_is_typed_the_same_however_it_is_spelled) {
  for (const char* on : {"true", "yes", "on", "1"}) {
    const lw::SchemeOptions o(lw::find_scheme("ae"), {{"pretrain.ae.tied", on}});
    BOOST_TEST(o.flag("tied"), on);
    BOOST_TEST((o.entries()[lw::common_scheme_options().size()].value == lw::ConfigValue(true)), on);
  }
  for (const char* off : {"false", "no", "off", "0"}) {
    const lw::SchemeOptions o(lw::find_scheme("ae"), {{"pretrain.ae.tied", off}});
    BOOST_TEST(!o.flag("tied"), off);
    BOOST_TEST((o.entries()[lw::common_scheme_options().size()].value == lw::ConfigValue(false)), off);
  }
  const lw::SchemeOptions o(lw::find_scheme("ae"));
  BOOST_TEST(contains(error_of([&] { o.text("tied"); }), "pretrain.ae.tied is a flag"));
}

BOOST_AUTO_TEST_CASE(an_unknown_scheme_is_an_error_listing_the_known_names) {
  const std::string e1 = error_of([] { lw::find_scheme("denoising"); });
  const std::string e2 = error_of([] {
    lw::validate_scheme_overrides({{"pretrain.nope.x", "1"}});
  });
  for (const auto& e : {e1, e2}) {
    BOOST_TEST((contains(e, "denoising") || contains(e, "nope")), e);
    for (const char* name : {"ae", "dae", "sparse_ae", "contractive_ae", "rbm", "supervised"})
      BOOST_TEST(contains(e, name), e);
  }
  BOOST_TEST(!error_of([] { lw::validate_scheme_overrides({{"finetune.epochs", "1"}}); }).empty());
}

BOOST_AUTO_TEST_CASE(an_unknown_option_is_an_error_listing_the_scheme_options) {
  const std::string e = error_of([] {
    lw::validate_scheme_overrides({{"pretrain.dae.corruptoin", "0.1"}});
  });
  BOOST_TEST(contains(e, "pretrain.dae.corruptoin"), e);
  for (const char* key : {"epochs", "batch_size", "learning_rate", "optimizer", "corruption",
                          "noise", "tied", "loss"})
    BOOST_TEST(contains(e, key), e);
}

BOOST_AUTO_TEST_CASE(a_malformed_or_out_of_range_value_names_the_option_and_the_value) {
  const auto check = [](const std::string& key, const std::string& value) {
    const std::string e = error_of([&] { lw::validate_scheme_overrides({{key, value}}); });
    BOOST_TEST(contains(e, key), key << "=" << value << ": " << e);
    BOOST_TEST(contains(e, "(" + value + ")"), key << "=" << value << ": " << e);
  };
  check("pretrain.dae.corruption", "abc");
  check("pretrain.dae.corruption", "0.3x");
  check("pretrain.dae.corruption", "1.5");
  check("pretrain.dae.noise", "pink");
  check("pretrain.ae.tied", "maybe");
  check("pretrain.ae.epochs", "2.5");
  check("pretrain.ae.epochs", "0");
  check("pretrain.rbm.k", "0");
  check("pretrain.sparse_ae.rho", "1");
  check("pretrain.contractive_ae.lambda", "-1");
  check("pretrain.ae.learning_rate", "nan");
  check("pretrain.ae.beta2", "1");
  check("pretrain.ae.rms_decay", "0");
  check("pretrain.dae.epsilon", "-1");
  const std::string e = error_of([] {
    lw::validate_scheme_overrides({{"pretrain.ae.optimizer", "adamw"}});
  });
  BOOST_TEST(contains(e, "pretrain.ae.optimizer"), e);
  BOOST_TEST(contains(e, "adam"), e);
  BOOST_CHECK_NO_THROW(lw::validate_scheme_overrides({{"pretrain.dae.noise", "gaussian"},
                                                      {"pretrain.dae.corruption", "2.0"},
                                                      {"pretrain.rbm.k", "10"}}));
}

BOOST_AUTO_TEST_CASE(registration_rejects_bad_schemes) {
  const auto fn = [](const auto& task, const auto& ctx) { return pretrain_toy(task, ctx); };
  BOOST_TEST(!error_of([&] { lw::register_scheme(lw::make_scheme({.name = "dae"}, fn)); }).empty());
  BOOST_TEST(
      !error_of([&] { lw::register_scheme(lw::make_scheme({.name = "Bad-Name"}, fn)); }).empty());
  BOOST_TEST(!error_of([] { lw::register_scheme({.name = "no_functions"}); }).empty());
  BOOST_TEST(!error_of([&] {
                lw::register_scheme(
                    lw::make_scheme({.name = "clash", .options = {{"epochs", "3", "x"}}}, fn));
              }).empty());
  BOOST_TEST(!error_of([&] {
                lw::register_scheme(lw::make_scheme(
                    {.name = "bad_choice", .options = {{"kind", "a", "x", {"b", "c"}}}}, fn));
              }).empty());
  BOOST_TEST(!lw::has_scheme("clash"));
  BOOST_TEST(!lw::has_scheme("bad_choice"));
}

BOOST_AUTO_TEST_CASE(a_closed_form_scheme_reports_one_epoch_as_a_phase_and_keeps_the_contract) {
  BOOST_TEST(lw::testing::check_scheme("toy_rescaled").empty());
  for (const auto& problem : lw::testing::check_scheme("toy_rescaled")) BOOST_TEST_MESSAGE(problem);
}

BOOST_AUTO_TEST_CASE(a_scheme_returning_a_wrong_or_non_finite_layer_is_refused_naming_it) {
  const auto wrong = [](const auto& task, const auto& ctx) {
    auto r = pretrain_rescaled(task, ctx);
    r.layer.W.resize(r.layer.W.n_rows + 1, r.layer.W.n_cols);
    return r;
  };
  const auto nan = [](const auto& task, const auto& ctx) {
    auto r = pretrain_rescaled(task, ctx);
    r.layer.W(0, 0) = std::numeric_limits<float>::quiet_NaN();
    return r;
  };
  // Not registered (every registered scheme must keep the contract): run_scheme runs any Scheme.
  const lw::Scheme wrong_shape =
      lw::make_scheme({.name = "toy_wrong_shape", .summary = "x", .closed_form = true}, wrong);
  const lw::Scheme non_finite =
      lw::make_scheme({.name = "toy_non_finite", .summary = "x", .closed_form = true}, nan);
  const auto data = lw_test::bars_and_stripes<float>(64, 3);
  const auto run = [&](const lw::Scheme& scheme) {
    const lw::SchemeOptions options(scheme);
    const lw::LayerTask<float> task{.X = data.X, .fan_out = 4};
    const lw::SchemeContext<float> ctx{.options = options, .seed = 1};
    lw::run_scheme(scheme, task, ctx);
  };
  std::string e = error_of([&] { run(wrong_shape); });
  BOOST_TEST(contains(e, "run_scheme(toy_wrong_shape, layer 0): returned a 5x16"), e);
  e = error_of([&] { run(non_finite); });
  BOOST_TEST(contains(e, "run_scheme(toy_non_finite, layer 0): returned non-finite weights"), e);
}

BOOST_AUTO_TEST_CASE(the_listing_shows_every_scheme_summary_and_option_default) {
  std::ostringstream out;
  lw::write_scheme_list(out);
  const std::string s = out.str();
  BOOST_TEST(contains(s, "pretrain.dae.corruption = 0.25"), s);
  BOOST_TEST(contains(s, "pretrain.rbm.k = 1"), s);
  BOOST_TEST(contains(s, "masking, gaussian, salt_pepper"), s);
  for (const auto& scheme : lw::schemes()) BOOST_TEST(contains(s, scheme.summary), scheme.name);
}

BOOST_AUTO_TEST_CASE(a_scheme_that_needs_labels_refuses_to_run_without_them) {
  const auto data = lw_test::bars_and_stripes<float>(64, 3);
  const lw::GreedySpec spec{.scheme = "supervised", .hidden_sizes = {4}};
  const std::string e =
      error_of([&] { lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = data.X}); });
  BOOST_TEST(contains(e, "label"), e);
}

BOOST_AUTO_TEST_SUITE_END()
