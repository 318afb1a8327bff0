// What the autoencoder-family schemes share (pretrain/autoencoder_scheme.hpp): the tied and loss
// options, autoencoder_config's typed reading of them, train_reconstruction's targets (Y = X, the
// validation input likewise) and pretrain_autoencoder: its starting point, streams, and the
// cross-entropy input-range check naming pretrain.<scheme>.loss.
#include "layerwise/pretrain/autoencoder_scheme.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "pretrain_test_data.hpp"
#include "support/error_of.hpp"

namespace {

using lw::test::error_of;

// Unregistered schemes declaring the shared options, as ae does.
const lw::Scheme& ae_probe() {
  static const lw::Scheme scheme{.name = "ae_probe", .options = lw::autoencoder_options()};
  return scheme;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <class T>
struct Run {
  lw_test::Patterns<T> train = lw_test::bars_and_stripes<T>(48, 3);
  lw_test::Patterns<T> valid = lw_test::bars_and_stripes<T>(16, 4);
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_autoencoder_scheme)

BOOST_AUTO_TEST_CASE(the_shared_options_are_tied_and_loss_with_their_defaults_types_and_choices) {
  const std::vector<lw::SchemeOption> o = lw::autoencoder_options();
  BOOST_TEST_REQUIRE(o.size() == 2u);
  BOOST_TEST(o[0].key == "tied");
  BOOST_TEST(o[0].default_value == "true");
  BOOST_TEST((lw::option_type(o[0]) == lw::OptionType::flag));
  BOOST_TEST(o[0].choices.empty());
  BOOST_TEST(o[1].key == "loss");
  BOOST_TEST(o[1].default_value == "cross_entropy");
  BOOST_TEST((lw::option_type(o[1]) == lw::OptionType::text));
  BOOST_TEST((o[1].choices == std::vector<std::string>{"cross_entropy", "squared_error"}));
  for (const auto& option : o) BOOST_TEST(!option.help.empty(), option.key);
  // Every choice names a reconstruction loss the objective knows.
  for (const auto& c : o[1].choices) BOOST_TEST(lw::to_string(lw::parse_reconstruction(c)) == c);
}

BOOST_AUTO_TEST_CASE(the_config_takes_tied_and_loss_from_the_options_and_nothing_else) {
  const lw::AutoencoderConfig d = lw::autoencoder_config(lw::SchemeOptions(ae_probe()));
  BOOST_TEST(d.tied);
  BOOST_TEST((d.loss == lw::Reconstruction::cross_entropy));
  const lw::AutoencoderConfig plain;  // no noise, no penalties: the struct's own defaults
  BOOST_TEST((d.noise == plain.noise));
  BOOST_TEST((d.noise == lw::Noise::none));
  BOOST_TEST(d.corruption == 0.0);
  BOOST_TEST(d.sparsity_weight == 0.0);
  BOOST_TEST(d.sparsity_target == plain.sparsity_target);
  BOOST_TEST(d.contractive_weight == 0.0);

  const lw::AutoencoderConfig c = lw::autoencoder_config(lw::SchemeOptions(
      ae_probe(), {{"pretrain.ae_probe.tied", "off"}, {"pretrain.ae_probe.loss", "squared_error"}}));
  BOOST_TEST(!c.tied);
  BOOST_TEST((c.loss == lw::Reconstruction::squared_error));
  BOOST_TEST((c.noise == lw::Noise::none));
}

BOOST_AUTO_TEST_CASE(a_loss_outside_the_choices_is_refused_naming_the_option) {
  const std::string e =
      error_of([] { (void)lw::SchemeOptions(ae_probe(), {{"pretrain.ae_probe.loss", "mse"}}); });
  BOOST_TEST(e == "pretrain.ae_probe.loss must be one of cross_entropy, squared_error (mse)");
  const std::string t =
      error_of([] { (void)lw::SchemeOptions(ae_probe(), {{"pretrain.ae_probe.tied", "maybe"}}); });
  BOOST_TEST(t == "pretrain.ae_probe.tied must be true or false (maybe)");
}

BOOST_AUTO_TEST_CASE(the_config_needs_tied_as_a_flag_and_loss_as_a_text) {
  // A scheme that declared them with other types gets the getters' type errors, not a guess.
  const lw::Scheme wrong_tied{.name = "wrong_tied",
                              .options = {{"tied", "1", ""}, {"loss", "cross_entropy", ""}}};
  BOOST_TEST(error_of([&] { lw::autoencoder_config(lw::SchemeOptions(wrong_tied)); }) ==
             "pretrain.wrong_tied.tied is an integer, not a flag");
  const lw::Scheme wrong_loss{.name = "wrong_loss", .options = {{"tied", "true", ""}, {"loss", "0.5", ""}}};
  BOOST_TEST(error_of([&] { lw::autoencoder_config(lw::SchemeOptions(wrong_loss)); }) ==
             "pretrain.wrong_loss.loss is a real, not a text");
  const lw::Scheme missing{.name = "missing", .options = {{"tied", "true", ""}}};
  BOOST_TEST(contains(error_of([&] { lw::autoencoder_config(lw::SchemeOptions(missing)); }),
                      "has no option 'loss'"));
  // A free-text loss that is no reconstruction loss is refused by parse_reconstruction.
  const lw::Scheme free_loss{.name = "free_loss", .options = {{"tied", "true", ""}, {"loss", "hinge", ""}}};
  BOOST_TEST(!error_of([&] { lw::autoencoder_config(lw::SchemeOptions(free_loss)); }).empty());
}

BOOST_AUTO_TEST_CASE(cross_entropy_refuses_inputs_outside_0_1_naming_pretrain_scheme_loss) {
  const lw::SchemeOptions options(ae_probe());
  arma::fmat X(3, 4, arma::fill::value(0.5f));
  X(0, 1) = -0.5f;
  X(2, 3) = 2.0f;
  const lw::LayerTask<float> task{.X = X, .fan_out = 2, .layer = 1};
  const lw::SchemeContext<float> ctx{.options = options, .seed = 1, .layer = 1};
  const std::string e =
      error_of([&] { lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(options)); });
  BOOST_TEST(e ==
             "pretrain.ae_probe.loss = cross_entropy needs inputs in [0, 1], but layer 1's inputs span "
             "[-0.5, 2]: use loss = squared_error, or data scaled to [0, 1] with sigmoid hidden units");
}

BOOST_AUTO_TEST_CASE(the_range_check_names_the_scheme_that_runs_and_works_in_double) {
  // The registered dae reaches the same check: the message names pretrain.dae.loss.
  const lw::SchemeOptions options(lw::find_scheme("dae"));
  arma::mat X(2, 3, arma::fill::zeros);
  X(1, 2) = 1.5;
  const lw::LayerTask<double> task{.X = X, .fan_out = 2, .layer = 0};
  const lw::SchemeContext<double> ctx{.options = options, .seed = 1, .layer = 0};
  const std::string e = error_of([&] { lw::run_scheme(lw::find_scheme("dae"), task, ctx); });
  BOOST_TEST(contains(e, "pretrain.dae.loss = cross_entropy needs inputs in [0, 1]"), e);
  BOOST_TEST(contains(e, "layer 0's inputs span [0, 1.5]"), e);
}

BOOST_AUTO_TEST_CASE(inputs_on_the_bounds_pass_and_squared_error_takes_any_range) {
  const lw::SchemeOptions ce(ae_probe(), {{"pretrain.ae_probe.epochs", "1"}});
  arma::fmat X(3, 4, arma::fill::zeros);
  X(1, 1) = 1.0f;  // exactly 0 and 1: allowed
  const lw::LayerTask<float> task{.X = X, .fan_out = 2};
  const lw::SchemeContext<float> ctx{.options = ce, .seed = 1};
  BOOST_CHECK_NO_THROW(lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(ce)));
  X(1, 1) = 1.0001f;
  BOOST_CHECK_THROW(lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(ce)), std::invalid_argument);

  const lw::SchemeOptions se(ae_probe(), {{"pretrain.ae_probe.epochs", "1"},
                                          {"pretrain.ae_probe.loss", "squared_error"}});
  arma::fmat Z(3, 4, arma::fill::value(-3.0f));
  Z(0, 0) = 7.0f;
  const lw::LayerTask<float> ztask{.X = Z, .fan_out = 2};
  const lw::SchemeContext<float> zctx{.options = se, .seed = 1};
  const auto r = lw::pretrain_autoencoder(ztask, zctx, lw::autoencoder_config(se));
  BOOST_TEST(r.train.epochs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_result_is_an_encoder_of_the_task_shape_trained_for_the_option_epochs) {
  const Run<float> data;
  const lw::SchemeOptions options(ae_probe(), {{"pretrain.ae_probe.epochs", "3"},
                                               {"pretrain.ae_probe.batch_size", "16"}});
  const lw::LayerTask<float> task{.X = data.train.X, .X_valid = &data.valid.X, .fan_out = 5,
                                  .act = lw::Activation::tanh, .layer = 2};
  const lw::SchemeContext<float> ctx{.options = options, .seed = 7, .layer = 2};
  const auto r = lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(options));
  BOOST_TEST(r.layer.W.n_rows == 5u);
  BOOST_TEST(r.layer.W.n_cols == 16u);
  BOOST_TEST(r.layer.b.n_elem == 5u);
  BOOST_TEST((r.layer.act == lw::Activation::tanh));
  BOOST_TEST_REQUIRE(r.train.epochs.size() == 3u);
  BOOST_TEST(r.train.steps == 3 * 3);  // 48 examples in batches of 16
  for (const auto& e : r.train.epochs) {
    BOOST_TEST(std::isfinite(e.train_loss));
    BOOST_TEST(std::isfinite(e.valid_loss));  // the validation input was given
  }
}

BOOST_AUTO_TEST_CASE(the_batch_size_is_clamped_to_the_training_set) {
  const Run<float> data;  // 48 examples; the default batch_size is 64
  const lw::SchemeOptions options(ae_probe(), {{"pretrain.ae_probe.epochs", "2"}});
  const lw::LayerTask<float> task{.X = data.train.X, .fan_out = 4};
  const lw::SchemeContext<float> ctx{.options = options, .seed = 7};
  const auto r = lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(options));
  BOOST_TEST(r.train.steps == 2);  // one batch of 48 per epoch
  BOOST_TEST(std::isnan(r.train.epochs.back().valid_loss));  // no validation input
}

BOOST_AUTO_TEST_CASE(reconstruction_targets_are_the_clean_inputs_for_training_and_validation) {
  // No noise and one batch per epoch: epoch 0's train_loss is the untrained objective on (X, X),
  // and the last valid_loss is the trained objective on (X_valid, X_valid).
  const Run<double> data;
  const lw::SchemeOptions options(ae_probe(), {{"pretrain.ae_probe.epochs", "2"}});
  const lw::LayerTask<double> task{.X = data.train.X, .X_valid = &data.valid.X, .fan_out = 4};
  const lw::SchemeContext<double> ctx{.options = options, .seed = 3};
  const lw::AutoencoderConfig config = lw::autoencoder_config(options);
  lw::AutoencoderObjective<double> fresh(lw::initial_encoder(task, ctx), config, ctx.fork("noise"));
  const double untrained = fresh.evaluate(data.train.X, data.train.X).loss;

  lw::AutoencoderObjective<double> objective(lw::initial_encoder(task, ctx), config, ctx.fork("noise"));
  const lw::TrainResult r = lw::train_reconstruction(objective, task, ctx);
  BOOST_TEST_REQUIRE(r.epochs.size() == 2u);
  BOOST_TEST(r.epochs[0].train_loss == untrained, boost::test_tools::tolerance(1e-12));
  const double trained_valid = objective.evaluate(data.valid.X, data.valid.X).loss;
  BOOST_TEST(r.epochs[1].valid_loss == trained_valid, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(r.epochs[1].train_loss < r.epochs[0].train_loss);  // it trained on those targets
}

BOOST_AUTO_TEST_CASE(pretrain_autoencoder_is_the_initial_encoder_trained_by_train_reconstruction) {
  // The composition the header promises, rebuilt by hand, gives the same weights bit for bit.
  const Run<float> data;
  const lw::SchemeOptions options(ae_probe(), {{"pretrain.ae_probe.epochs", "2"},
                                               {"pretrain.ae_probe.batch_size", "8"},
                                               {"pretrain.ae_probe.tied", "false"}});
  const lw::LayerTask<float> task{.X = data.train.X, .X_valid = &data.valid.X, .fan_out = 6, .layer = 1};
  const lw::SchemeContext<float> ctx{.options = options, .seed = 11, .layer = 1};
  lw::AutoencoderConfig config = lw::autoencoder_config(options);
  config.noise = lw::Noise::masking;  // so the noise stream matters too
  config.corruption = 0.3;
  const auto r = lw::pretrain_autoencoder(task, ctx, config);

  lw::AutoencoderObjective<float> objective(lw::initial_encoder(task, ctx), config, ctx.fork("noise"));
  const lw::TrainResult manual = lw::train_reconstruction(objective, task, ctx);
  BOOST_TEST(arma::approx_equal(r.layer.W, objective.encoder().W, "absdiff", 0.0f));
  BOOST_TEST(arma::approx_equal(r.layer.b, objective.encoder().b, "absdiff", 0.0f));
  BOOST_TEST_REQUIRE(manual.epochs.size() == r.train.epochs.size());
  for (std::size_t e = 0; e < manual.epochs.size(); ++e) {
    BOOST_TEST(manual.epochs[e].train_loss == r.train.epochs[e].train_loss, e);
    BOOST_TEST(manual.epochs[e].valid_loss == r.train.epochs[e].valid_loss, e);
  }
  // It moved away from the initial encoder, and another seed gives another result.
  BOOST_TEST(!arma::approx_equal(r.layer.W, lw::initial_encoder(task, ctx).W, "absdiff", 0.0f));
  const lw::SchemeContext<float> other{.options = options, .seed = 12, .layer = 1};
  BOOST_TEST(!arma::approx_equal(lw::pretrain_autoencoder(task, other, config).layer.W, r.layer.W,
                                 "absdiff", 0.0f));
}

BOOST_AUTO_TEST_SUITE_END()
