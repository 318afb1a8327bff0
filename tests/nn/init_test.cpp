#include "layerwise/nn/init.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>

#include "support/error_of.hpp"
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "layerwise/core/random.hpp"

namespace {

using lw::test::error_of;

// The variance each built-in initializer targets, for fan_in x fan_out (all have mean 0 except
// zeros). scale: the value passed as init.scale, or NaN for the default.
double target_variance(const std::string& name, double fan_in, double fan_out, double scale) {
  const auto uniform = [](double r) { return r * r / 3; };
  const bool given = !std::isnan(scale);
  if (name == "uniform") return uniform(1 / std::sqrt(fan_in));
  if (name == "uniform_scaled") return uniform(given ? scale : 0.05);
  if (name == "normal") return std::pow(given ? scale : 0.01, 2);
  if (name == "xavier") return uniform(std::sqrt(6 / (fan_in + fan_out)));
  if (name == "xavier_normal") return 2 / (fan_in + fan_out);
  if (name == "he") return 2 / fan_in;
  if (name == "he_uniform") return uniform(std::sqrt(6 / fan_in));
  if (name == "lecun") return 1 / fan_in;
  // Orthonormal columns (tall) or rows (wide) of length max(fan_in, fan_out): variance 1/max.
  if (name == "orthogonal") return std::pow(given ? scale : 1.0, 2) / std::max(fan_in, fan_out);
  if (name == "zeros") return 0;
  return NAN;
}

const char* const builtins[] = {
    "uniform", "uniform_scaled", "normal", "xavier",     "xavier_normal",
    "he",      "he_uniform",     "lecun",  "orthogonal", "zeros"};

void check_moments(const std::string& name, arma::uword fan_in, arma::uword fan_out, double scale,
                   std::uint64_t seed) {
  lw::Rng rng = lw::make_rng(seed, "test/init", fan_in);
  const arma::mat W =
      lw::init_weights<double>(name, {.fan_in = fan_in, .fan_out = fan_out, .scale = scale}, rng);
  BOOST_REQUIRE(W.n_rows == fan_out);
  BOOST_REQUIRE(W.n_cols == fan_in);
  const double target = target_variance(name, fan_in, fan_out, scale);
  const double mean = arma::mean(arma::vectorise(W));
  const double var = arma::var(arma::vectorise(W), 1);
  BOOST_TEST_CONTEXT(name << " " << fan_out << "x" << fan_in << " scale " << scale << ": mean "
                          << mean << ", variance " << var << " (target " << target << ")") {
    if (target == 0) {
      BOOST_TEST(arma::all(arma::vectorise(W) == 0.0));
    } else {
      BOOST_TEST(std::abs(mean) < 0.03 * std::sqrt(target));
      BOOST_TEST(std::abs(var / target - 1) < 0.03);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_init)

BOOST_AUTO_TEST_CASE(every_builtin_initializer_is_registered_with_a_summary) {
  for (const char* name : builtins) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(lw::has_initializer(name));
      BOOST_TEST(!lw::find_initializer(name).summary.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(each_initializer_hits_its_mean_and_variance_on_a_1000x1000_draw) {
  for (const char* name : builtins) check_moments(name, 1000, 1000, NAN, 1);
}

BOOST_AUTO_TEST_CASE(variances_use_fan_in_and_fan_out_correctly_on_rectangular_draws) {
  // 1000 x 250 and 250 x 1000 tell fan_in, fan_out and fan_in + fan_out apart.
  for (const char* name : builtins) {
    check_moments(name, 250, 1000, NAN, 2);
    check_moments(name, 1000, 250, NAN, 3);
  }
}

BOOST_AUTO_TEST_CASE(scaled_initializers_honour_the_given_scale) {
  for (const char* name : {"uniform_scaled", "normal", "orthogonal"})
    check_moments(name, 500, 800, 0.3, 4);
}

BOOST_AUTO_TEST_CASE(uniform_initializers_stay_inside_their_range) {
  lw::Rng rng = lw::make_rng(5, "test/init");
  const arma::mat W = lw::init_weights<double>("xavier", {.fan_in = 300, .fan_out = 100}, rng);
  const double r = std::sqrt(6.0 / 400);
  BOOST_TEST(W.max() < r);
  BOOST_TEST(W.min() >= -r);
  BOOST_TEST(W.max() > 0.99 * r);
}

BOOST_AUTO_TEST_CASE(orthogonal_gives_orthonormal_rows_or_columns) {
  for (auto [fan_in, fan_out] :
       {std::pair<arma::uword, arma::uword>{1000, 1000}, {300, 120}, {120, 300}}) {
    BOOST_TEST_CONTEXT(fan_out << "x" << fan_in) {
      lw::Rng rng = lw::make_rng(6, "test/orthogonal", fan_in);
      const arma::mat W =
          lw::init_weights<double>("orthogonal", {.fan_in = fan_in, .fan_out = fan_out}, rng);
      const arma::mat G = fan_out <= fan_in ? arma::mat(W * W.t()) : arma::mat(W.t() * W);
      const arma::mat I = arma::eye(G.n_rows, G.n_cols);
      BOOST_TEST(arma::abs(G - I).max() < 1e-10);
    }
  }
  lw::Rng rng = lw::make_rng(6, "test/orthogonal");
  const arma::mat W =
      lw::init_weights<double>("orthogonal", {.fan_in = 50, .fan_out = 50, .scale = 2.0}, rng);
  BOOST_TEST(arma::abs(W * W.t() - 4 * arma::eye(50, 50)).max() < 1e-10);
}

BOOST_AUTO_TEST_CASE(every_registered_initializer_is_deterministic_and_stream_dependent) {
  // Iterates the registry, so an initializer added later is covered with no new test code.
  for (const auto& init : lw::initializers()) {
    BOOST_TEST_CONTEXT(init.name) {
      const lw::InitArgs args{.fan_in = 30, .fan_out = 20, .act = lw::Activation::tanh};
      lw::Rng r1 = lw::make_rng(7, "init/hidden", 0), r2 = lw::make_rng(7, "init/hidden", 0);
      lw::Rng r3 = lw::make_rng(7, "init/hidden", 1);
      const arma::mat a = lw::init_weights<double>(init.name, args, r1);
      const arma::mat b = lw::init_weights<double>(init.name, args, r2);
      const arma::mat c = lw::init_weights<double>(init.name, args, r3);
      BOOST_TEST(a.n_rows == 20u);
      BOOST_TEST(a.n_cols == 30u);
      BOOST_TEST(a.is_finite());
      BOOST_TEST(arma::approx_equal(a, b, "absdiff", 0.0));
      const bool constant = a.min() == a.max();  // e.g. zeros: draws nothing
      if (!constant) BOOST_TEST(!arma::approx_equal(a, c, "absdiff", 0.0));
      lw::Rng r4 = lw::make_rng(7, "init/hidden", 0);
      const arma::fmat f = lw::init_weights<float>(init.name, args, r4);
      BOOST_TEST(arma::approx_equal(f, arma::conv_to<arma::fmat>::from(a), "absdiff", 0.0f));
    }
  }
}

BOOST_AUTO_TEST_CASE(zeros_is_zero) {
  lw::Rng rng = lw::make_rng(8, "test/init");
  const arma::fmat W = lw::init_weights<float>("zeros", {.fan_in = 7, .fan_out = 3}, rng);
  BOOST_TEST(W.n_elem == 21u);
  BOOST_TEST(arma::all(arma::vectorise(W) == 0.0f));
}

BOOST_AUTO_TEST_CASE(unknown_names_throw_listing_the_known_ones) {
  lw::Rng rng = lw::make_rng(9, "test/init");
  const std::string msg =
      error_of([&] { lw::init_weights<double>("glorot", {.fan_in = 2, .fan_out = 2}, rng); });
  BOOST_TEST(msg.find("glorot") != std::string::npos);
  for (const char* name : builtins) BOOST_TEST(msg.find(name) != std::string::npos);
  BOOST_TEST(!lw::has_initializer("glorot"));
  BOOST_CHECK_THROW(lw::find_initializer(""), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(zero_fans_are_rejected) {
  lw::Rng rng = lw::make_rng(10, "test/init");
  BOOST_CHECK_THROW(lw::init_weights<double>("xavier", {.fan_in = 0, .fan_out = 3}, rng),
                    std::invalid_argument);
  BOOST_CHECK_THROW(lw::init_weights<double>("orthogonal", {.fan_in = 3, .fan_out = 0}, rng),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_new_initializer_can_be_registered_and_found) {
  const std::string name = "nn_init_test_constant";  // unique to this test
  BOOST_TEST(!lw::has_initializer(name));
  const std::size_t before = lw::initializers().size();
  BOOST_TEST(lw::register_initializer(
      {name, "every weight 0.5 times scale (test only)", [](const lw::InitArgs& a, lw::Rng&) {
         return arma::mat(a.fan_out, a.fan_in,
                          arma::fill::value(0.5 * (std::isnan(a.scale) ? 1 : a.scale)));
       }}));
  BOOST_TEST(lw::initializers().size() == before + 1);
  BOOST_TEST(lw::has_initializer(name));
  BOOST_TEST(lw::find_initializer(name).name == name);
  lw::Rng rng = lw::make_rng(11, "test/init");
  const arma::mat W =
      lw::init_weights<double>(name, {.fan_in = 4, .fan_out = 2, .scale = 3.0}, rng);
  BOOST_TEST(arma::all(arma::vectorise(W) == 1.5));
  // A second registration under the same name is refused.
  BOOST_CHECK_THROW(lw::register_initializer({name, "again", nullptr}), std::invalid_argument);
  BOOST_TEST(lw::initializers().size() == before + 1);
}

BOOST_AUTO_TEST_SUITE_END()
