// experiment/grid: the runs of a grid and their canonical ids.
#include "layerwise/experiment/grid.hpp"
// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <set>

#include "support/error_of.hpp"

using lw::test::error_of;

namespace {

lw::ExperimentConfig grid(const std::string& depths, const std::string& inits,
                          const std::string& activations, const std::string& widths,
                          const std::string& seeds) {
  lw::ExperimentConfig cfg;
  cfg.depths = depths;
  cfg.inits = inits;
  cfg.activations = activations;
  cfg.widths = widths;
  cfg.seeds = seeds;
  return cfg;
}

const lw::RunSpec& find(const std::vector<lw::RunSpec>& runs, long depth, const std::string& arm,
                        const std::string& act, long width, std::uint64_t seed) {
  for (const auto& r : runs)
    if (r.depth == depth && r.arm == arm && r.activation == act && r.width == width &&
        r.seed == seed)
      return r;
  throw std::runtime_error("run not in the grid");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_grid)

BOOST_AUTO_TEST_CASE(a_run_keeps_its_id_when_the_grid_grows) {
  const auto small = lw::expand_grid(grid("3", "xavier", "sigmoid", "500", "2"));
  const auto big =
      lw::expand_grid(grid("1-3", "uniform,xavier,dae", "tanh,sigmoid", "500,1000", "1-2"));
  BOOST_TEST_REQUIRE(small.size() == 1u);
  BOOST_TEST(small[0].run_id == "d3-sigmoid-w500-xavier-s02");
  BOOST_TEST(find(big, 3, "xavier", "sigmoid", 500, 2).run_id == small[0].run_id);
  BOOST_TEST(find(big, 1, "dae", "tanh", 1000, 1).run_id == "d1-tanh-w1000-dae-s01");
  BOOST_TEST(find(big, 1, "dae", "tanh", 1000, 1).pretrained);
  BOOST_TEST(big.size() == 3u * 3 * 2 * 2 * 2);
}

BOOST_AUTO_TEST_CASE(ids_are_unique_file_name_safe_and_name_every_axis) {
  const auto runs =
      lw::expand_grid(grid("1,2,10", "uniform,he,sparse_ae", "relu,leaky_relu", "8,16", "0,7,123"));
  std::set<std::string> ids;
  for (const auto& r : runs) {
    ids.insert(r.run_id);
    BOOST_TEST(r.run_id == lw::canonical_run_id(r));
    BOOST_TEST(
        r.run_id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos,
        r.run_id);
  }
  BOOST_TEST(ids.size() == runs.size());
  BOOST_TEST(find(runs, 10, "sparse_ae", "leaky_relu", 16, 123).run_id ==
             "d10-leaky_relu-w16-sparse_ae-s123");
  BOOST_TEST(find(runs, 1, "uniform", "relu", 8, 0).run_id == "d1-relu-w8-uniform-s00");
}

BOOST_AUTO_TEST_CASE(legacy_ids_are_the_short_forms_of_earlier_versions) {
  const auto run =
      find(lw::expand_grid(grid("3", "xavier", "tanh", "1000", "2")), 3, "xavier", "tanh", 1000, 2);
  const auto legacy = lw::legacy_run_ids(run);
  BOOST_TEST_REQUIRE(legacy.size() == 3u);
  BOOST_TEST(legacy[0] == "d3-xavier-s02");
  BOOST_TEST(legacy[1] == "d3-tanh-xavier-s02");
  BOOST_TEST(legacy[2] == "d3-w1000-xavier-s02");
}

BOOST_AUTO_TEST_CASE(an_unknown_arm_names_both_registries) {
  const std::string e = error_of([] { lw::expand_grid(grid("1", "xavir", "sigmoid", "8", "1")); });
  BOOST_TEST(e.find("--inits: unknown initializer or scheme 'xavir'") != std::string::npos, e);
  BOOST_TEST(e.find("dae") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(shards_partition_the_grid) {
  const auto runs = lw::expand_grid(grid("1-3", "uniform,xavier", "sigmoid", "8", "1-2"));
  std::set<std::string> seen;
  for (const char* shard : {"0/3", "1/3", "2/3"})
    for (const auto& r : lw::select_shard(runs, shard)) BOOST_TEST(seen.insert(r.run_id).second);
  BOOST_TEST(seen.size() == runs.size());
  BOOST_TEST(!error_of([&] { lw::select_shard(runs, "3/3"); }).empty());
}

BOOST_AUTO_TEST_CASE(other_axes_multiply_the_grid_and_a_run_keeps_its_id_when_an_axis_grows) {
  auto cfg = grid("2", "xavier,dae", "sigmoid", "16", "1");
  cfg.axes = {{"finetune.learning_rate", "0.1", true}};
  const auto small = lw::expand_grid(cfg);
  cfg.axes = {{"finetune.learning_rate", "0.01,0.1,0.3", true}, {"pretrain.dae.corruption", "0.1,0.4", false},
              {"data.n_labeled", "100,1000", false}};
  const auto big = lw::expand_grid(cfg);
  // xavier: 3 rates x 2 label counts; dae: also x 2 corruptions (its own option).
  BOOST_TEST(big.size() == 3u * 2 + 3u * 2 * 2);
  std::set<std::string> ids;
  for (const auto& r : big) ids.insert(r.run_id);
  BOOST_TEST(ids.size() == big.size());
  BOOST_TEST_REQUIRE(small.size() == 2u);
  BOOST_TEST(small[0].run_id == "d2-sigmoid-w16-xavier-s01-ft_learning_rate_0.1");
  BOOST_TEST(small[1].run_id == "d2-sigmoid-w16-dae-s01-ft_learning_rate_0.1");
  const auto big_cfg = cfg;
  cfg.axes = {{"finetune.learning_rate", "0.01,0.1,0.3", true}};
  const auto grown = lw::expand_grid(cfg);
  for (const auto& r : small)
    BOOST_TEST((std::count_if(grown.begin(), grown.end(), [&](const lw::RunSpec& g) { return g.run_id == r.run_id; }) == 1),
               r.run_id);
  const auto& dae = *std::find_if(big.begin(), big.end(), [](const lw::RunSpec& r) { return r.arm == "dae"; });
  BOOST_TEST(dae.run_id == "d2-sigmoid-w16-dae-s01-n_labeled_100-ft_learning_rate_0.01-corruption_0.1");
  BOOST_TEST_REQUIRE(dae.values.size() == 3u);
  BOOST_TEST(dae.values[0].first == "data.n_labeled");
  // Its ids while fewer options were axes (none, one, two of the three): adopted by a sweep when
  // made with the same options.
  const auto legacy = lw::legacy_run_ids(dae, lw::resolve_axes(big_cfg));
  BOOST_TEST_REQUIRE(legacy.size() == 3u + 7);
  BOOST_TEST(legacy[3] == "d2-sigmoid-w16-dae-s01");
  BOOST_TEST(legacy[4] == "d2-sigmoid-w16-dae-s01-n_labeled_100");
  BOOST_TEST(legacy[9] == "d2-sigmoid-w16-dae-s01-ft_learning_rate_0.01-corruption_0.1");
  BOOST_TEST((std::find(legacy.begin(), legacy.end(), dae.run_id) == legacy.end()));
}

BOOST_AUTO_TEST_CASE(a_value_that_is_no_plain_file_name_part_is_hashed) {
  auto cfg = grid("1", "xavier", "sigmoid", "8", "1");
  cfg.axes = {{"data.path", "/tmp/a b,/tmp/c", false}};
  const auto runs = lw::expand_grid(cfg);
  BOOST_TEST_REQUIRE(runs.size() == 2u);
  for (const auto& r : runs) {
    BOOST_TEST(r.run_id.rfind("d1-sigmoid-w8-xavier-s01-path_h", 0) == 0u, r.run_id);
    BOOST_TEST(r.run_id.size() == std::string("d1-sigmoid-w8-xavier-s01-path_h").size() + 8, r.run_id);
  }
  BOOST_TEST(runs[0].run_id != runs[1].run_id);
}

BOOST_AUTO_TEST_CASE(the_grid_size_limit_counts_the_other_axes) {
  auto cfg = grid("1-10", "xavier", "sigmoid", "8", "1-100");
  std::string many;
  for (int i = 1; i <= 101; ++i) many += (many.empty() ? "" : ",") + std::to_string(i);
  cfg.axes = {{"finetune.epochs", many, false}};
  const std::string e = error_of([&] { lw::expand_grid(cfg); });
  BOOST_TEST(e.find("the other axes x seeds) has more than 100000 runs") != std::string::npos, e);
}

BOOST_AUTO_TEST_SUITE_END()
