// experiment/summary: the sweep's table of test error by arm x depth (x activation x width).
#include "layerwise/experiment/summary.hpp"
// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "support/contains.hpp"
#include "support/temp_dir.hpp"

using lw::test::contains;

namespace tt = boost::test_tools;

namespace {

lw::RunSpec spec(long depth, const std::string& arm, std::uint64_t seed,
                 const std::string& act = "sigmoid") {
  lw::RunSpec r{.run_id = {},
                .depth = depth,
                .arm = arm,
                .pretrained = false,
                .activation = act,
                .width = 8,
                .seed = seed};
  r.run_id = lw::canonical_run_id(r);
  return r;
}

lw::RunOutcome complete(double test_error, std::int64_t epochs, double wall, double valid_error = 0) {
  lw::RunOutcome o{.status = lw::RunStatus::complete, .summary = {}, .message = {}, .file = {}};
  o.summary.test_error = test_error;
  o.summary.best_valid_error = valid_error;
  o.summary.epochs_run = epochs;
  o.summary.total_wall_time_s = wall;
  return o;
}

// A run of depth 2 xavier with a learning rate (searched) and a label count (compared).
lw::RunSpec tuned(const std::string& rate, const std::string& labels, std::uint64_t seed) {
  lw::RunSpec r = spec(2, "xavier", seed);
  r.values = {{"data.n_labeled", labels}, {"finetune.learning_rate", rate}};
  return r;
}

const std::vector<lw::Axis> tuned_axes{
    {.key = "data.n_labeled", .searched = false, .scheme = "", .values = {"100", "1000"}, .id_name = "n_labeled"},
    {.key = "finetune.learning_rate", .searched = true, .scheme = "", .values = {"0.01", "0.1", "0.3"},
     .id_name = "ft_learning_rate"}};

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_summary)

BOOST_AUTO_TEST_CASE(selection_takes_the_lowest_mean_validation_error_never_the_test_error) {
  // 100 labels: 0.1 has the lowest test error, 0.3 the lowest validation error: 0.3 is chosen.
  // 1000 labels: 0.01 and 0.1 tie on validation error: the first listed (0.01) is chosen.
  const std::vector<lw::RunSpec> runs{tuned("0.01", "100", 1), tuned("0.01", "100", 2), tuned("0.1", "100", 1),
                                      tuned("0.1", "100", 2),  tuned("0.3", "100", 1),  tuned("0.3", "100", 2),
                                      tuned("0.01", "1000", 1), tuned("0.1", "1000", 1), tuned("0.3", "1000", 1)};
  const std::vector<std::optional<lw::RunOutcome>> outcomes{
      complete(0.30, 1, 1, 0.30), complete(0.32, 1, 1, 0.30), complete(0.10, 1, 1, 0.25),
      complete(0.12, 1, 1, 0.27), complete(0.20, 1, 1, 0.20), complete(0.22, 1, 1, 0.22),
      complete(0.15, 1, 1, 0.10), complete(0.05, 1, 1, 0.10), complete(0.01, 1, 1, 0.40)};
  const auto rows = lw::summarize(runs, outcomes, tuned_axes);
  BOOST_TEST_REQUIRE(rows.size() == 6u);
  std::vector<std::string> chosen;
  for (const auto& r : rows) {
    BOOST_TEST(r.n_settings == 3);
    BOOST_TEST_REQUIRE(r.compared.size() == 1u);
    BOOST_TEST_REQUIRE(r.searched.size() == 1u);
    if (r.selected) chosen.push_back(r.compared[0].second + ":" + r.searched[0].second);
  }
  BOOST_TEST(chosen == (std::vector<std::string>{"100:0.3", "1000:0.01"}), tt::per_element());
  const auto& best = *std::find_if(rows.begin(), rows.end(), [](const lw::SummaryRow& r) { return r.selected; });
  BOOST_TEST(best.valid_error_mean == 0.21, tt::tolerance(1e-12));
  BOOST_TEST(best.test_error_mean == 0.21, tt::tolerance(1e-12));
  const std::string table = lw::format_summary(rows, true);
  BOOST_TEST(contains(table, "finetune.learning_rate=0.3 (of 3)"), table);
  BOOST_TEST(!contains(table, "finetune.learning_rate=0.1 "), table);
  const std::string every = lw::format_summary(rows);
  BOOST_TEST(std::count(every.begin(), every.end(), '\n') == 7, every);  // header and 6 settings
}

BOOST_AUTO_TEST_CASE(a_setting_with_a_diverged_seed_is_chosen_only_when_all_have_one) {
  const lw::RunOutcome diverged{.status = lw::RunStatus::diverged, .summary = {}, .message = {}, .file = {}};
  const std::vector<lw::RunSpec> runs{tuned("0.3", "100", 1), tuned("0.3", "100", 2), tuned("0.1", "100", 1),
                                      tuned("0.1", "100", 2)};
  auto rows = lw::summarize(runs, {complete(0.1, 1, 1, 0.05), diverged, complete(0.3, 1, 1, 0.3),
                                   complete(0.3, 1, 1, 0.3)},
                            tuned_axes);
  BOOST_TEST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[1].selected);  // 0.1: both seeds complete
  BOOST_TEST(!rows[0].selected);
  rows = lw::summarize(runs, {complete(0.1, 1, 1, 0.05), diverged, complete(0.3, 1, 1, 0.3), diverged}, tuned_axes);
  BOOST_TEST(rows[0].selected);  // both have one: the lower validation error
  // No setting completed: nothing is selected, and the group keeps its row in the table.
  rows = lw::summarize(runs, {diverged, diverged, diverged, diverged}, tuned_axes);
  BOOST_TEST(!rows[0].selected);
  BOOST_TEST(!rows[1].selected);
  const std::string table = lw::format_summary(rows, true);
  BOOST_TEST(contains(table, "none: no setting completed (of 2)"), table);
  BOOST_TEST(std::count(table.begin(), table.end(), '\n') == 2, table);
}

BOOST_AUTO_TEST_CASE(the_csv_has_a_column_per_axis_and_marks_the_selected_setting) {
  lw::test::TempDir dir;
  const auto rows = lw::summarize({tuned("0.01", "100", 1), tuned("0.1", "100", 1)},
                                  {complete(0.5, 1, 1, 0.4), complete(0.6, 1, 1, 0.3)}, tuned_axes);
  lw::write_summary_csv(dir / "summary.csv", rows);
  std::ifstream in(dir / "summary.csv");
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str() ==
             "arm,activation,width,depth,n_seeds,n_not_complete,test_error_mean,test_error_sd,"
             "epochs_mean,wall_time_mean_s,valid_error_mean,n_settings,selected,data.n_labeled,"
             "finetune.learning_rate\n"
             "xavier,sigmoid,8,2,1,0,0.5,nan,1,1,0.4,2,false,100,0.01\n"
             "xavier,sigmoid,8,2,1,0,0.6,nan,1,1,0.3,2,true,100,0.1\n");
}

BOOST_AUTO_TEST_CASE(a_group_has_the_mean_and_sample_sd_of_its_complete_seeds) {
  const std::vector<lw::RunSpec> runs{spec(2, "xavier", 1), spec(2, "xavier", 2),
                                      spec(2, "xavier", 3), spec(2, "xavier", 4),
                                      spec(2, "xavier", 5)};
  std::vector<std::optional<lw::RunOutcome>> outcomes{
      complete(0.10, 4, 1.0), complete(0.20, 6, 2.0), complete(0.30, 8, 3.0),
      lw::RunOutcome{.status = lw::RunStatus::diverged, .summary = {}, .message = {}, .file = {}},
      std::nullopt};
  const auto rows = lw::summarize(runs, outcomes);
  BOOST_TEST_REQUIRE(rows.size() == 1u);
  const auto& r = rows[0];
  BOOST_TEST(r.arm == "xavier");
  BOOST_TEST(r.depth == 2);
  BOOST_TEST(r.n_seeds == 3);
  BOOST_TEST(r.n_not_complete == 1);  // the diverged one; the one not run is not counted
  BOOST_TEST(r.test_error_mean == 0.2, tt::tolerance(1e-12));
  BOOST_TEST(r.test_error_sd == 0.1, tt::tolerance(1e-12));  // sample sd of 0.1, 0.2, 0.3
  BOOST_TEST(r.epochs_mean == 6.0);
  BOOST_TEST(r.wall_time_mean_s == 2.0);
}

BOOST_AUTO_TEST_CASE(
    rows_are_ordered_by_activation_width_and_arm_and_a_group_without_seeds_is_nan) {
  const std::vector<lw::RunSpec> runs{spec(1, "xavier", 1, "tanh"), spec(1, "dae", 1, "tanh"),
                                      spec(1, "uniform", 1, "relu")};
  const auto rows = lw::summarize(
      runs,
      {complete(0.5, 1, 1),
       lw::RunOutcome{.status = lw::RunStatus::failed, .summary = {}, .message = {}, .file = {}},
       complete(0.25, 1, 1)});
  BOOST_TEST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0].activation == "relu");
  BOOST_TEST(rows[1].arm == "dae");
  BOOST_TEST(std::isnan(rows[1].test_error_mean));
  BOOST_TEST(rows[2].arm == "xavier");
  BOOST_TEST(std::isnan(rows[2].test_error_sd));  // one seed: undefined, not 0
  const std::string table = lw::format_summary(rows);
  BOOST_TEST(table.find("(1 not complete)") != std::string::npos, table);
  BOOST_TEST(table.find("50.00 ") != std::string::npos, table);
  BOOST_TEST(table.find("+-") == std::string::npos, table);  // was "50.00 +- 0.00"
}

BOOST_AUTO_TEST_CASE(outcomes_must_match_the_runs) {
  BOOST_CHECK_THROW(lw::summarize({spec(1, "xavier", 1)}, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_csv_has_a_header_and_a_row_per_group_and_no_temporary_is_left) {
  lw::test::TempDir dir;
  const auto rows = lw::summarize({spec(3, "dae", 1)}, {complete(0.125, 7, 2.5)});
  lw::write_summary_csv(dir / "sub/summary.csv", rows);
  std::ifstream in(dir / "sub/summary.csv");
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str() ==
             "arm,activation,width,depth,n_seeds,n_not_complete,test_error_mean,test_error_sd,"
             "epochs_mean,wall_time_mean_s,valid_error_mean,n_settings,selected\n"
             "dae,sigmoid,8,3,1,0,0.125,nan,7,2.5,0,1,true\n");
  BOOST_TEST(!std::filesystem::exists(dir / "sub/summary.csv.tmp"));
}

// A full disk shows only when the stream is flushed. Before, the check came before the flush: the
// sweep exited 0 with an empty summary.csv in place of the old one.
BOOST_AUTO_TEST_CASE(a_full_disk_is_an_error_and_the_previous_csv_is_kept) {
  lw::test::TempDir dir;
  const auto rows = lw::summarize({spec(3, "dae", 1)}, {complete(0.125, 7, 2.5)});
  lw::write_summary_csv(dir / "summary.csv", rows);
  const auto before = std::filesystem::file_size(dir / "summary.csv");
  std::filesystem::create_symlink("/dev/full", dir / "summary.csv.tmp");  // every write: ENOSPC
  std::string what;
  try {
    lw::write_summary_csv(dir / "summary.csv", rows);
  } catch (const std::runtime_error& e) {
    what = e.what();
  }
  BOOST_TEST(what.find("failed (disk full?)") != std::string::npos, what);
  BOOST_TEST(std::filesystem::is_regular_file(dir / "summary.csv"));
  BOOST_TEST(std::filesystem::file_size(dir / "summary.csv") == before);
  BOOST_TEST(!std::filesystem::exists(std::filesystem::symlink_status(dir / "summary.csv.tmp")));
}

BOOST_AUTO_TEST_SUITE_END()
