// experiment/summary: the sweep's table of test error by arm x depth (x activation x width).
#include "layerwise/experiment/summary.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

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

lw::RunOutcome complete(double test_error, std::int64_t epochs, double wall) {
  lw::RunOutcome o{.status = lw::RunStatus::complete, .summary = {}, .message = {}, .file = {}};
  o.summary.test_error = test_error;
  o.summary.epochs_run = epochs;
  o.summary.total_wall_time_s = wall;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_summary)

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
