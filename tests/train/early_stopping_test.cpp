#include "layerwise/train/early_stopping.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

BOOST_AUTO_TEST_SUITE(train_early_stopping)

BOOST_AUTO_TEST_CASE(the_first_epoch_is_the_best_so_far) {
  lw::EarlyStopping s(2, 0.0);
  BOOST_TEST(s.best_epoch() == -1);
  BOOST_TEST(std::isinf(s.best()));
  BOOST_TEST(!s.should_stop());
  BOOST_TEST(s.record(0, 0.9));
  BOOST_TEST(s.best_epoch() == 0);
  BOOST_TEST(s.best() == 0.9);
}

BOOST_AUTO_TEST_CASE(stops_after_patience_epochs_without_strict_improvement) {
  lw::EarlyStopping s(3, 0.0);
  BOOST_TEST(s.record(0, 0.5));
  BOOST_TEST(s.record(1, 0.4));
  BOOST_TEST(!s.record(2, 0.4));  // equal is no improvement
  BOOST_TEST(!s.should_stop());
  BOOST_TEST(!s.record(3, 0.45));
  BOOST_TEST(!s.should_stop());
  BOOST_TEST(s.record(4, 0.3));   // the count starts again
  BOOST_TEST(!s.should_stop());
  BOOST_TEST(!s.record(5, 0.31));
  BOOST_TEST(!s.record(6, 0.30));
  BOOST_TEST(!s.should_stop());
  BOOST_TEST(!s.record(7, 0.5));
  BOOST_TEST(s.should_stop());
  BOOST_TEST(s.best_epoch() == 4);
  BOOST_TEST(s.best() == 0.3);
}

BOOST_AUTO_TEST_CASE(an_improvement_must_exceed_min_delta) {
  lw::EarlyStopping s(2, 0.25);
  BOOST_TEST(s.record(0, 1.0));
  BOOST_TEST(!s.record(1, 0.875));  // better, but by less than 0.25
  BOOST_TEST(!s.record(2, 0.75));   // exactly 0.25 better: not more than min_delta
  BOOST_TEST(s.should_stop());
  BOOST_TEST(s.best_epoch() == 0);
  BOOST_TEST(s.best() == 1.0);     // the best stays the last real improvement

  lw::EarlyStopping t(2, 0.25);
  t.record(0, 1.0);
  BOOST_TEST(!t.record(1, 0.875));
  BOOST_TEST(t.record(2, 0.5));    // 0.5 better than the best, 1.0
  BOOST_TEST(t.best_epoch() == 2);
  BOOST_TEST(!t.should_stop());
}

BOOST_AUTO_TEST_CASE(patience_zero_never_stops_but_tracks_the_best) {
  lw::EarlyStopping s(0, 0.0);
  s.record(0, 0.5);
  s.record(1, 0.2);
  for (int e = 2; e < 100; ++e) {
    BOOST_TEST(!s.record(e, 0.9));
    BOOST_TEST(!s.should_stop());
  }
  BOOST_TEST(s.best_epoch() == 1);
  BOOST_TEST(s.best() == 0.2);
}

BOOST_AUTO_TEST_CASE(nan_metrics_never_improve) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  lw::EarlyStopping s(2, 0.0);
  BOOST_TEST(!s.record(0, nan));
  BOOST_TEST(s.best_epoch() == -1);
  BOOST_TEST(s.record(1, 0.7));
  BOOST_TEST(!s.record(2, nan));
  BOOST_TEST(!s.record(3, nan));
  BOOST_TEST(s.should_stop());
  BOOST_TEST(s.best_epoch() == 1);
}

BOOST_AUTO_TEST_CASE(negative_settings_are_rejected) {
  BOOST_CHECK_THROW(lw::EarlyStopping(-1, 0.0), std::invalid_argument);
  BOOST_CHECK_THROW(lw::EarlyStopping(1, -0.5), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
