// The autoencoder objective: gradients against central differences, corruption, buffers.
#include "layerwise/pretrain/autoencoder.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "layerwise/nn/gradient_check.hpp"
#include "pretrain_test_data.hpp"

namespace {

using lw::Activation;
using lw::AutoencoderConfig;
using lw::Reconstruction;

// A 6-input, 4-hidden autoencoder on 5 inputs in (0, 1), random weights from a fixed stream.
struct Setup {
  arma::mat X;
  lw::DenseLayer<double> encoder;
  explicit Setup(Activation act) {
    lw::Rng rng = lw::make_rng(42, "test/autoencoder");
    X.set_size(6, 5);
    lw::fill_uniform(X, rng, 0.05, 0.95);
    encoder.W.set_size(4, 6);
    lw::fill_normal(encoder.W, rng, 0, 0.7);
    encoder.b.set_size(4);
    lw::fill_normal(encoder.b, rng, 0, 0.3);
    encoder.act = act;
  }
};

// Max relative error over every parameter between compute()'s gradients and central differences
// of evaluate()'s loss.
double gradient_error(const AutoencoderConfig& config, Activation act, std::string& where) {
  Setup s(act);
  lw::AutoencoderObjective<double> ae(s.encoder, config, lw::make_rng(1, "noise"));
  if (!config.tied) {
    lw::Rng rng = lw::make_rng(43, "test/decoder");
    lw::fill_normal(ae.decoder_weights(), rng, 0, 0.7);
  }
  lw::Rng rng = lw::make_rng(44, "test/c");
  lw::fill_normal(ae.decoder_bias(), rng, 0, 0.3);
  const double loss = ae.compute(s.X, s.X).loss;
  BOOST_TEST(loss == ae.evaluate(s.X, s.X).loss, boost::test_tools::tolerance(1e-12));
  double worst = 0;
  const auto params = ae.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    const arma::mat analytic = *params[i].grad;
    const arma::mat numeric =
        lw::numeric_gradient([&] { return ae.evaluate(s.X, s.X).loss; }, *params[i].value);
    const double e = lw::max_relative_error(analytic, numeric);
    if (e > worst) where = "parameter " + std::to_string(i);
    worst = std::max(worst, e);
  }
  return worst;
}

void check_gradients(const AutoencoderConfig& config, Activation act = Activation::sigmoid) {
  std::string where;
  const double e = gradient_error(config, act, where);
  BOOST_TEST_MESSAGE("max relative error " << e);
  BOOST_TEST(e < 1e-6, "relative error " << e << " at " << where);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_autoencoder)

BOOST_AUTO_TEST_CASE(tied_and_untied_gradients_agree_with_central_differences_for_both_losses) {
  for (bool tied : {true, false})
    for (auto loss : {Reconstruction::cross_entropy, Reconstruction::squared_error})
      for (auto act : {Activation::sigmoid, Activation::tanh}) {
        BOOST_TEST_CONTEXT("tied " << tied << ", " << lw::to_string(loss) << ", "
                                   << lw::to_string(act)) {
          check_gradients({.tied = tied, .loss = loss}, act);
        }
      }
}

BOOST_AUTO_TEST_CASE(sparse_penalty_gradients_agree_with_central_differences) {
  for (bool tied : {true, false})
    check_gradients({.tied = tied, .sparsity_weight = 3, .sparsity_target = 0.05});
}

BOOST_AUTO_TEST_CASE(contractive_penalty_gradients_agree_with_central_differences) {
  for (bool tied : {true, false})
    for (auto act : {Activation::sigmoid, Activation::tanh}) {
      BOOST_TEST_CONTEXT("tied " << tied << ", " << lw::to_string(act)) {
        check_gradients({.tied = tied, .contractive_weight = 0.7}, act);
      }
    }
  check_gradients({.tied = true,
                   .loss = Reconstruction::squared_error,
                   .sparsity_weight = 0.5,
                   .contractive_weight = 0.2});
}

BOOST_AUTO_TEST_CASE(the_penalties_have_their_closed_forms) {
  Setup s(Activation::sigmoid);
  lw::AutoencoderObjective<double> plain(s.encoder, {}, lw::make_rng(1, "n"));
  lw::AutoencoderObjective<double> cae(s.encoder, {.contractive_weight = 0.5},
                                       lw::make_rng(1, "n"));
  lw::AutoencoderObjective<double> sae(s.encoder, {.sparsity_weight = 2, .sparsity_target = 0.1},
                                       lw::make_rng(1, "n"));
  arma::mat H = s.encoder.W * s.X;
  H.each_col() += s.encoder.b;
  H = 1 / (1 + arma::exp(-H));
  const arma::mat slope = H % (1 - H);
  const arma::vec q = arma::sum(arma::square(s.encoder.W), 1);
  arma::mat slope2 = arma::square(slope);
  slope2.each_col() %= q;
  const double jacobian = arma::accu(slope2) / 5.0;
  const double base = plain.evaluate(s.X, s.X).loss;
  BOOST_TEST(cae.evaluate(s.X, s.X).loss - base == 0.5 * jacobian,
             boost::test_tools::tolerance(1e-10));
  const arma::vec r = arma::mean(H, 1);
  const double kl = arma::accu(0.1 * arma::log(0.1 / r) + 0.9 * arma::log(0.9 / (1 - r)));
  BOOST_TEST(sae.evaluate(s.X, s.X).loss - base == 2 * kl, boost::test_tools::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(corruption_is_fresh_per_batch_deterministic_per_stream_and_only_in_compute) {
  const auto p = lw_test::bars_and_stripes<double>(64, 1);
  Setup s(Activation::sigmoid);
  s.encoder.W.resize(4, 16);
  const AutoencoderConfig config{.noise = lw::Noise::masking, .corruption = 0.5};
  lw::AutoencoderObjective<double> a(s.encoder, config, lw::make_rng(1, "noise"));
  lw::AutoencoderObjective<double> b(s.encoder, config, lw::make_rng(1, "noise"));
  lw::AutoencoderObjective<double> clean(s.encoder, {}, lw::make_rng(1, "noise"));
  const double a1 = a.compute(p.X, p.X).loss, a2 = a.compute(p.X, p.X).loss;
  BOOST_TEST(a1 == b.compute(p.X, p.X).loss);  // same stream, same noise
  BOOST_TEST(a1 != a2);                        // fresh noise for the next batch
  BOOST_TEST(a1 != clean.compute(p.X, p.X).loss);
  BOOST_TEST(a.evaluate(p.X, p.X).loss == clean.evaluate(p.X, p.X).loss);
}

BOOST_AUTO_TEST_CASE(evaluate_in_chunks_matches_one_batch_and_float_matches_double) {
  const auto p = lw_test::bars_and_stripes<double>(2500, 2);  // > 2 evaluation chunks
  Setup s(Activation::sigmoid);
  s.encoder.W.resize(4, 16);
  const AutoencoderConfig config{.sparsity_weight = 1, .contractive_weight = 0.3};
  lw::AutoencoderObjective<double> ae(s.encoder, config, lw::make_rng(1, "n"));
  const double whole = ae.compute(p.X, p.X).loss;
  BOOST_TEST(ae.evaluate(p.X, p.X).loss == whole, boost::test_tools::tolerance(1e-12));
  lw::DenseLayer<float> enc{arma::conv_to<arma::fmat>::from(s.encoder.W),
                            arma::conv_to<arma::fvec>::from(s.encoder.b), Activation::sigmoid};
  lw::AutoencoderObjective<float> aef(enc, config, lw::make_rng(1, "n"));
  const arma::fmat Xf = arma::conv_to<arma::fmat>::from(p.X);
  BOOST_TEST(aef.evaluate(Xf, Xf).loss == whole, boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(bad_configurations_are_rejected) {
  Setup s(Activation::relu);
  BOOST_CHECK_THROW(
      lw::AutoencoderObjective<double>(s.encoder, {.sparsity_weight = 1}, lw::make_rng(1, "n")),
      std::invalid_argument);
  BOOST_CHECK_THROW(
      lw::AutoencoderObjective<double>(s.encoder, {.contractive_weight = 1}, lw::make_rng(1, "n")),
      std::invalid_argument);
  BOOST_CHECK_THROW(
      lw::AutoencoderObjective<double>(s.encoder, {.noise = lw::Noise::masking, .corruption = 1.5},
                                       lw::make_rng(1, "n")),
      std::invalid_argument);
  BOOST_CHECK_THROW(lw::parse_reconstruction("l1"), std::invalid_argument);
  lw::AutoencoderObjective<double> ae(s.encoder, {}, lw::make_rng(1, "n"));
  BOOST_CHECK_THROW(ae.compute(arma::mat(5, 3, arma::fill::zeros), arma::mat(5, 3)),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
