#include "layerwise/train/train.hpp"

#include <algorithm>
#include <armadillo>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "layerwise/core/check.hpp"
#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/train/network_objective.hpp"
#include "train/train_test_data.hpp"

namespace {

using lw::TrainStatus;
namespace tt = boost::test_tools;

// An Objective that records what the loop hands it. Row 0 of X (and of Y) holds each example's
// column index, so a batch tells which examples it holds. One 1x1 parameter w with gradient 1:
// plain SGD with learning rate 1 moves w by -1 per step, so w counts the steps taken.
class SpyObjective final : public lw::Objective<double> {
 public:
  std::vector<std::vector<arma::uword>> batches;  // example indices of each compute()
  std::vector<double> valid_losses;                // evaluate() returns these in turn
  std::size_t n_evaluated = 0;
  bool targets_match = true;                       // Y's row 0 always equalled X's
  arma::mat w = arma::mat(1, 1, arma::fill::zeros), g = arma::mat(1, 1, arma::fill::ones);

  lw::BatchResult compute(const arma::mat& X, const arma::mat& Y) override {
    std::vector<arma::uword> idx;
    std::int64_t odd = 0;
    for (arma::uword j = 0; j < X.n_cols; ++j) {
      idx.push_back(static_cast<arma::uword>(X(0, j)));
      if (Y(0, j) != X(0, j)) targets_match = false;
      if (idx.back() % 2 == 1) ++odd;
    }
    batches.push_back(idx);
    return {arma::mean(X.row(0)), odd};  // loss: mean index; errors: odd indices
  }
  lw::BatchResult evaluate(const arma::mat&, const arma::mat&) override {
    const double v = n_evaluated < valid_losses.size() ? valid_losses[n_evaluated] : 100.0;
    ++n_evaluated;
    return {v, -1};
  }
  std::vector<lw::Parameter<double>> parameters() override { return {{&w, &g, false}}; }
};

// Inputs whose row 0 is the column index (and a second row of anything), targets the same.
arma::mat indexed(arma::uword n) {
  arma::mat X(2, n);
  for (arma::uword j = 0; j < n; ++j) X(0, j) = X(1, j) = static_cast<double>(j);
  return X;
}

lw::TrainConfig sgd(int epochs, arma::uword batch, double lr) {
  lw::TrainConfig c;
  c.epochs = epochs;
  c.batch_size = batch;
  c.optimizer.kind = lw::OptimizerKind::sgd;
  c.optimizer.learning_rate = lr;
  return c;
}

const lw::PhaseInfo finetune{"finetune", -1, ""};

template <class T>
lw::TrainHooks<T> watched_by(std::vector<lw::Observer<T>*> observers,
                             const std::atomic<bool>* stop = nullptr) {
  lw::TrainHooks<T> hooks;
  hooks.observers = std::move(observers);
  hooks.stop_requested = stop;
  return hooks;
}

// Records every hook as a string, and the first layer's W at each gradient and step end.
template <class T>
class Recorder final : public lw::Observer<T> {
 public:
  std::vector<std::string> log;
  std::vector<arma::Mat<T>> W_at_gradient, dW_at_gradient, W_at_step_end;
  std::vector<std::vector<lw::UpdateNorms>> norms;
  std::vector<double> learning_rates;
  bool sq_norms_null_at_gradient = true;
  int stop_after_epoch = -1;  // on_epoch_end returns false at this (0-based) epoch
  TrainStatus final_status = TrainStatus::complete;

  void on_phase_begin(const lw::PhaseInfo& p) override { log.push_back("begin " + p.name); }
  void on_gradient(const lw::StepEvent<T>& e) override {
    log.push_back(lw::cat("gradient ", e.step, " epoch ", e.epoch));
    if (e.norms) sq_norms_null_at_gradient = false;
    if (const auto* net = e.objective->network()) W_at_gradient.push_back(net->layers[0].W);
    if (const auto* g = e.objective->gradients()) dW_at_gradient.push_back(g->layers[0].dW);
    learning_rates.push_back(e.learning_rate);
  }
  void on_step_end(const lw::StepEvent<T>& e) override {
    log.push_back(lw::cat("step_end ", e.step));
    if (const auto* net = e.objective->network()) W_at_step_end.push_back(net->layers[0].W);
    norms.push_back(e.norms ? *e.norms : std::vector<lw::UpdateNorms>{});
  }
  bool on_epoch_end(const lw::EpochMetrics& m) override {
    log.push_back(lw::cat("epoch_end ", m.epoch));
    return m.epoch != stop_after_epoch;
  }
  void on_phase_end(const lw::PhaseInfo& p, const lw::TrainResult& r) override {
    log.push_back("end " + p.name);
    final_status = r.status;
  }
};

template <class T>
bool bit_identical(const lw::Network<T>& a, const lw::Network<T>& b) {
  if (a.layers.size() != b.layers.size()) return false;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const auto &x = a.layers[l], &y = b.layers[l];
    if (x.W.n_rows != y.W.n_rows || x.W.n_cols != y.W.n_cols || x.b.n_elem != y.b.n_elem)
      return false;
    if (std::memcmp(x.W.memptr(), y.W.memptr(), x.W.n_elem * sizeof(T)) != 0) return false;
    if (std::memcmp(x.b.memptr(), y.b.memptr(), x.b.n_elem * sizeof(T)) != 0) return false;
  }
  return true;
}

// A fine-tuning run of a small classifier, for the reproducibility tests.
lw::Network<float> run_classifier(std::uint64_t shuffle_seed) {
  const auto train = lw::test::blobs<float>(60, 6, 3, 0.5, 0.0, 3, "test/train");
  const auto valid = lw::test::blobs<float>(30, 6, 3, 0.5, 0.0, 3, "test/valid");
  auto net = lw::test::classifier<float>({6, 12, 8, 3}, lw::Activation::tanh, 11);
  lw::NetworkObjective<float> objective(net, {.dropout = {0.1, 0.2}, .max_norm = 3},
                                        lw::make_rng(11, "finetune/dropout"));
  lw::TrainConfig c = sgd(4, 7, 0.1);
  c.optimizer.kind = lw::OptimizerKind::momentum;
  lw::Rng rng = lw::make_rng(shuffle_seed, "finetune/shuffle");
  const auto r = lw::train<float>(objective, {.X = train.X, .Y = train.Y, .X_valid = &valid.X,
                                              .Y_valid = &valid.Y},
                                  c, rng, finetune);
  BOOST_REQUIRE((r.status == TrainStatus::complete));
  return net;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_train)

BOOST_AUTO_TEST_CASE(every_epoch_is_a_fresh_permutation_including_the_last_partial_batch) {
  const arma::uword n = 10;
  const arma::mat X = indexed(n);
  SpyObjective spy;
  lw::Rng rng = lw::make_rng(5, "finetune/shuffle");
  const auto r = lw::train<double>(spy, {.X = X, .Y = X}, sgd(4, 4, 1.0), rng, finetune);
  BOOST_TEST(r.steps == 12);  // 3 batches per epoch: 4, 4 and the partial 2
  BOOST_REQUIRE(spy.batches.size() == 12u);
  BOOST_TEST(spy.targets_match);
  lw::Rng expected_rng = lw::make_rng(5, "finetune/shuffle");
  std::vector<std::vector<arma::uword>> orders;
  for (int e = 0; e < 4; ++e) {
    BOOST_TEST(spy.batches[3 * e].size() == 4u);
    BOOST_TEST(spy.batches[3 * e + 1].size() == 4u);
    BOOST_TEST(spy.batches[3 * e + 2].size() == 2u);
    std::vector<arma::uword> order;
    for (int b = 0; b < 3; ++b)
      order.insert(order.end(), spy.batches[3 * e + b].begin(), spy.batches[3 * e + b].end());
    // Every example exactly once per epoch...
    std::vector<arma::uword> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (arma::uword j = 0; j < n; ++j) BOOST_TEST(sorted[j] == j);
    // ...in the order of permutation(n) drawn afresh from the shuffle stream.
    const arma::uvec p = lw::permutation(n, expected_rng);
    for (arma::uword j = 0; j < n; ++j) BOOST_TEST(order[j] == p[j]);
    orders.push_back(order);
  }
  for (int e = 1; e < 4; ++e) BOOST_TEST((orders[e] != orders[e - 1]));
  // The epoch's train loss weights each batch by its size: the mean index (n - 1) / 2, and the
  // error fraction is the share of odd indices.
  for (const auto& m : r.epochs) {
    BOOST_TEST(m.train_loss == 4.5, tt::tolerance(1e-12));
    BOOST_TEST(m.train_error == 0.5);
    BOOST_TEST(std::isnan(m.valid_loss));
  }
  BOOST_TEST(r.best_epoch == -1);
  BOOST_TEST(spy.w(0, 0) == -12.0);  // one SGD step per batch, no restore without validation
}

BOOST_AUTO_TEST_CASE(early_stopping_on_the_monitored_metric_restores_the_best_parameters) {
  const arma::mat X = indexed(6), Xv = indexed(3);
  SpyObjective spy;
  spy.valid_losses = {5, 4, 4.5, 3, 3.2, 3.0, 3.1, 2.0};  // best at epoch 3 (3.0 is no gain)
  lw::TrainConfig c = sgd(20, 3, 1.0);                    // 2 steps per epoch
  c.patience = 3;
  c.monitor = lw::Monitor::valid_loss;
  lw::Rng rng = lw::make_rng(1, "finetune/shuffle");
  const auto r =
      lw::train<double>(spy, {.X = X, .Y = X, .X_valid = &Xv, .Y_valid = &Xv}, c, rng, finetune);
  BOOST_TEST((r.status == TrainStatus::complete));
  BOOST_TEST(r.stopped_early);
  BOOST_TEST(r.epochs.size() == 7u);  // epochs 4, 5, 6 without improvement
  BOOST_TEST(r.best_epoch == 3);
  BOOST_TEST(r.best_metric == 3.0);
  BOOST_TEST(r.steps == 14);
  BOOST_TEST(spy.w(0, 0) == -8.0);  // the parameters after epoch 3 (4 epochs x 2 steps)

  SpyObjective keep;
  keep.valid_losses = spy.valid_losses;
  c.restore_best = false;
  lw::Rng rng2 = lw::make_rng(1, "finetune/shuffle");
  lw::train<double>(keep, {.X = X, .Y = X, .X_valid = &Xv, .Y_valid = &Xv}, c, rng2, finetune);
  BOOST_TEST(keep.w(0, 0) == -14.0);
}

BOOST_AUTO_TEST_CASE(overfitting_run_stops_early_and_restores_the_best_epoch) {
  // 24 noisy training examples, a wide network and many epochs: the validation loss falls, then
  // climbs as the network memorises the flipped labels.
  const auto train = lw::test::blobs<double>(24, 8, 3, 1.0, 0.3, 21, "test/train");
  const auto valid = lw::test::blobs<double>(400, 8, 3, 1.0, 0.3, 21, "test/valid");
  auto net = lw::test::classifier<double>({8, 128, 128, 3}, lw::Activation::relu, 4);
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(4, "finetune/dropout"));
  lw::TrainConfig c = sgd(400, 4, 0.05);
  c.patience = 10;
  c.monitor = lw::Monitor::valid_loss;
  lw::Rng rng = lw::make_rng(4, "finetune/shuffle");
  const auto r = lw::train<double>(objective, {.X = train.X, .Y = train.Y, .X_valid = &valid.X,
                                               .Y_valid = &valid.Y},
                                   c, rng, finetune);
  BOOST_TEST_MESSAGE("overfitting run: " << r.epochs.size() << " epochs, best " << r.best_epoch);
  BOOST_TEST((r.status == TrainStatus::complete));
  BOOST_TEST(r.stopped_early);
  BOOST_TEST(r.epochs.size() < 400u);
  BOOST_REQUIRE(r.best_epoch >= 0);
  BOOST_TEST(r.epochs.size() == static_cast<std::size_t>(r.best_epoch + c.patience + 1));
  // The best epoch is the first minimum of the validation loss.
  std::size_t argmin = 0;
  for (std::size_t e = 1; e < r.epochs.size(); ++e)
    if (r.epochs[e].valid_loss < r.epochs[argmin].valid_loss) argmin = e;
  BOOST_TEST(static_cast<std::size_t>(r.best_epoch) == argmin);
  BOOST_TEST(r.best_metric == r.epochs[argmin].valid_loss);
  // The final training loss is far below the best validation loss: the run overfitted.
  BOOST_TEST(r.epochs.back().train_loss < r.epochs[argmin].valid_loss);
  BOOST_TEST(r.epochs.back().valid_loss > r.best_metric);

  // The network left behind is the best epoch's: recomputing gives that epoch's figures exactly.
  lw::NetworkObjective<double> fresh(net, {}, lw::make_rng(0, "unused"));
  const lw::BatchResult v = fresh.evaluate(valid.X, valid.Y);
  const auto& best = r.epochs[r.best_epoch];
  BOOST_TEST(v.loss == best.valid_loss);
  BOOST_TEST(static_cast<double>(v.errors) / 400.0 == best.valid_error);
  BOOST_TEST(v.loss != r.epochs.back().valid_loss);
}

BOOST_AUTO_TEST_CASE(without_restore_best_the_last_epoch_parameters_remain) {
  const auto train = lw::test::blobs<double>(24, 8, 3, 1.0, 0.3, 21, "test/train");
  const auto valid = lw::test::blobs<double>(100, 8, 3, 1.0, 0.3, 21, "test/valid");
  auto net = lw::test::classifier<double>({8, 32, 3}, lw::Activation::tanh, 4);
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(4, "finetune/dropout"));
  lw::TrainConfig c = sgd(15, 4, 0.3);
  c.restore_best = false;
  c.monitor = lw::Monitor::valid_loss;
  lw::Rng rng = lw::make_rng(4, "finetune/shuffle");
  const auto r = lw::train<double>(objective, {.X = train.X, .Y = train.Y, .X_valid = &valid.X,
                                               .Y_valid = &valid.Y},
                                   c, rng, finetune);
  BOOST_TEST(r.epochs.size() == 15u);
  BOOST_TEST(!r.stopped_early);  // patience 0: never stops early
  lw::NetworkObjective<double> fresh(net, {}, lw::make_rng(0, "unused"));
  BOOST_TEST(fresh.evaluate(valid.X, valid.Y).loss == r.epochs.back().valid_loss);
}

BOOST_AUTO_TEST_CASE(huge_learning_rate_diverges_and_names_the_step) {
  // A linear network (identity hidden units) under squared error with learning rate 1e6: every
  // step multiplies the weights by about 1e6, so float32 overflows within a few steps.
  lw::Rng data_rng = lw::make_rng(8, "test/data");
  arma::fmat X(5, 16), Y(3, 16);
  lw::fill_normal(X, data_rng, 0.0, 1.0);
  lw::fill_normal(Y, data_rng, 0.0, 1.0);
  auto net = lw::make_network<float>({.layer_sizes = {5, 20, 3},
                                      .hidden = lw::Activation::identity,
                                      .loss = lw::Loss::squared_error},
                                     8);
  lw::NetworkObjective<float> objective(net, {}, lw::make_rng(8, "finetune/dropout"));
  Recorder<float> recorder;
  lw::Rng rng = lw::make_rng(8, "finetune/shuffle");
  const auto r = lw::train<float>(objective, {.X = X, .Y = Y, .X_valid = &X, .Y_valid = &Y},
                                  sgd(50, 4, 1e6), rng, finetune, watched_by<float>({&recorder}));
  BOOST_TEST_MESSAGE("divergence: " << r.message);
  BOOST_TEST((r.status == TrainStatus::diverged));
  BOOST_TEST(r.steps < 200);  // stopped long before 50 epochs x 4 steps
  BOOST_TEST(r.message.find(lw::cat("step ", r.steps)) != std::string::npos, r.message);
  BOOST_TEST(r.message.find("non-finite") != std::string::npos, r.message);
  BOOST_TEST(lw::to_string(r.status) == "diverged");
  BOOST_TEST((recorder.final_status == TrainStatus::diverged));  // on_phase_end saw the outcome
  BOOST_TEST(recorder.log.back() == "end finetune");
}

BOOST_AUTO_TEST_CASE(non_finite_parameters_with_finite_losses_diverge_at_the_epoch_end) {
  // The spy's loss stays finite, but an infinite gradient makes its parameter infinite.
  const arma::mat X = indexed(8), Xv = indexed(3);
  SpyObjective spy;
  spy.g(0, 0) = std::numeric_limits<double>::infinity();
  lw::TrainConfig c = sgd(5, 4, 1.0);
  lw::Rng rng = lw::make_rng(2, "finetune/shuffle");
  const auto r =
      lw::train<double>(spy, {.X = X, .Y = X, .X_valid = &Xv, .Y_valid = &Xv}, c, rng, finetune);
  BOOST_TEST_MESSAGE("divergence: " << r.message);
  BOOST_TEST((r.status == TrainStatus::diverged));
  BOOST_TEST(r.steps == 2);          // the first epoch's two batches, then the check
  BOOST_TEST(r.epochs.empty());      // the epoch was not recorded
  BOOST_TEST(spy.n_evaluated == 0u);
  BOOST_TEST(r.message.find("step 2") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_bit_identical_weights) {
  const auto a = run_classifier(17), b = run_classifier(17), c = run_classifier(18);
  BOOST_TEST(bit_identical(a, b));
  BOOST_TEST(!bit_identical(a, c));  // another batch order gives other weights
}

BOOST_AUTO_TEST_CASE(a_stop_flag_set_by_an_observer_interrupts_after_the_batch) {
  struct Stopper final : lw::Observer<double> {
    std::atomic<bool>* flag = nullptr;
    void on_step_end(const lw::StepEvent<double>& e) override {
      if (e.step == 4) flag->store(true);
    }
  };
  std::atomic<bool> flag{false};
  Stopper stopper;
  stopper.flag = &flag;
  Recorder<double> recorder;
  const arma::mat X = indexed(10);
  SpyObjective spy;
  lw::Rng rng = lw::make_rng(2, "finetune/shuffle");
  const auto r = lw::train<double>(spy, {.X = X, .Y = X}, sgd(10, 4, 1.0), rng, finetune,
                                   watched_by<double>({&stopper, &recorder}, &flag));
  BOOST_TEST((r.status == TrainStatus::interrupted));
  BOOST_TEST(r.steps == 5);
  BOOST_TEST(spy.batches.size() == 5u);
  BOOST_TEST(r.epochs.size() == 1u);  // the second epoch was cut short and is not recorded
  BOOST_TEST(r.message.find("interrupted") != std::string::npos, r.message);
  BOOST_TEST((recorder.final_status == TrainStatus::interrupted));
  BOOST_TEST(recorder.log.back() == "end finetune");
}

BOOST_AUTO_TEST_CASE(observers_see_the_hooks_in_order_with_gradients_before_the_update) {
  const auto data = lw::test::blobs<double>(10, 4, 2, 0.5, 0.0, 6, "test/train");
  auto net = lw::test::classifier<double>({4, 5, 2}, lw::Activation::sigmoid, 6);
  const arma::mat W_initial = net.layers[0].W;
  lw::NetworkObjective<double> objective(net, {}, lw::make_rng(6, "finetune/dropout"));
  Recorder<double> recorder;
  lw::Rng rng = lw::make_rng(6, "finetune/shuffle");
  const double lr = 0.5;
  const auto r = lw::train<double>(objective, {.X = data.X, .Y = data.Y}, sgd(2, 4, lr), rng,
                                   finetune, watched_by<double>({&recorder}));
  BOOST_TEST((r.status == TrainStatus::complete));
  const std::vector<std::string> expected = {
      "begin finetune",      "gradient 0 epoch 0", "step_end 0", "gradient 1 epoch 0",
      "step_end 1",          "gradient 2 epoch 0", "step_end 2", "epoch_end 0",
      "gradient 3 epoch 1",  "step_end 3",         "gradient 4 epoch 1", "step_end 4",
      "gradient 5 epoch 1",  "step_end 5",         "epoch_end 1", "end finetune"};
  BOOST_TEST(recorder.log == expected, tt::per_element());
  BOOST_TEST(recorder.sq_norms_null_at_gradient);
  for (double v : recorder.learning_rates) BOOST_TEST(v == lr);
  BOOST_REQUIRE(recorder.W_at_gradient.size() == 6u);
  BOOST_REQUIRE(recorder.W_at_step_end.size() == 6u);
  BOOST_TEST(arma::approx_equal(recorder.W_at_gradient[0], W_initial, "absdiff", 0.0));
  for (std::size_t s = 0; s < 6; ++s) {
    const arma::mat& before = recorder.W_at_gradient[s];
    const arma::mat& after = recorder.W_at_step_end[s];
    // At on_gradient the weights are those of the previous step end: not yet updated.
    if (s > 0)
      BOOST_TEST(arma::approx_equal(before, recorder.W_at_step_end[s - 1], "absdiff", 0.0));
    BOOST_TEST(!arma::approx_equal(before, after, "absdiff", 0.0));
    // SGD: the update is -lr dW of the gradient seen at on_gradient.
    BOOST_TEST(arma::approx_equal(after, before - lr * recorder.dW_at_gradient[s], "absdiff",
                                  1e-14));
    // norms holds |step|^2, |W|^2 before the update and |dW|^2 per parameter (W_0, b_0, ...).
    BOOST_REQUIRE(recorder.norms[s].size() == 4u);
    const double sq = arma::accu(arma::square(after - before));
    BOOST_TEST(recorder.norms[s][0].step_sq == sq, tt::tolerance(1e-10));
    BOOST_TEST(recorder.norms[s][0].param_sq == arma::accu(arma::square(before)),
               tt::tolerance(1e-12));
    BOOST_TEST(recorder.norms[s][0].grad_sq ==
                   arma::accu(arma::square(recorder.dW_at_gradient[s])),
               tt::tolerance(1e-12));
    BOOST_TEST(recorder.norms[s][1].step_sq > 0.0);
  }
}

BOOST_AUTO_TEST_CASE(returning_false_from_on_epoch_end_stops_after_every_observer_saw_it) {
  Recorder<double> first, second;
  first.stop_after_epoch = 1;
  const arma::mat X = indexed(8);
  SpyObjective spy;
  lw::Rng rng = lw::make_rng(3, "finetune/shuffle");
  const auto r = lw::train<double>(spy, {.X = X, .Y = X}, sgd(10, 4, 1.0), rng, finetune,
                                   watched_by<double>({&first, &second}));
  BOOST_TEST(r.epochs.size() == 2u);
  BOOST_TEST(r.steps == 4);
  BOOST_TEST((r.status == TrainStatus::complete));
  BOOST_TEST(!r.stopped_early);  // stopped_early is early stopping's
  BOOST_TEST(second.log[second.log.size() - 2] == "epoch_end 1");
  BOOST_TEST(second.log.back() == "end finetune");
}

BOOST_AUTO_TEST_CASE(invalid_configurations_and_data_are_rejected) {
  const arma::mat X = indexed(8);
  const arma::mat Y = indexed(7);
  SpyObjective spy;
  lw::Rng rng = lw::make_rng(3, "finetune/shuffle");
  BOOST_CHECK_THROW(lw::train<double>(spy, {.X = X, .Y = Y}, sgd(1, 4, 1.0), rng, finetune),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::train<double>(spy, {.X = X, .Y = X}, sgd(1, 9, 1.0), rng, finetune),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::train<double>(spy, {.X = X, .Y = X}, sgd(0, 4, 1.0), rng, finetune),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::parse_monitor("accuracy"), std::invalid_argument);
  BOOST_TEST(lw::to_string(lw::parse_monitor("valid_loss")) == "valid_loss");
  BOOST_TEST(spy.batches.empty());
}

BOOST_AUTO_TEST_SUITE_END()
