// pretrain/scheme_check: the contract checks report each broken rule, naming the scheme, and pass
// a scheme that keeps them. The schemes here are not registered (every registered one must pass:
// pretrain_schemes), so check_scheme(const Scheme&) takes them directly.
#include "layerwise/pretrain/scheme_check.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "layerwise/pretrain/autoencoder_scheme.hpp"
#include "layerwise/pretrain/scheme.hpp"
#include "support/contains.hpp"

using lw::test::contains;

namespace {

bool any_contains(const std::vector<std::string>& problems, const std::string& part) {
  for (const auto& p : problems)
    if (contains(p, part)) return true;
  return false;
}

// ae's training, then `spoil` applied to the result.
template <class Spoil>
lw::Scheme ae_then(const std::string& name, Spoil spoil, std::vector<lw::SchemeOption> options = {}) {
  return lw::make_scheme(lw::Scheme{.name = name, .summary = "test-only", .options = std::move(options)},
                         [spoil](const auto& task, const auto& ctx) {
                           auto r = lw::pretrain_autoencoder(task, ctx, lw::autoencoder_config(ctx.options));
                           spoil(r, ctx);
                           return r;
                         });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pretrain_scheme_check)

BOOST_AUTO_TEST_CASE(an_unknown_name_fails_the_check_listing_the_known_ones) {
  const auto problems = lw::testing::check_scheme("nope");
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(contains(problems[0], "scheme nope: not registered (known: ae, "), problems[0]);
}

BOOST_AUTO_TEST_CASE(a_scheme_that_keeps_the_contract_passes_registered_or_not) {
  BOOST_TEST(lw::testing::check_scheme("ae").empty());
  const auto plain = ae_then("toy_plain", [](auto&, const auto&) {}, lw::autoencoder_options());
  for (const auto& p : lw::testing::check_scheme(plain)) BOOST_ERROR(p);
}

BOOST_AUTO_TEST_CASE(each_broken_rule_is_reported_naming_the_scheme) {
  // Missing help and summary.
  auto bare = ae_then("toy_bare", [](auto&, const auto&) {}, lw::autoencoder_options());
  bare.summary.clear();
  bare.options.push_back({"extra", "1", ""});
  auto problems = lw::testing::check_scheme(bare);
  BOOST_TEST(any_contains(problems, "scheme toy_bare: no summary"));
  BOOST_TEST(any_contains(problems, "option extra has no help"));
  // One epoch fewer than its epochs option, as the result says.
  problems = lw::testing::check_scheme(ae_then("toy_short", [](auto& r, const auto&) { r.train.epochs.pop_back(); },
                                               lw::autoencoder_options()));
  BOOST_TEST(any_contains(problems, "reported 4 epochs; expected 5 (its epochs option)"));
  // Not the same bits for one seed.
  problems = lw::testing::check_scheme(ae_then("toy_noisy", [](auto& r, const auto&) {
    static float bump = 0;
    r.layer.W(0, 0) += (bump += 1.0f);
  }, lw::autoencoder_options()));
  BOOST_TEST(any_contains(problems, "two runs with seed 11 gave different weights"));
  // Training that does not lower its loss.
  problems = lw::testing::check_scheme(ae_then("toy_flat", [](auto& r, const auto&) {
    for (auto& e : r.train.epochs) e.train_loss = 1.0;
  }, lw::autoencoder_options()));
  BOOST_TEST(any_contains(problems, "training loss did not fall with the defaults"));
}

BOOST_AUTO_TEST_SUITE_END()
