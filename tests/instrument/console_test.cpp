#include "layerwise/instrument/console.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace {

// A temporary file (not a terminal, so one plain line per epoch) and what was written to it.
struct Capture {
  std::FILE* f = std::tmpfile();
  ~Capture() {
    if (f) std::fclose(f);
  }
  std::string text() const {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    for (int c; (c = std::fgetc(f)) != EOF;) s.push_back(static_cast<char>(c));
    return s;
  }
};

lw::EpochMetrics metrics(int epoch, double train_loss, double valid_loss, double valid_error,
                         double wall) {
  lw::EpochMetrics m;
  m.epoch = epoch;
  m.train_loss = train_loss;
  m.valid_loss = valid_loss;
  m.valid_error = valid_error;
  m.wall_time_s = wall;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(instrument_console)

BOOST_AUTO_TEST_CASE(durations_print_as_hours_minutes_seconds) {
  BOOST_TEST(lw::format_duration(0) == "0:00:00");
  BOOST_TEST(lw::format_duration(59.6) == "0:01:00");
  BOOST_TEST(lw::format_duration(3725) == "1:02:05");
  BOOST_TEST(lw::format_duration(36000 + 61) == "10:01:01");
  BOOST_TEST(lw::format_duration(-1) == "?");
  BOOST_TEST(lw::format_duration(std::numeric_limits<double>::quiet_NaN()) == "?");
}

BOOST_AUTO_TEST_CASE(off_a_terminal_each_epoch_is_one_plain_line) {
  Capture out;
  BOOST_REQUIRE(out.f != nullptr);
  lw::SweepProgress sweep{.runs_total = 12, .runs_done = 2, .epochs_per_run = 30};
  lw::ConsoleProgress<float> console("d2-s01", sweep, out.f);
  console.on_phase_begin(lw::PhaseInfo{"finetune", -1, ""});
  BOOST_TEST(console.on_epoch_end(metrics(1, 0.412345, 0.5, 0.1234, 2.04)));
  BOOST_TEST(out.text() == "[run 3/12 d2-s01] finetune epoch 2  loss 0.4123  valid 12.34%  2.0s\n");
  BOOST_TEST(sweep.epochs_done == 1);

  // Pretraining: the scheme and the 1-based layer; a validation loss when there is no error.
  console.on_phase_begin(lw::PhaseInfo{"pretrain", 1, "dae"});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  console.on_epoch_end(metrics(0, 1.5, 0.25, nan, 0.5));
  BOOST_TEST(out.text().substr(out.text().find('\n') + 1) ==
             "[run 3/12 d2-s01] pretrain dae layer 2 epoch 1  loss 1.5000  valid loss 0.2500"
             "  0.5s\n");
  BOOST_TEST(sweep.epochs_done == 1);  // only fine-tuning epochs count towards the ETA
}

BOOST_AUTO_TEST_CASE(a_phase_that_does_not_complete_is_reported_with_its_message) {
  Capture out;
  lw::SweepProgress sweep{.runs_total = 4, .runs_done = 0, .epochs_per_run = 10};
  lw::ConsoleProgress<double> console("r1", sweep, out.f);
  const lw::PhaseInfo phase{"finetune", -1, ""};
  console.on_phase_begin(phase);
  lw::TrainResult done;
  console.on_phase_end(phase, done);
  BOOST_TEST(out.text().empty());
  lw::TrainResult bad;
  bad.status = lw::TrainStatus::diverged;
  bad.message = "non-finite loss at step 7 (epoch 0)";
  console.on_phase_end(phase, bad);
  BOOST_TEST(out.text() == "[run 1/4 r1] finetune diverged: non-finite loss at step 7 (epoch 0)\n");
}

BOOST_AUTO_TEST_SUITE_END()
