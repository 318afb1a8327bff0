// The greedy driver: each layer is trained on the clean output of the layers below it.
#include "layerwise/pretrain/greedy.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "layerwise/nn/make_network.hpp"
#include "layerwise/pretrain/autoencoder_scheme.hpp"
#include "pretrain_test_data.hpp"

namespace {

// A spy scheme: records the inputs it is handed, then trains an ordinary autoencoder (so it also
// satisfies the registry-driven tests of pretrain_schemes).
struct SpyRecord {
  std::vector<arma::fmat> X, X_valid;
  std::vector<int> layers;
};
SpyRecord& spy_record() {
  static SpyRecord record;
  return record;
}

template <class T>
lw::SchemeResult<T> pretrain_spy(const lw::LayerTask<T>& task, const lw::SchemeContext<T>& ctx) {
  if constexpr (std::is_same_v<T, float>) {
    spy_record().X.push_back(task.X);
    spy_record().X_valid.push_back(task.X_valid ? *task.X_valid : arma::fmat());
    spy_record().layers.push_back(task.layer);
  }
  return lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(ctx.options));
}

[[maybe_unused]] const bool registered = lw::register_scheme(lw::make_scheme(
    lw::Scheme{.name = "spy_ae",
               .summary = "test-only: records its inputs, then trains an autoencoder",
               .options = lw::autoencoder_options()},
    [](const auto& task, const auto& ctx) { return pretrain_spy(task, ctx); }));

bool identical(const arma::fmat& a, const arma::fmat& b) {
  return arma::size(a) == arma::size(b) && arma::approx_equal(a, b, "absdiff", 0.0f);
}

// A LayerCache in memory: what it was given, and how often it answered from memory.
struct MemoryCache final : lw::LayerCache<float> {
  std::vector<lw::TrainedLayer<float>> kept;
  int hits = 0, trained = 0;
  lw::TrainedLayer<float> layer(int l, const std::function<lw::TrainedLayer<float>()>& train) override {
    if (static_cast<std::size_t>(l) < kept.size()) {
      ++hits;
      auto t = kept[static_cast<std::size_t>(l)];
      t.stored_in = "memory";
      return t;
    }
    ++trained;
    auto t = train();
    if (t.train.status == lw::TrainStatus::complete) kept.push_back(t);
    return t;
  }
};

// What a results writer sees: phases begun (layer, stored_in) and epochs.
struct PhaseSpy final : lw::Observer<float> {
  std::vector<std::pair<int, std::string>> begun;
  std::vector<int> epochs_per_phase;
  void on_phase_begin(const lw::PhaseInfo& p) override {
    begun.emplace_back(p.layer, p.stored_in);
    epochs_per_phase.push_back(0);
  }
  bool on_epoch_end(const lw::EpochMetrics&) override {
    ++epochs_per_phase.back();
    return true;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_greedy)

BOOST_AUTO_TEST_CASE(each_layer_is_fed_the_clean_output_of_the_layers_below) {
  const auto train = lw_test::bars_and_stripes<float>(200, 5);
  const auto valid = lw_test::bars_and_stripes<float>(50, 6);
  spy_record() = {};
  const lw::GreedySpec spec{.scheme = "spy_ae",
                            .hidden_sizes = {12, 9, 7},
                            .seed = 3,
                            .options = {{"pretrain.spy_ae.epochs", "2"}}};
  const auto result =
      lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = train.X, .X_valid = &valid.X});
  BOOST_TEST((result.status == lw::TrainStatus::complete));
  BOOST_TEST_REQUIRE(result.layers.size() == 3u);
  BOOST_TEST_REQUIRE(spy_record().X.size() == 3u);
  BOOST_TEST(spy_record().layers == std::vector<int>({0, 1, 2}));
  arma::fmat A = train.X, A_valid = valid.X;
  for (std::size_t l = 0; l < 3; ++l) {
    BOOST_TEST_CONTEXT("layer " << l) {
      BOOST_TEST(identical(spy_record().X[l], A));
      BOOST_TEST(identical(spy_record().X_valid[l], A_valid));
      BOOST_TEST(result.layers[l].W.n_rows == spec.hidden_sizes[l]);
      BOOST_TEST(result.layers[l].W.n_cols == A.n_rows);
      // Forward through the layer returned, computed independently of EncodedSet (with the
      // library's sigmoid, so the next layer's input can be compared bit for bit).
      const arma::fmat Z = result.layers[l].W * A;
      lw::activate(lw::Activation::sigmoid, Z, result.layers[l].b, A);
      const arma::fmat Zv = result.layers[l].W * A_valid;
      lw::activate(lw::Activation::sigmoid, Zv, result.layers[l].b, A_valid);
      BOOST_TEST(arma::approx_equal(A, 1 / (1 + arma::exp(-(Z.each_col() + result.layers[l].b))),
                                    "absdiff", 1e-6f));
      if (l + 1 < 3) BOOST_TEST(arma::approx_equal(spy_record().X[l + 1], A, "absdiff", 1e-6f));
    }
  }
}

BOOST_AUTO_TEST_CASE(reports_hold_per_layer_losses_options_and_times) {
  const auto train = lw_test::bars_and_stripes<float>(128, 5);
  const auto valid = lw_test::bars_and_stripes<float>(32, 6);
  const lw::GreedySpec spec{
      .scheme = "dae",
      .hidden_sizes = {10, 6},
      .seed = 1,
      .options = {{"pretrain.dae.epochs", "3"}, {"pretrain.dae.corruption", "0.1"}}};
  const auto result =
      lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = train.X, .X_valid = &valid.X});
  BOOST_TEST_REQUIRE(result.reports.size() == 2u);
  for (int l = 0; l < 2; ++l) {
    const auto& r = result.reports[l];
    BOOST_TEST(r.layer == l);
    BOOST_TEST(r.scheme == "dae");
    BOOST_TEST(r.loss_by_epoch().size() == 3u);
    BOOST_TEST(r.valid_loss_by_epoch().size() == 3u);
    BOOST_TEST(std::isfinite(r.valid_loss_by_epoch().back()));
    for (const auto& epoch : r.train.epochs) BOOST_TEST(epoch.wall_time_s >= 0);
    bool found = false;
    for (const auto& [k, v] : r.options)
      found = found || (k == "corruption" && v == lw::ConfigValue(0.1));
    BOOST_TEST(found);
  }
}

BOOST_AUTO_TEST_CASE(the_supervised_scheme_uses_the_labels_through_the_driver) {
  const auto train = lw_test::bars_and_stripes<double>(256, 5);
  const lw::GreedySpec spec{.scheme = "supervised",
                            .hidden_sizes = {8, 8},
                            .seed = 2,
                            .options = {{"pretrain.supervised.epochs", "4"}}};
  const auto result = lw::pretrain_greedy(
      spec, lw::GreedyData<double>{.X = train.X, .labels = &train.y, .n_classes = 2});
  BOOST_TEST_REQUIRE(result.layers.size() == 2u);
  for (const auto& r : result.reports)
    BOOST_TEST(r.loss_by_epoch().back() < r.loss_by_epoch().front());
}

BOOST_AUTO_TEST_CASE(a_diverging_layer_stops_the_driver_and_says_so) {
  const auto train = lw_test::bars_and_stripes<float>(64, 5);
  const lw::GreedySpec spec{
      .scheme = "ae",
      .hidden_sizes = {8, 6, 4},
      .seed = 1,
      .options = {{"pretrain.ae.loss", "squared_error"}, {"pretrain.ae.learning_rate", "1e30"}}};
  const auto result = lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = train.X});
  BOOST_TEST((result.status == lw::TrainStatus::diverged));
  BOOST_TEST(result.layers.size() == 1u);
  BOOST_TEST(result.reports.size() == 1u);
  BOOST_TEST(result.message.find("layer 0") != std::string::npos, result.message);
}

BOOST_AUTO_TEST_CASE(bad_specs_are_rejected_before_training) {
  const auto train = lw_test::bars_and_stripes<float>(32, 5);
  const lw::GreedyData<float> data{.X = train.X};
  BOOST_CHECK_THROW(
      lw::pretrain_greedy(lw::GreedySpec{.scheme = "nope", .hidden_sizes = {4}}, data),
      std::invalid_argument);
  BOOST_CHECK_THROW(lw::pretrain_greedy(lw::GreedySpec{.scheme = "ae"}, data),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::pretrain_greedy(lw::GreedySpec{.scheme = "ae",
                                                       .hidden_sizes = {4},
                                                       .options = {{"pretrain.ae.bad", "1"}}},
                                        data),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_stacked_network_has_the_output_layer_make_network_would_draw) {
  const auto train = lw_test::bars_and_stripes<float>(64, 5);
  const lw::GreedySpec spec{
      .scheme = "ae", .hidden_sizes = {8, 6}, .seed = 9, .options = {{"pretrain.ae.epochs", "1"}}};
  auto result = lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = train.X});
  const auto pretrained = result.layers;
  const auto net = lw::stack_network(std::move(result.layers), {.n_outputs = 2}, 9);
  const auto fresh = lw::make_network<float>({.layer_sizes = {16, 8, 6, 2}}, 9);
  BOOST_TEST_REQUIRE(net.layers.size() == 3u);
  BOOST_TEST(identical(net.layers[0].W, pretrained[0].W));
  BOOST_TEST(identical(net.layers[1].W, pretrained[1].W));
  BOOST_TEST(identical(net.layers[2].W, fresh.layers[2].W));
  BOOST_TEST(arma::all(net.layers[2].b == 0.0f));
  BOOST_TEST((net.loss == lw::Loss::softmax_cross_entropy));
  BOOST_TEST((net.layers[2].act == lw::Activation::identity));
  // Pretraining starts from the arm without pretraining's weights, and moves them.
  BOOST_TEST(!identical(pretrained[0].W, fresh.layers[0].W));
}

BOOST_AUTO_TEST_CASE(a_cache_hands_out_the_layers_a_deeper_or_shallower_stack_shares_bit_for_bit) {
  const auto train = lw_test::bars_and_stripes<float>(200, 5);
  const auto valid = lw_test::bars_and_stripes<float>(50, 6);
  const lw::GreedyData<float> data{.X = train.X, .X_valid = &valid.X};
  auto spec = [](std::size_t depth) {
    return lw::GreedySpec{.scheme = "dae",
                          .hidden_sizes = std::vector<arma::uword>(depth, 10),
                          .seed = 4,
                          .options = {{"pretrain.dae.epochs", "3"}}};
  };
  const auto alone = lw::pretrain_greedy(spec(3), data);  // no cache
  MemoryCache cache;
  const auto two = lw::pretrain_greedy(spec(2), data, {}, &cache);
  BOOST_TEST(cache.trained == 2);
  BOOST_TEST(cache.hits == 0);
  PhaseSpy spy;
  const auto three = lw::pretrain_greedy(spec(3), data, lw::TrainHooks<float>{{&spy}, {}, nullptr}, &cache);
  BOOST_TEST(cache.trained == 3);  // only layer 2 is new
  BOOST_TEST(cache.hits == 2);
  BOOST_TEST_REQUIRE(three.layers.size() == 3u);
  for (std::size_t l = 0; l < 3; ++l) {
    BOOST_TEST(identical(three.layers[l].W, alone.layers[l].W), "layer " << l);
    BOOST_TEST(identical(arma::fmat(three.layers[l].b), arma::fmat(alone.layers[l].b)), "layer " << l);
    BOOST_TEST(three.reports[l].loss_by_epoch() == alone.reports[l].loss_by_epoch(),
               boost::test_tools::per_element());
  }
  BOOST_TEST(three.reports[0].stored_in == "memory");
  BOOST_TEST(three.reports[2].stored_in == "");
  // The observers see every layer: the stored ones replayed with their epochs, marked as stored.
  const std::vector<std::pair<int, std::string>> expected{{0, "memory"}, {1, "memory"}, {2, ""}};
  BOOST_TEST((spy.begun == expected));
  BOOST_TEST(spy.epochs_per_phase == std::vector<int>({3, 3, 3}), boost::test_tools::per_element());
  // A shallower stack is all stored.
  const auto one = lw::pretrain_greedy(spec(1), data, {}, &cache);
  BOOST_TEST(cache.hits == 3);
  BOOST_TEST(identical(one.layers[0].W, alone.layers[0].W));
  (void)two;
}

BOOST_AUTO_TEST_CASE(a_cache_layer_of_the_wrong_shape_is_refused) {
  const auto train = lw_test::bars_and_stripes<float>(100, 5);
  MemoryCache cache;
  cache.kept.push_back({lw::DenseLayer<float>{arma::fmat(7, train.X.n_rows, arma::fill::zeros),
                                              arma::fvec(7, arma::fill::zeros), lw::Activation::sigmoid},
                        lw::TrainResult{}, ""});
  const lw::GreedySpec spec{.scheme = "ae", .hidden_sizes = {10}, .seed = 1,
                            .options = {{"pretrain.ae.epochs", "1"}}};
  BOOST_CHECK_EXCEPTION(lw::pretrain_greedy(spec, lw::GreedyData<float>{.X = train.X}, {}, &cache),
                        std::invalid_argument, [](const std::invalid_argument& e) {
                          return std::string(e.what()).find("expected 10x") != std::string::npos;
                        });
}

BOOST_AUTO_TEST_SUITE_END()
