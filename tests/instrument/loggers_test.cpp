#include "layerwise/instrument/loggers.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "layerwise/instrument/layer_stats.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/io/results.hpp"
#include "support/temp_dir.hpp"
#include "layerwise/train/network_objective.hpp"
#include "layerwise/train/train.hpp"
#include "train/train_test_data.hpp"

namespace {

namespace tt = boost::test_tools;

// Remembers, for every fine-tuning step, what the logger should have written.
struct Expect final : lw::Observer<double> {
  bool active = false;
  std::vector<double> batch_loss;
  std::vector<std::vector<double>> grad_norm_W, update_ratio;  // per step, per layer
  std::vector<int> epoch_of_step;
  std::vector<arma::mat> W_before;  // this step's weights before the update

  void on_phase_begin(const lw::PhaseInfo& p) override { active = p.name == "finetune"; }
  void on_gradient(const lw::StepEvent<double>& e) override {
    if (!active) return;
    const auto s = lw::layer_stats(*e.objective->network(), *e.objective->trace(),
                                   *e.objective->gradients());
    batch_loss.push_back(e.batch_loss);
    grad_norm_W.push_back(s.grad_norm_W);
    epoch_of_step.push_back(e.epoch);
    W_before.clear();
    for (const auto& layer : e.objective->network()->layers) W_before.push_back(layer.W);
  }
  void on_step_end(const lw::StepEvent<double>& e) override {
    if (!active) return;
    std::vector<double> r;
    const auto* net = e.objective->network();
    // |step of W_l|, from the weights before and after; the test divides by the logged weight
    // norm (taken before the update).
    for (std::size_t l = 0; l < net->layers.size(); ++l)
      r.push_back(arma::norm(net->layers[l].W - W_before[l], "fro"));
    update_ratio.push_back(r);
  }
};

lw::NetworkInfo info_of(const lw::Network<double>& net) {
  lw::NetworkInfo info{.depth = static_cast<std::int64_t>(net.depth()),
                       .layer_sizes = {},
                       .activations = {},
                       .loss = lw::to_string(net.loss),
                       .init = "xavier",
                       .pretrain = "none",
                       .precision = "float64"};
  for (auto s : net.layer_sizes()) info.layer_sizes.push_back(static_cast<std::int64_t>(s));
  for (const auto& layer : net.layers) info.activations.push_back(lw::to_string(layer.act));
  return info;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(instrument_loggers)

BOOST_AUTO_TEST_CASE(a_training_run_writes_step_rows_every_n_steps_and_one_row_per_epoch) {
  lw::test::TempDir dir;
  const auto train = lw::test::blobs<double>(20, 4, 3, 0.7, 0.0, 12, "test/train");
  const auto valid = lw::test::blobs<double>(15, 4, 3, 0.7, 0.0, 12, "test/valid");
  auto net = lw::test::classifier<double>({4, 6, 5, 3}, lw::Activation::sigmoid, 12);
  const std::size_t L = net.layers.size();
  const arma::mat W0_initial = net.layers[0].W;
  const long every = 3;
  const int E = 4;  // 5 steps per epoch (batch 4 of 20): 20 steps, rows at 0, 3, ..., 18

  std::filesystem::path written;
  Expect expect;
  {
    lw::RunFile file(dir.path(), lw::RunHeader{"log-test", "test", 12, ""});
    file.write_network(info_of(net));
    lw::ResultsLogger<double> logger(file, every);
    lw::NetworkObjective<double> objective(net, {}, lw::make_rng(12, "finetune/dropout"));
    lw::TrainConfig c;
    c.epochs = E;
    c.batch_size = 4;
    c.optimizer.learning_rate = 0.5;
    c.restore_best = false;
    lw::Rng rng = lw::make_rng(12, "finetune/shuffle");
    const lw::TrainData<double> data{.X = train.X, .Y = train.Y, .X_valid = &valid.X,
                                     .Y_valid = &valid.Y};
    lw::TrainHooks<double> hooks;
    hooks.observers = {&logger, &expect};
    // A pretraining phase first: the logger writes nothing for it.
    lw::TrainConfig pre = c;
    pre.epochs = 1;
    lw::train<double>(objective, data, pre, rng, {.name = "pretrain", .layer = 0, .scheme = "ae"},
                      hooks);
    BOOST_TEST(expect.batch_loss.empty());
    net.layers[0].W = W0_initial;
    const auto r =
        lw::train<double>(objective, data, c, rng, lw::PhaseInfo{"finetune", -1, ""}, hooks);
    BOOST_REQUIRE((r.status == lw::TrainStatus::complete));
    BOOST_REQUIRE(r.steps == 20);
    written = file.finish(lw::RunStatus::interrupted);
  }
  BOOST_REQUIRE(expect.batch_loss.size() == 20u);

  const auto file = lw::h5::open_file(written);
  const auto steps = lw::h5::open_group(file, "finetune/steps");
  const arma::Col<std::int64_t> step = lw::h5::read_vector<std::int64_t>(steps, "step");
  const arma::Col<std::int64_t> step_epoch = lw::h5::read_vector<std::int64_t>(steps, "epoch");
  const arma::vec batch_loss = lw::h5::read_vector<double>(steps, "batch_loss");
  const std::vector<std::int64_t> expected_steps = {0, 3, 6, 9, 12, 15, 18};
  BOOST_REQUIRE(step.n_elem == expected_steps.size());
  BOOST_REQUIRE(step_epoch.n_elem == expected_steps.size());
  BOOST_REQUIRE(batch_loss.n_elem == expected_steps.size());
  for (std::size_t k = 0; k < expected_steps.size(); ++k) {
    const auto s = expected_steps[k];
    BOOST_TEST(step[k] == s);
    BOOST_TEST(step_epoch[k] == s / 5 + 1);  // 1-based epoch of the step
    BOOST_TEST(batch_loss[k] == expect.batch_loss[s]);
  }
  for (const char* name : {"grad_norm_W", "grad_norm_b", "delta_norm", "weight_norm_W",
                           "update_ratio", "act_mean", "act_std", "act_saturated"}) {
    const auto shape = lw::h5::shape(lw::h5::open_dataset(steps, name));
    BOOST_TEST(shape == (std::vector<hsize_t>{expected_steps.size(), L}), tt::per_element());
  }
  const arma::mat grad = lw::h5::read_matrix<double>(steps, "grad_norm_W");
  const arma::mat weight = lw::h5::read_matrix<double>(steps, "weight_norm_W");
  const arma::mat ratio = lw::h5::read_matrix<double>(steps, "update_ratio");
  const arma::mat sat = lw::h5::read_matrix<double>(steps, "act_saturated");
  BOOST_TEST(weight(0, 0) == arma::norm(W0_initial, "fro"), tt::tolerance(1e-12));  // step 0
  for (std::size_t k = 0; k < expected_steps.size(); ++k)
    for (std::size_t l = 0; l < L; ++l) {
      const auto s = static_cast<std::size_t>(expected_steps[k]);
      BOOST_TEST(grad(k, l) == expect.grad_norm_W[s][l], tt::tolerance(1e-12));
      BOOST_TEST(std::isfinite(ratio(k, l)));
      BOOST_TEST(ratio(k, l) > 0.0);
      BOOST_TEST(ratio(k, l) == expect.update_ratio[s][l] / weight(k, l), tt::tolerance(1e-12));
      BOOST_TEST(sat(k, l) >= 0.0);
      BOOST_TEST(sat(k, l) <= 1.0);
    }

  const auto epochs = lw::h5::open_group(file, "finetune/epochs");
  const arma::Col<std::int64_t> epoch = lw::h5::read_vector<std::int64_t>(epochs, "epoch");
  BOOST_REQUIRE(epoch.n_elem == static_cast<arma::uword>(E));
  for (int e = 0; e < E; ++e) BOOST_TEST(epoch[e] == e + 1);
  const auto gshape = lw::h5::shape(lw::h5::open_dataset(epochs, "grad_norm_W_mean"));
  BOOST_TEST(gshape == (std::vector<hsize_t>{static_cast<hsize_t>(E), L}), tt::per_element());
  // grad_norm_W_mean: the mean of ||dL/dW_l||_F over every step of the epoch (loggers.hpp).
  const arma::mat gmean = lw::h5::read_matrix<double>(epochs, "grad_norm_W_mean");
  for (int e = 0; e < E; ++e)
    for (std::size_t l = 0; l < L; ++l) {
      double sum = 0;
      for (int s = 5 * e; s < 5 * e + 5; ++s) sum += expect.grad_norm_W[s][l];
      BOOST_TEST(gmean(e, l) == sum / 5, tt::tolerance(1e-12));
    }
  const arma::vec valid_error = lw::h5::read_vector<double>(epochs, "valid_error");
  const arma::vec train_loss = lw::h5::read_vector<double>(epochs, "train_loss");
  BOOST_REQUIRE(valid_error.n_elem == static_cast<arma::uword>(E));
  for (int e = 0; e < E; ++e) {
    BOOST_TEST(valid_error[e] >= 0.0);
    BOOST_TEST(valid_error[e] <= 1.0);
    BOOST_TEST(std::isfinite(train_loss[e]));
  }
}

// PretrainLogger: each pretraining phase becomes /pretrain/layer_NN as it begins (the scheme and its
// typed options), each epoch a row as it ends (flushed), the layer's wall time when it ends; a
// fine-tuning phase writes nothing there.
BOOST_AUTO_TEST_CASE(pretraining_phases_stream_to_their_layer_groups) {
  lw::test::TempDir dir;
  {
    lw::RunFile file(dir.path(), lw::RunHeader{"pre-test", "test", 3, ""});
    lw::PretrainLogger<float> logger(file, {{"corruption", 0.25}, {"tied", true}});
    for (int layer = 0; layer < 2; ++layer) {
      const lw::PhaseInfo phase{.name = "pretrain", .layer = layer, .scheme = "dae"};
      logger.on_phase_begin(phase);
      for (int e = 0; e < 3; ++e)
        BOOST_TEST(logger.on_epoch_end(lw::EpochMetrics{.epoch = e,
                                                        .train_loss = 10.0 * layer + e,
                                                        .valid_loss = 0.5 + e}));
      logger.on_phase_end(phase, lw::TrainResult{});
    }
    const lw::PhaseInfo finetune{.name = "finetune", .layer = -1, .scheme = ""};
    logger.on_phase_begin(finetune);
    logger.on_epoch_end(lw::EpochMetrics{.epoch = 0});
    logger.on_phase_end(finetune, lw::TrainResult{});
    // Unfinished: what was flushed is in the .partial already.
    const lw::h5::Object f = lw::h5::open_file(file.path());
    const lw::h5::Object g = lw::h5::open_group(f, "pretrain/layer_01");
    BOOST_TEST(lw::h5::read_attr<std::string>(g, "scheme") == "dae");
    BOOST_TEST(lw::h5::read_attr<double>(g, "corruption") == 0.25);
    BOOST_TEST(lw::h5::read_attr<bool>(g, "tied"));
    BOOST_TEST(lw::h5::read_attr<double>(g, "wall_time_s") >= 0.0);
    const arma::Col<std::int64_t> epochs = lw::h5::read_vector<std::int64_t>(g, "epoch");
    BOOST_TEST(std::vector<std::int64_t>(epochs.begin(), epochs.end()) ==
               (std::vector<std::int64_t>{1, 2, 3}));
    const arma::vec loss = lw::h5::read_vector<double>(g, "loss");
    const arma::vec valid = lw::h5::read_vector<double>(g, "valid_loss");
    BOOST_TEST(loss(2) == 12.0);
    BOOST_TEST(valid(1) == 1.5);
    BOOST_TEST(!lw::h5::exists(f, "pretrain/layer_02"));
  }
}

BOOST_AUTO_TEST_CASE(log_every_must_be_positive) {
  lw::test::TempDir dir;
  lw::RunFile file(dir.path(), lw::RunHeader{"bad", "test", 1, ""});
  BOOST_CHECK_THROW(lw::ResultsLogger<double>(file, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
