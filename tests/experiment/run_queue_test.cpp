// The queue that hands runs out to side-by-side workers, and the wire format of their reports.
#include "layerwise/experiment/run_queue.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

BOOST_AUTO_TEST_SUITE(experiment_run_queue)

BOOST_AUTO_TEST_CASE(runs_go_in_grid_order_except_one_whose_stack_another_worker_is_running) {
  // Runs 0-5; 1, 2 and 4 share stack "a", 3 has stack "b", 0 and 5 none.
  const std::vector<std::string> groups{"", "a", "a", "b", "a", ""};
  lw::RunQueue q({0, 1, 2, 3, 4, 5}, [&](std::size_t i) { return groups[i]; });
  BOOST_TEST(*q.take() == 0u);
  BOOST_TEST(*q.take() == 1u);  // "a" now running
  BOOST_TEST(*q.take() == 3u);  // 2 waits for "a"
  BOOST_TEST(*q.take() == 5u);
  BOOST_TEST(*q.take() == 2u);  // nothing else left: "a" again
  BOOST_TEST(q.left() == 1u);
  q.release(1);
  q.release(2);
  BOOST_TEST(*q.take() == 4u);
  BOOST_TEST(!q.take().has_value());
  q.give_back(4);  // taken, never started (its worker was gone)
  BOOST_TEST(q.left() == 1u);
  BOOST_TEST(*q.take() == 4u);
}

BOOST_AUTO_TEST_CASE(without_groups_the_order_is_the_grid_s) {
  lw::RunQueue q({4, 2, 7});
  BOOST_TEST(*q.take() == 4u);
  BOOST_TEST(*q.take() == 2u);
  BOOST_TEST(*q.take() == 7u);
  BOOST_TEST(!q.take().has_value());
}

BOOST_AUTO_TEST_CASE(a_report_reads_back_whole_and_a_truncated_one_is_refused) {
  lw::RunOutcome r{.status = lw::RunStatus::diverged,
                   .summary = {.best_epoch = 3, .best_valid_error = 0.25, .test_error = std::nan(""),
                               .epochs_run = 7, .stopped_early = true, .total_wall_time_s = 1.5},
                   .message = "loss is NaN at step 12", .file = {}};
  const auto bytes = lw::pack_outcome(41, r);
  lw::RunOutcome back;
  BOOST_TEST(lw::unpack_outcome(bytes, back) == 41);
  BOOST_TEST((back.status == lw::RunStatus::diverged));
  BOOST_TEST(back.summary.best_epoch == 3);
  BOOST_TEST(back.summary.best_valid_error == 0.25);
  BOOST_TEST(std::isnan(back.summary.test_error));
  BOOST_TEST(back.summary.epochs_run == 7);
  BOOST_TEST(back.summary.stopped_early);
  BOOST_TEST(back.summary.total_wall_time_s == 1.5);
  BOOST_TEST(back.message == r.message);
  const std::vector<char> cut(bytes.begin(), bytes.begin() + 20);
  BOOST_CHECK_THROW(lw::unpack_outcome(cut, back), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
