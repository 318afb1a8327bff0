#include "layerwise/nn/gradient_check.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"

namespace {

using lw::Activation;
using lw::Loss;

// An output layer and a loss that go together (the cross-entropies take logits).
struct Head {
  Activation output;
  Loss loss;
};
const Head heads[] = {{Activation::identity, Loss::softmax_cross_entropy},
                      {Activation::identity, Loss::sigmoid_cross_entropy},
                      {Activation::identity, Loss::squared_error},
                      {Activation::sigmoid, Loss::squared_error}};

bool has_kink(Activation act) {
  return act == Activation::relu || act == Activation::leaky_relu;
}

// Smallest |z| over every unit of every layer with a kinked activation (relu, leaky relu), over
// the batch: finite differences are only valid when no perturbation crosses a kink.
double min_abs_kinked_preactivation(const lw::Network<double>& net, const arma::mat& X) {
  double smallest = std::numeric_limits<double>::infinity();
  arma::mat a = X;
  for (const auto& layer : net.layers) {
    arma::mat z = layer.W * a;
    z.each_col() += layer.b;
    if (has_kink(layer.act)) smallest = std::min(smallest, arma::abs(z).min());
    lw::activate(layer.act, z);
    a = std::move(z);
  }
  return smallest;
}

struct Problem {
  lw::Network<double> net;
  arma::mat X, Y;
};

// A random network (random biases too, so db is tested) with inputs and targets suited to its loss.
Problem make_problem(arma::uword depth, Activation hidden, Head head, std::uint64_t seed) {
  std::vector<arma::uword> sizes{4};
  for (arma::uword d = 0; d < depth; ++d) sizes.push_back(5 + d % 2);
  sizes.push_back(3);
  Problem p{
      lw::make_network<double>(
          {.layer_sizes = sizes, .hidden = hidden, .output = head.output, .loss = head.loss}, seed),
      arma::mat(4, 5), arma::mat(3, 5)};
  lw::Rng rng = lw::make_rng(seed, "test/problem");
  for (auto& layer : p.net.layers) lw::fill_normal(layer.b, rng, 0.0, 0.5);
  lw::fill_normal(p.X, rng, 0.0, 1.0);
  switch (head.loss) {
    case Loss::softmax_cross_entropy:
      p.Y.zeros();
      for (arma::uword j = 0; j < p.Y.n_cols; ++j) p.Y(rng.below(3), j) = 1;
      break;
    case Loss::sigmoid_cross_entropy:
      lw::fill_uniform(p.Y, rng, 0.0, 1.0);
      break;
    case Loss::squared_error:
      if (head.output == Activation::sigmoid)
        lw::fill_uniform(p.Y, rng, 0.0, 1.0);
      else
        lw::fill_normal(p.Y, rng, 0.0, 1.0);
      break;
  }
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nn_gradient_check)

BOOST_AUTO_TEST_CASE(numeric_gradient_of_a_known_function_is_right_and_restores_the_parameter) {
  arma::mat p = {{1.0, -2.0}, {0.5, 3.0}};
  const arma::mat saved = p;
  const arma::mat g = lw::numeric_gradient([&] { return arma::accu(arma::pow(p, 3)); }, p);
  BOOST_TEST(arma::approx_equal(p, saved, "absdiff", 0.0));
  BOOST_TEST(lw::max_relative_error(g, 3 * arma::square(saved)) < 1e-9);
}

BOOST_AUTO_TEST_CASE(max_relative_error_uses_the_floor_for_near_zero_entries) {
  BOOST_TEST(lw::max_relative_error(arma::mat{{1.0, 2.0}}, arma::mat{{1.0, 2.0}}) == 0.0);
  BOOST_TEST(lw::max_relative_error(arma::mat(1, 1, arma::fill::value(1.0)),
                                    arma::mat(1, 1, arma::fill::value(3.0))) == 0.5);
  BOOST_TEST(lw::max_relative_error(arma::mat(1, 1, arma::fill::value(1e-12)),
                                    arma::mat(1, 1, arma::fill::value(-1e-12))) == 2e-12 / 1e-8,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(lw::max_relative_error(arma::mat(1, 1, arma::fill::value(0.0)),
                                    arma::mat(1, 1, arma::fill::value(1e-3)), 1.0) == 1e-3);
  BOOST_CHECK_THROW(lw::max_relative_error(arma::mat(2, 1), arma::mat(1, 2)),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(backward_agrees_with_central_differences_for_every_activation_loss_and_depth) {
  // Hidden activation x (output, loss) x 0..4 hidden layers (1-5 weight layers).
  int checked = 0;
  double worst = 0;
  for (Activation hidden : lw::all_activations())
    for (const Head& head : heads)
      for (arma::uword depth = 0; depth <= 4; ++depth) {
        BOOST_TEST_CONTEXT("hidden " << lw::to_string(hidden) << ", output "
                                     << lw::to_string(head.output) << ", loss "
                                     << lw::to_string(head.loss) << ", depth " << depth) {
          // The first seed whose pre-activations keep clear of the relu kinks (|z| >= 1e-3).
          std::uint64_t seed = 1;
          Problem p = make_problem(depth, hidden, head, seed);
          while (min_abs_kinked_preactivation(p.net, p.X) < 1e-3 && seed < 50)
            p = make_problem(depth, hidden, head, ++seed);
          BOOST_REQUIRE(min_abs_kinked_preactivation(p.net, p.X) >= 1e-3);
          const lw::GradientCheck check = lw::check_network_gradients(p.net, p.X, p.Y);
          BOOST_TEST(check.max_relative_error < 1e-6,
                     "worst at " << check.worst << ": " << check.max_relative_error);
          BOOST_TEST(!check.worst.empty());
          worst = std::max(worst, check.max_relative_error);
          ++checked;
        }
      }
  BOOST_TEST(checked == 6 * 4 * 5);
  BOOST_TEST_MESSAGE("largest relative error over " << checked << " networks: " << worst);
}

BOOST_AUTO_TEST_CASE(a_wrong_gradient_would_be_caught) {
  // The checker's comparison is what makes the test above able to fail: perturbing the analytic
  // gradient of one weight by 1e-4 of its size must push the error far above the threshold.
  Problem p = make_problem(2, Activation::tanh, heads[0], 3);
  lw::Trace<double> trace;
  lw::Gradients<double> grads;
  lw::forward(p.net, p.X, trace);
  lw::backward(p.net, trace, p.Y, grads);
  lw::Network<double> net = p.net;
  const arma::mat numeric = lw::numeric_gradient(
      [&] {
        lw::Trace<double> t;
        lw::forward(net, p.X, t);
        return lw::loss_value(net.loss, t.output(), p.Y);
      },
      net.layers[1].W);
  BOOST_TEST(lw::max_relative_error(grads.layers[1].dW, numeric) < 1e-6);
  arma::mat wrong = grads.layers[1].dW;
  wrong(2, 1) *= 1 + 1e-4;
  BOOST_TEST(lw::max_relative_error(wrong, numeric) > 1e-5);
}

BOOST_AUTO_TEST_CASE(backward_with_fixed_dropout_masks_agrees_with_central_differences) {
  for (Activation hidden : {Activation::sigmoid, Activation::tanh, Activation::softsign}) {
    BOOST_TEST_CONTEXT(lw::to_string(hidden)) {
      Problem p = make_problem(2, hidden, heads[0], 9);  // 4-5-6-3, softmax cross-entropy
      lw::Rng rng = lw::make_rng(9, "test/masks");
      const double keep = 0.6;
      const auto mask_for = [&](arma::uword rows) {
        arma::mat m(rows, p.X.n_cols);
        for (auto& v : m) v = rng.bernoulli(keep) ? 1.0 / keep : 0.0;
        m(0, 0) = 0.0;  // at least one dropped and one kept unit
        m(1, 0) = 1.0 / keep;
        return m;
      };
      lw::Trace<double> trace;
      trace.mask = {mask_for(4), mask_for(5), mask_for(6)};  // input and both hidden layers
      lw::Gradients<double> grads;
      lw::forward(p.net, p.X, trace);
      lw::backward(p.net, trace, p.Y, grads);

      lw::Network<double> net = p.net;
      const auto masked_loss = [&] {
        lw::Trace<double> probe;
        probe.mask = trace.mask;  // the same fixed masks
        lw::forward(net, p.X, probe);
        return lw::loss_value(net.loss, probe.output(), p.Y);
      };
      const auto plain_loss = [&] {
        lw::Trace<double> probe;
        lw::forward(net, p.X, probe);
        return lw::loss_value(net.loss, probe.output(), p.Y);
      };
      BOOST_TEST(std::abs(masked_loss() - plain_loss()) > 1e-3);  // the masks change the loss
      BOOST_TEST(grads.loss == masked_loss(), boost::test_tools::tolerance(1e-14));
      for (std::size_t l = 0; l < net.layers.size(); ++l) {
        BOOST_TEST_CONTEXT("layer " << l) {
          const arma::mat nW = lw::numeric_gradient(masked_loss, net.layers[l].W);
          BOOST_TEST(lw::max_relative_error(grads.layers[l].dW, nW) < 1e-6);
          arma::mat b = net.layers[l].b;
          const arma::mat nb = lw::numeric_gradient(
              [&] {
                net.layers[l].b = b;
                return masked_loss();
              },
              b);
          net.layers[l].b = b;
          BOOST_TEST(lw::max_relative_error(arma::mat(grads.layers[l].db), nb) < 1e-6);
          // Gradients of the unmasked loss differ: the check above could fail.
          const arma::mat plain = lw::numeric_gradient(plain_loss, net.layers[l].W);
          BOOST_TEST(lw::max_relative_error(grads.layers[l].dW, plain) > 1e-2);
        }
      }
      // A dropped input unit contributes nothing to dW of the first layer in that column.
      arma::mat masked_input = p.X % trace.mask[0];
      BOOST_TEST(arma::approx_equal(grads.layers[0].dW,
                                    arma::mat(grads.layers[0].delta * masked_input.t()), "absdiff",
                                    1e-15));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
