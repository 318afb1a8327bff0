// Registry-driven tests: every registered scheme (including those a test file registers) is
// checked against the contract of pretrain/scheme.hpp with no per-scheme test code.
#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "pretrain/scheme.hpp"
#include "pretrain_test_data.hpp"

namespace {

// Records what the training loop tells observers.
struct PhaseSpy final : lw::Observer<float> {
  std::vector<lw::PhaseInfo> begun;
  int epochs = 0;
  void on_phase_begin(const lw::PhaseInfo& p) override { begun.push_back(p); }
  bool on_epoch_end(const lw::EpochMetrics&) override { return ++epochs, true; }
};

struct Fixture {
  lw_test::Patterns<float> train = lw_test::bars_and_stripes<float>(384, 1);
  lw_test::Patterns<float> valid = lw_test::bars_and_stripes<float>(128, 2);

  lw::SchemeResult<float> run(const lw::Scheme& scheme, std::uint64_t seed,
                              std::vector<lw::Observer<float>*> observers = {}) const {
    const lw::SchemeOptions options(scheme);
    const lw::LayerTask<float> task{.X = train.X,
                                    .X_valid = &valid.X,
                                    .fan_out = 8,
                                    .act = lw::Activation::sigmoid,
                                    .layer = 1,
                                    .labels = &train.y,
                                    .valid_labels = &valid.y,
                                    .n_classes = 2};
    const lw::SchemeContext<float> ctx{
        .options = options, .seed = seed, .layer = 1, .observers = observers};
    return lw::run_scheme(scheme, task, ctx);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pretrain_schemes, Fixture)

BOOST_AUTO_TEST_CASE(the_library_schemes_are_registered) {
  for (const char* name : {"ae", "dae", "sparse_ae", "contractive_ae", "rbm", "supervised"})
    BOOST_TEST(lw::has_scheme(name), name);
}

BOOST_AUTO_TEST_CASE(every_scheme_returns_a_layer_of_the_requested_shape_and_activation) {
  for (const auto& scheme : lw::schemes()) {
    BOOST_TEST_CONTEXT("scheme " << scheme.name) {
      const auto r = run(scheme, 7);
      BOOST_TEST(r.layer.W.n_rows == 8u);
      BOOST_TEST(r.layer.W.n_cols == 16u);
      BOOST_TEST(r.layer.b.n_elem == 8u);
      BOOST_TEST((r.layer.act == lw::Activation::sigmoid));
      BOOST_TEST(r.layer.W.is_finite());
      BOOST_TEST(r.layer.b.is_finite());
      BOOST_TEST((r.train.status == lw::TrainStatus::complete));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_scheme_lowers_its_own_objective_with_its_defaults) {
  for (const auto& scheme : lw::schemes()) {
    BOOST_TEST_CONTEXT("scheme " << scheme.name) {
      const auto r = run(scheme, 7);
      const lw::SchemeOptions defaults(scheme);
      BOOST_TEST_REQUIRE(r.train.epochs.size() ==
                         static_cast<std::size_t>(defaults.integer("epochs")));
      const auto& first = r.train.epochs.front();
      const auto& last = r.train.epochs.back();
      BOOST_TEST_MESSAGE(scheme.name << ": train loss " << first.train_loss << " -> "
                                     << last.train_loss << ", valid loss " << first.valid_loss
                                     << " -> " << last.valid_loss);
      BOOST_TEST(std::isfinite(first.train_loss));
      BOOST_TEST(last.train_loss < first.train_loss);
      BOOST_TEST(std::isfinite(last.valid_loss));
      BOOST_TEST(last.valid_loss < first.valid_loss);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_scheme_is_bit_identical_for_a_fixed_seed_and_depends_on_it) {
  for (const auto& scheme : lw::schemes()) {
    BOOST_TEST_CONTEXT("scheme " << scheme.name) {
      const auto a = run(scheme, 11), b = run(scheme, 11), c = run(scheme, 12);
      BOOST_TEST(arma::approx_equal(a.layer.W, b.layer.W, "absdiff", 0.0f));
      BOOST_TEST(arma::approx_equal(a.layer.b, b.layer.b, "absdiff", 0.0f));
      BOOST_TEST(a.train.epochs.back().train_loss == b.train.epochs.back().train_loss);
      BOOST_TEST(!arma::approx_equal(a.layer.W, c.layer.W, "absdiff", 0.0f));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_scheme_runs_through_the_training_loop_observers) {
  for (const auto& scheme : lw::schemes()) {
    BOOST_TEST_CONTEXT("scheme " << scheme.name) {
      PhaseSpy spy;
      run(scheme, 7, {&spy});
      BOOST_TEST_REQUIRE(spy.begun.size() == 1u);
      BOOST_TEST(spy.begun[0].name == "pretrain");
      BOOST_TEST(spy.begun[0].scheme == scheme.name);
      BOOST_TEST(spy.begun[0].layer == 1);
      BOOST_TEST(spy.epochs == lw::SchemeOptions(scheme).integer("epochs"));
    }
  }
}

BOOST_AUTO_TEST_CASE(every_scheme_has_the_common_options_and_a_listing_entry) {
  std::ostringstream listing;
  lw::write_scheme_list(listing);
  for (const auto& scheme : lw::schemes()) {
    BOOST_TEST_CONTEXT("scheme " << scheme.name) {
      const auto effective = lw::SchemeOptions(scheme).dotted_entries();
      BOOST_TEST_REQUIRE(effective.size() >= 4u);
      BOOST_TEST(effective[0].key == "pretrain." + scheme.name + ".epochs");
      BOOST_TEST((effective[0].value == lw::ConfigValue(std::int64_t{5})));
      BOOST_TEST((effective[1].value == lw::ConfigValue(std::int64_t{64})));
      BOOST_TEST((effective[2].value == lw::ConfigValue(0.1)));
      BOOST_TEST((effective[3].value == lw::ConfigValue(std::string("sgd"))));
      BOOST_TEST(listing.str().find("pretrain." + scheme.name + ".epochs = 5") !=
                 std::string::npos);
      BOOST_TEST(!scheme.summary.empty());
      for (const auto& o : scheme.options) BOOST_TEST(!o.help.empty(), o.key);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
