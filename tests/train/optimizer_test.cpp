#include "layerwise/train/optimizer.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cstring>

#include "support/error_of.hpp"
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using lw::test::error_of;

using lw::OptimizerConfig;
using lw::OptimizerKind;
using lw::ScheduleKind;
namespace tt = boost::test_tools;

// Three steps on a 1x1 parameter starting at p = 1 with gradients 0.5, -0.2, 0.1.
template <class T = double>
std::vector<double> three_steps(const OptimizerConfig& config) {
  lw::Optimizer<T> opt(config);
  arma::Mat<T> p(1, 1);
  p(0, 0) = 1;
  std::vector<double> out;
  for (double g : {0.5, -0.2, 0.1}) {
    opt.begin_step(config.learning_rate);
    arma::Mat<T> grad(1, 1);
    grad(0, 0) = static_cast<T>(g);
    opt.update(0, p, grad, false);
    out.push_back(p(0, 0));
  }
  return out;
}

// A weight W and a bias b (1x1 each) with gradients dW, db, as an objective lists them.
struct Scalar {
  arma::mat W, b, dW, db;
  std::vector<lw::Parameter<double>> params() { return {{&W, &dW, true}, {&b, &db, false}}; }
  double w() const { return W(0, 0); }
  double bias() const { return b(0, 0); }
};
Scalar scalar(double w, double b, double dw, double db) {
  const auto one = [](double v) { return arma::mat(1, 1, arma::fill::value(v)); };
  return {one(w), one(b), one(dw), one(db)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(train_optimizer)

BOOST_AUTO_TEST_CASE(sgd_steps_match_hand_computation) {
  // p -= 0.1 g:  1 - 0.05 = 0.95;  0.95 + 0.02 = 0.97;  0.97 - 0.01 = 0.96
  const auto p = three_steps({.kind = OptimizerKind::sgd, .learning_rate = 0.1});
  BOOST_TEST(p[0] == 0.95, tt::tolerance(1e-14));
  BOOST_TEST(p[1] == 0.97, tt::tolerance(1e-14));
  BOOST_TEST(p[2] == 0.96, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(momentum_steps_match_hand_computation) {
  // v = 0.9 v - 0.1 g:  v1 = -0.05, p1 = 0.95;  v2 = -0.045 + 0.02 = -0.025, p2 = 0.925;
  // v3 = -0.0225 - 0.01 = -0.0325, p3 = 0.8925
  const auto p =
      three_steps({.kind = OptimizerKind::momentum, .learning_rate = 0.1, .momentum = 0.9});
  BOOST_TEST(p[0] == 0.95, tt::tolerance(1e-14));
  BOOST_TEST(p[1] == 0.925, tt::tolerance(1e-14));
  BOOST_TEST(p[2] == 0.8925, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(nesterov_steps_match_hand_computation) {
  // p += -mu v + (1 + mu) v':  v1 = -0.05, p1 = 1 - 1.9 * 0.05 = 0.905;
  // v2 = -0.025, p2 = 0.905 + 0.045 - 0.0475 = 0.9025;  v3 = -0.0325, p3 = 0.9025 + 0.0225 -
  // 0.06175
  const auto p =
      three_steps({.kind = OptimizerKind::nesterov, .learning_rate = 0.1, .momentum = 0.9});
  BOOST_TEST(p[0] == 0.905, tt::tolerance(1e-14));
  BOOST_TEST(p[1] == 0.9025, tt::tolerance(1e-14));
  BOOST_TEST(p[2] == 0.86325, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(adagrad_steps_match_hand_computation) {
  // G1 = 0.25: p1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.900000002
  // G2 = 0.29: p2 = p1 + 0.02 / (sqrt(0.29) + 1e-8);  G3 = 0.30: p3 = p2 - 0.01 / sqrt(0.30)
  const auto p =
      three_steps({.kind = OptimizerKind::adagrad, .learning_rate = 0.1, .epsilon = 1e-8});
  BOOST_TEST(p[0] == 0.900000002, tt::tolerance(1e-12));
  BOOST_TEST(p[1] == 0.9371390689457552, tt::tolerance(1e-12));
  BOOST_TEST(p[2] == 0.9188816506955829, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(rmsprop_steps_match_hand_computation) {
  // E1 = 0.1 * 0.25 = 0.025: p1 = 1 - 0.05 / sqrt(0.025) = 0.68377...
  // E2 = 0.0225 + 0.004 = 0.0265: p2 = p1 + 0.02 / sqrt(0.0265)
  const auto p = three_steps(
      {.kind = OptimizerKind::rmsprop, .learning_rate = 0.1, .rho = 0.9, .epsilon = 1e-8});
  BOOST_TEST(p[0] == 0.6837722539831608, tt::tolerance(1e-12));
  BOOST_TEST(p[1] == 0.8066312698027817, tt::tolerance(1e-12));
  BOOST_TEST(p[2] == 0.7431951258573711, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(adadelta_steps_match_hand_computation) {
  // r = 1, rho = 0.9, eps = 1e-6.  E1 = 0.025, d1 = -sqrt(1e-6) / sqrt(0.025 + 1e-6) * 0.5
  // = -0.0031622..., D1 = 0.1 d1^2;  then E2 = 0.0265, d2 = sqrt(D1 + 1e-6) / sqrt(E2 + 1e-6) * 0.2
  const auto p = three_steps(
      {.kind = OptimizerKind::adadelta, .learning_rate = 1.0, .rho = 0.9, .epsilon = 1e-6});
  BOOST_TEST(p[0] == 0.9968377855834876, tt::tolerance(1e-12));
  BOOST_TEST(p[1] == 0.998575224398703, tt::tolerance(1e-12));
  BOOST_TEST(p[2] == 0.997633941237578, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(adam_steps_match_hand_computation) {
  // m1 = 0.05, v1 = 0.00025; bias-corrected 0.5 and 0.25: p1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
  // m2 = 0.025, v2 = 0.00028975; corrected 0.025 / 0.19 and 0.00028975 / 0.001999: p2 = 0.86544
  const auto p = three_steps({.kind = OptimizerKind::adam,
                              .learning_rate = 0.1,
                              .beta1 = 0.9,
                              .beta2 = 0.999,
                              .epsilon = 1e-8});
  BOOST_TEST(p[0] == 0.900000002, tt::tolerance(1e-12));
  BOOST_TEST(p[1] == 0.8654394181165108, tt::tolerance(1e-12));
  BOOST_TEST(p[2] == 0.8275002408356956, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(float_optimizers_follow_the_double_ones) {
  for (OptimizerKind kind : {OptimizerKind::sgd, OptimizerKind::momentum, OptimizerKind::nesterov,
                             OptimizerKind::adagrad, OptimizerKind::rmsprop,
                             OptimizerKind::adadelta, OptimizerKind::adam}) {
    const OptimizerConfig config{.kind = kind, .learning_rate = 0.1, .epsilon = 1e-6};
    const auto d = three_steps<double>(config);
    const auto f = three_steps<float>(config);
    BOOST_TEST_CONTEXT(lw::to_string(kind)) {
      for (int i = 0; i < 3; ++i) BOOST_TEST(f[i] == d[i], tt::tolerance(1e-5));
    }
  }
}

BOOST_AUTO_TEST_CASE(update_returns_the_squared_step_and_slots_keep_separate_state) {
  lw::Optimizer<double> opt(
      {.kind = OptimizerKind::momentum, .learning_rate = 0.1, .momentum = 0.5});
  arma::mat p0 = {{1.0, 2.0}}, p1(1, 1, arma::fill::value(3.0));
  opt.begin_step(0.1);
  BOOST_TEST(opt.step() == 1);
  const lw::UpdateNorms n = opt.update(0, p0, arma::mat{{1.0, -2.0}}, false);  // step (-0.1, 0.2)
  BOOST_TEST(n.step_sq == 0.05, tt::tolerance(1e-14));
  BOOST_TEST(n.grad_sq == 5.0, tt::tolerance(1e-14));   // |(1, -2)|^2
  BOOST_TEST(n.param_sq == 5.0, tt::tolerance(1e-14));  // |(1, 2)|^2, before the update
  opt.update(1, p1, arma::mat(1, 1, arma::fill::value(0.0)),
             false);  // slot 1 has no velocity of its own yet
  BOOST_TEST(p1(0, 0) == 3.0);
  opt.begin_step(0.1);
  opt.update(0, p0, arma::mat{{0.0, 0.0}}, false);  // velocity alone: 0.5 * (-0.1, 0.2)
  BOOST_TEST(p0(0, 0) == 0.85, tt::tolerance(1e-14));
  BOOST_TEST(p0(0, 1) == 2.3, tt::tolerance(1e-14));
  BOOST_TEST(opt.step() == 2);
  BOOST_CHECK_THROW(opt.update(0, p0, arma::mat(2, 1), false), std::invalid_argument);
}

// The SGD kernel sums the norms in blocks of 1,024 elements and 16 lanes: sizes across blocks and
// with a ragged tail give the norms of a plain double sum, and the same parameters as the update
// that measures nothing.
template <class T>
void check_measured_sgd(arma::uword n, double tolerance) {
  arma::Mat<T> p(n, 1), g(n, 1);
  for (arma::uword i = 0; i < n; ++i) {
    p(i) = static_cast<T>(std::sin(0.37 * static_cast<double>(i)) + 0.01);
    g(i) = static_cast<T>(std::cos(1.3 * static_cast<double>(i)) * 0.5);
  }
  double gs = 0, ps = 0, ss = 0;
  const T lr = T(0.1), wd = T(0.01);
  for (arma::uword i = 0; i < n; ++i) {
    const T d = -lr * (g(i) + wd * p(i));
    gs += static_cast<double>(g(i)) * g(i);
    ps += static_cast<double>(p(i)) * p(i);
    ss += static_cast<double>(d) * d;
  }
  const OptimizerConfig config{.kind = OptimizerKind::sgd, .learning_rate = 0.1, .weight_decay = 0.01};
  lw::Optimizer<T> measured(config), plain(config);
  measured.begin_step(0.1);
  plain.begin_step(0.1);
  arma::Mat<T> p_measured = p, p_plain = p;
  const lw::UpdateNorms n1 = measured.update(0, p_measured, g, true, true);
  const lw::UpdateNorms n0 = plain.update(0, p_plain, g, true, false);
  BOOST_TEST(n1.grad_sq == gs, tt::tolerance(tolerance));
  BOOST_TEST(n1.param_sq == ps, tt::tolerance(tolerance));
  BOOST_TEST(n1.step_sq == ss, tt::tolerance(tolerance));
  BOOST_TEST(n0.grad_sq == 0.0);  // sgd skips the norms when not asked
  BOOST_TEST(arma::approx_equal(p_measured, p_plain, "absdiff", T(0)));  // bit for bit
  BOOST_TEST(p_measured(n - 1) == static_cast<T>(p(n - 1) + -lr * (g(n - 1) + wd * p(n - 1))));
}

BOOST_AUTO_TEST_CASE(measured_sgd_norms_match_a_double_sum_across_blocks_and_tails) {
  for (const arma::uword n : {1u, 15u, 16u, 1024u, 1025u, 3 * 1024u + 7 * 16u + 5u}) {
    BOOST_TEST_CONTEXT("n = " << n) {
      check_measured_sgd<float>(n, 1e-6);
      check_measured_sgd<double>(n, 1e-13);
    }
  }
}

// Every SIMD path the CPU runs (core/simd.hpp) gives the baseline's parameters and norms, bit for
// bit: a run's numbers do not depend on the machine's vector width.
template <class T>
void check_paths_agree(arma::uword n) {
  arma::Col<T> p0(n), g(n);
  for (arma::uword i = 0; i < n; ++i) {
    p0(i) = static_cast<T>(std::sin(0.61 * static_cast<double>(i)) * 3 + 0.02);
    g(i) = static_cast<T>(std::cos(0.9 * static_cast<double>(i)) * 0.7);
  }
  for (const bool measure : {false, true}) {
    arma::Col<T> base = p0;
    const auto nb = lw::sgd_kernel(lw::SimdPath::baseline, base.memptr(), g.memptr(), n, T(0.1), T(0.5), T(0.01), measure);
    for (const auto path : {lw::SimdPath::avx2, lw::SimdPath::avx512}) {
      if (!lw::cpu_runs(path)) continue;
      BOOST_TEST_CONTEXT(lw::to_string(path) << ", n = " << n << ", measure " << measure) {
        arma::Col<T> q = p0;
        const auto nq = lw::sgd_kernel(path, q.memptr(), g.memptr(), n, T(0.1), T(0.5), T(0.01), measure);
        BOOST_TEST(std::memcmp(q.memptr(), base.memptr(), n * sizeof(T)) == 0);
        BOOST_TEST(nq.grad_sq == nb.grad_sq);
        BOOST_TEST(nq.param_sq == nb.param_sq);
        BOOST_TEST(nq.step_sq == nb.step_sq);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_simd_path_gives_the_same_parameters_and_norms_bit_for_bit) {
  BOOST_TEST(lw::cpu_runs(lw::SimdPath::baseline));
  for (const arma::uword n : {1u, 7u, 16u, 17u, 1023u, 1024u, 1041u, 70001u}) {
    check_paths_agree<float>(n);
    check_paths_agree<double>(n);
  }
}

BOOST_AUTO_TEST_CASE(weight_decay_applies_to_weights_but_not_biases) {
  // W = 2, b = 3, dW = db = 0.5, decay 0.1, sgd r = 0.1:
  //   W -= 0.1 (0.5 + 0.1 * 2) -> 1.93;  b -= 0.1 * 0.5 -> 2.95
  auto s = scalar(2.0, 3.0, 0.5, 0.5);
  lw::Optimizer<double> opt(
      {.kind = OptimizerKind::sgd, .learning_rate = 0.1, .weight_decay = 0.1});
  lw::optimizer_step(opt, s.params(), 0.1);
  BOOST_TEST(s.w() == 1.93, tt::tolerance(1e-14));
  BOOST_TEST(s.bias() == 2.95, tt::tolerance(1e-14));
  // With a zero gradient, decay alone shrinks W: W -= 0.1 * 0.1 * 1.93
  s.dW.zeros();
  s.db.zeros();
  lw::optimizer_step(opt, s.params(), 0.1);
  BOOST_TEST(s.w() == 1.93 * 0.99, tt::tolerance(1e-14));
  BOOST_TEST(s.bias() == 2.95, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(clip_norm_scales_gradients_to_the_global_norm) {
  // |(dW, db)| = |(3, 4)| = 5.  clip_norm 1 scales both by 0.2; sgd r = 1: W -= 0.6, b -= 0.8.
  auto s = scalar(0.0, 0.0, 3.0, 4.0);
  BOOST_TEST(lw::global_gradient_norm(s.params()) == 5.0);
  lw::Optimizer<double> opt({.kind = OptimizerKind::sgd, .learning_rate = 1.0, .clip_norm = 1.0});
  std::vector<lw::UpdateNorms> norms;
  lw::optimizer_step(opt, s.params(), 1.0, &norms);
  BOOST_TEST(s.w() == -0.6, tt::tolerance(1e-14));
  BOOST_TEST(s.bias() == -0.8, tt::tolerance(1e-14));
  BOOST_REQUIRE(norms.size() == 2u);  // |step|^2 of each parameter
  BOOST_TEST(norms[0].step_sq == 0.36, tt::tolerance(1e-14));
  BOOST_TEST(norms[1].step_sq == 0.64, tt::tolerance(1e-14));
  BOOST_TEST(norms[0].grad_sq == 9.0, tt::tolerance(1e-14));  // raw, before clipping
  // Under the threshold nothing is scaled.
  auto t = scalar(0.0, 0.0, 3.0, 4.0);
  lw::Optimizer<double> loose(
      {.kind = OptimizerKind::sgd, .learning_rate = 1.0, .clip_norm = 10.0});
  lw::optimizer_step(loose, t.params(), 1.0);
  BOOST_TEST(t.w() == -3.0, tt::tolerance(1e-14));
  BOOST_TEST(t.bias() == -4.0, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(clipping_scales_the_gradient_before_weight_decay_is_added) {
  // g <- s g + weight_decay p (the norm is taken over the gradients alone):
  // W = 1, dW = 3, db = 4, s = 0.2, decay 0.5, r = 1: W -= 0.2 * 3 + 0.5 * 1 -> -0.1
  auto s = scalar(1.0, 0.0, 3.0, 4.0);
  lw::Optimizer<double> opt(
      {.kind = OptimizerKind::sgd, .learning_rate = 1.0, .weight_decay = 0.5, .clip_norm = 1.0});
  lw::optimizer_step(opt, s.params(), 1.0);
  BOOST_TEST(s.w() == -0.1, tt::tolerance(1e-14));
  BOOST_TEST(s.bias() == -0.8, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(optimizer_step_uses_the_given_learning_rate_and_one_slot_per_parameter) {
  auto s = scalar(1.0, 1.0, 1.0, 1.0);
  lw::Optimizer<double> opt(
      {.kind = OptimizerKind::momentum, .learning_rate = 0.1, .momentum = 0.5});
  lw::optimizer_step(opt, s.params(), 0.25);  // the schedule's rate, not config's
  BOOST_TEST(s.w() == 0.75);
  BOOST_TEST(opt.step() == 1);
  s.db.fill(-1.0);  // the bias's velocity (-0.25) is its own: 0.5 * -0.25 + 0.25 = 0.125
  lw::optimizer_step(opt, s.params(), 0.25);
  BOOST_TEST(s.w() == 0.75 - 0.125 - 0.25, tt::tolerance(1e-14));
  BOOST_TEST(s.bias() == 0.75 + 0.125, tt::tolerance(1e-14));
  BOOST_TEST(opt.step() == 2);
  BOOST_TEST(lw::global_gradient_norm(std::vector<lw::Parameter<double>>{}) == 0.0);
}

BOOST_AUTO_TEST_CASE(each_schedule_gives_the_expected_rates) {
  OptimizerConfig c{.learning_rate = 0.1, .schedule = ScheduleKind::constant};
  for (int e : {0, 1, 50}) BOOST_TEST(lw::learning_rate_at(c, e) == 0.1);
  c.schedule = ScheduleKind::step;  // 0.1 * 0.5^floor(e / 10)
  c.gamma = 0.5;
  c.step_size = 10;
  BOOST_TEST(lw::learning_rate_at(c, 0) == 0.1, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 9) == 0.1, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 10) == 0.05, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 25) == 0.025, tt::tolerance(1e-15));
  c.schedule = ScheduleKind::exponential;  // 0.1 * 0.5^e
  BOOST_TEST(lw::learning_rate_at(c, 0) == 0.1, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 1) == 0.05, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 3) == 0.0125, tt::tolerance(1e-15));
  c.schedule = ScheduleKind::inverse_time;  // 0.1 / (1 + 0.01 e)
  c.decay = 0.01;
  BOOST_TEST(lw::learning_rate_at(c, 0) == 0.1, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 50) == 0.1 / 1.5, tt::tolerance(1e-15));
  BOOST_TEST(lw::learning_rate_at(c, 100) == 0.05, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(validate_rejects_out_of_range_values_naming_the_field) {
  BOOST_CHECK_NO_THROW(lw::validate(OptimizerConfig{}));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Bad {
    const char* field;
    void (*set)(OptimizerConfig&);
  };
  const Bad bad[] = {
      {"learning_rate", [](OptimizerConfig& c) { c.learning_rate = 0; }},
      {"learning_rate", [](OptimizerConfig& c) { c.learning_rate = -0.1; }},
      {"learning_rate",
       [](OptimizerConfig& c) { c.learning_rate = std::numeric_limits<double>::quiet_NaN(); }},
      {"learning_rate",
       [](OptimizerConfig& c) { c.learning_rate = std::numeric_limits<double>::infinity(); }},
      {"momentum", [](OptimizerConfig& c) { c.momentum = 1.0; }},
      {"momentum", [](OptimizerConfig& c) { c.momentum = -0.1; }},
      {"rho", [](OptimizerConfig& c) { c.rho = 0.0; }},
      {"rho", [](OptimizerConfig& c) { c.rho = 1.0; }},
      {"beta1", [](OptimizerConfig& c) { c.beta1 = 1.0; }},
      {"beta2", [](OptimizerConfig& c) { c.beta2 = 1.0; }},
      {"beta2", [](OptimizerConfig& c) { c.beta2 = -0.5; }},
      {"epsilon", [](OptimizerConfig& c) { c.epsilon = 0.0; }},
      {"weight_decay", [](OptimizerConfig& c) { c.weight_decay = -1e-4; }},
      {"clip_norm", [](OptimizerConfig& c) { c.clip_norm = -1.0; }},
      {"gamma", [](OptimizerConfig& c) { c.gamma = 0.0; }},
      {"step_size", [](OptimizerConfig& c) { c.step_size = 0; }},
      {"decay", [](OptimizerConfig& c) { c.decay = -0.01; }},
  };
  for (const Bad& b : bad) {
    OptimizerConfig c;
    b.set(c);
    const std::string msg = error_of([&] { lw::validate(c); });
    BOOST_TEST_CONTEXT(b.field) {
      BOOST_TEST(msg.find(b.field) != std::string::npos);
    }
  }
  (void)nan;
  (void)inf;
  // The constructor validates too.
  BOOST_CHECK_THROW(lw::Optimizer<float>({.learning_rate = 0}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(names_round_trip_and_unknown_names_list_the_known_ones) {
  const char* optimizers[] = {"sgd",     "momentum", "nesterov", "adagrad",
                              "rmsprop", "adadelta", "adam"};
  for (const char* name : optimizers) BOOST_TEST(lw::to_string(lw::parse_optimizer(name)) == name);
  const char* schedules[] = {"constant", "step", "exponential", "inverse_time"};
  for (const char* name : schedules) BOOST_TEST(lw::to_string(lw::parse_schedule(name)) == name);
  const std::string opt_msg = error_of([] { lw::parse_optimizer("lbfgs"); });
  BOOST_TEST(opt_msg.find("lbfgs") != std::string::npos);
  for (const char* name : optimizers) BOOST_TEST(opt_msg.find(name) != std::string::npos);
  const std::string sched_msg = error_of([] { lw::parse_schedule("cosine"); });
  BOOST_TEST(sched_msg.find("cosine") != std::string::npos);
  for (const char* name : schedules) BOOST_TEST(sched_msg.find(name) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
