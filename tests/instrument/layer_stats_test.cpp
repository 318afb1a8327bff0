#include "layerwise/instrument/layer_stats.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <stdexcept>

namespace {

namespace tt = boost::test_tools;
const auto tol = tt::tolerance(1e-12);

// 2-2-2: sigmoid hidden layer, relu output (squared error allows any output activation).
lw::Network<double> tiny() {
  lw::Network<double> net;
  net.loss = lw::Loss::squared_error;
  net.layers.push_back({arma::mat{{3, 4}, {0, 0}}, arma::vec{0, 0}, lw::Activation::sigmoid});
  net.layers.push_back({arma::mat{{1, 2}, {2, 4}}, arma::vec{0, 0}, lw::Activation::relu});
  return net;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

}  // namespace

BOOST_AUTO_TEST_SUITE(instrument_layer_stats)

BOOST_AUTO_TEST_CASE(statistics_of_a_hand_made_step_match_hand_computation) {
  const auto net = tiny();
  // The function is pure in (network, trace, gradients): give it chosen values.
  lw::Trace<double> trace;
  trace.a = {arma::mat{{1, 0}, {0, 1}},
             arma::mat{{0.005, 0.5}, {0.995, 0.25}},  // sigmoid: 0.005 and 0.995 saturated
             arma::mat{{0, 1.5}, {0, 2.5}}};          // relu: two zeros
  lw::Gradients<double> grads;
  grads.layers.resize(2);
  grads.layers[0] = {arma::mat{{0.6, 0.8}, {0, 0}}, arma::vec{0.3, 0.4}, arma::mat{{1, 2}, {2, 4}}};
  grads.layers[1] = {arma::mat{{2, 0}, {0, 0}}, arma::vec{0, 0}, arma::mat{{3, 0}, {4, 0}}};

  const lw::LayerStats s = lw::layer_stats(net, trace, grads);
  BOOST_REQUIRE(s.grad_norm_W.size() == 2u);
  BOOST_TEST(s.grad_norm_W[0] == 1.0, tol);             // sqrt(0.36 + 0.64)
  BOOST_TEST(s.grad_norm_W[1] == 2.0, tol);
  BOOST_TEST(s.grad_norm_b[0] == 0.5, tol);             // sqrt(0.09 + 0.16)
  BOOST_TEST(s.grad_norm_b[1] == 0.0);
  BOOST_TEST(s.delta_norm[0] == 5.0 / std::sqrt(2.0), tol);  // ||delta||_F / sqrt(n), n = 2
  BOOST_TEST(s.delta_norm[1] == 5.0 / std::sqrt(2.0), tol);
  BOOST_TEST(s.weight_norm_W[0] == 5.0, tol);           // sqrt(9 + 16)
  BOOST_TEST(s.weight_norm_W[1] == 5.0, tol);           // sqrt(1 + 4 + 4 + 16)
  // a[1]: mean 1.75 / 4; population variance sum((a - mean)^2) / 4 = 0.536925 / 4
  BOOST_TEST(s.act_mean[0] == 0.4375, tol);
  BOOST_TEST(s.act_std[0] == std::sqrt(0.536925 / 4), tol);
  BOOST_TEST(s.act_saturated[0] == 0.5, tol);
  // a[2]: mean 1, deviations -1, -1, 0.5, 1.5: variance 4.5 / 4
  BOOST_TEST(s.act_mean[1] == 1.0, tol);
  BOOST_TEST(s.act_std[1] == std::sqrt(1.125), tol);
  BOOST_TEST(s.act_saturated[1] == 0.5, tol);
  for (double r : s.update_ratio) BOOST_TEST(std::isnan(r));  // before the update

  // With the optimizer's norms by layer (W and b of layers 0 and 1): norms come from them, the
  // update ratio is |step of W_l| / |W_l before the update|; delta and activation statistics are
  // unchanged.
  const std::vector<lw::LayerNorms> norms{
      {.W = {.grad_sq = 4.0, .param_sq = 25.0, .step_sq = 0.25},
       .b = {.grad_sq = 9.0, .param_sq = 1.0, .step_sq = 1.0}, .measured = true},
      {.W = {.grad_sq = 16.0, .param_sq = 25.0, .step_sq = 1.0},
       .b = {.grad_sq = 0.0, .param_sq = 1.0, .step_sq = 0.0}, .measured = true}};
  const lw::LayerStats t = lw::layer_stats(net, trace, grads, &norms);
  BOOST_TEST(t.grad_norm_W[0] == 2.0, tol);
  BOOST_TEST(t.grad_norm_b[0] == 3.0, tol);
  BOOST_TEST(t.grad_norm_W[1] == 4.0, tol);
  BOOST_TEST(t.weight_norm_W[0] == 5.0, tol);
  BOOST_TEST(t.update_ratio[0] == 0.1, tol);
  BOOST_TEST(t.update_ratio[1] == 0.2, tol);
  BOOST_TEST(t.delta_norm == s.delta_norm, tt::per_element());
  BOOST_TEST(t.act_saturated == s.act_saturated, tt::per_element());
  const std::vector<lw::LayerNorms> short_norms(1);
  BOOST_CHECK_THROW(lw::layer_stats(net, trace, grads, &short_norms), std::invalid_argument);
  // A layer without measured norms is read from the gradients and weights, the others not.
  std::vector<lw::LayerNorms> partial = norms;
  partial[1].measured = false;
  const lw::LayerStats p = lw::layer_stats(net, trace, grads, &partial);
  BOOST_TEST(p.grad_norm_W[0] == 2.0, tol);
  BOOST_TEST(p.grad_norm_W[1] == s.grad_norm_W[1], tol);
  BOOST_TEST(p.weight_norm_W[1] == s.weight_norm_W[1], tol);
  BOOST_TEST(std::isnan(p.update_ratio[1]));
}

BOOST_AUTO_TEST_CASE(saturation_follows_each_activation) {
  lw::Network<double> net;
  net.loss = lw::Loss::squared_error;
  net.layers.push_back({arma::mat(4, 1, arma::fill::ones), arma::vec(4, arma::fill::zeros),
                        lw::Activation::tanh});
  net.layers.push_back({arma::mat(4, 4, arma::fill::ones), arma::vec(4, arma::fill::zeros),
                        lw::Activation::identity});
  lw::Trace<double> trace;
  trace.a = {arma::mat(1, 1, arma::fill::ones), arma::mat(arma::vec{0.995, -0.999, 0.5, 0.0}),
             arma::mat(arma::vec{0.0, 0.0, 100.0, -100.0})};
  lw::Gradients<double> grads;
  grads.layers = {{arma::mat(4, 1, arma::fill::zeros), arma::vec(4, arma::fill::zeros),
                   arma::mat(4, 1, arma::fill::zeros)},
                  {arma::mat(4, 4, arma::fill::zeros), arma::vec(4, arma::fill::zeros),
                   arma::mat(4, 1, arma::fill::zeros)}};
  const lw::LayerStats s = lw::layer_stats(net, trace, grads);
  BOOST_TEST(s.act_saturated[0] == 0.5);  // tanh: |a| > 0.99
  BOOST_TEST(s.act_saturated[1] == 0.0);  // identity never saturates
  BOOST_TEST(s.delta_norm[0] == 0.0);
  BOOST_TEST(s.act_mean[0] == (0.995 - 0.999 + 0.5) / 4, tol);
}

BOOST_AUTO_TEST_CASE(statistics_of_a_real_forward_and_backward_pass) {
  lw::Network<double> net;
  net.loss = lw::Loss::squared_error;
  net.layers.push_back({arma::mat{{0.5, -1.0}, {2.0, 0.25}}, arma::vec{0.1, -0.2},
                        lw::Activation::sigmoid});
  net.layers.push_back({arma::mat{{1.5, -0.5}, {-2.0, 1.0}}, arma::vec{0.3, 0.0},
                        lw::Activation::identity});
  const arma::mat X = {{1.0, -1.0}, {0.5, 2.0}};
  const arma::mat Y = {{1.0, 0.0}, {0.0, 1.0}};
  lw::Trace<double> trace;
  lw::Gradients<double> grads;
  lw::forward(net, X, trace);
  lw::backward(net, trace, Y, grads);
  const lw::LayerStats s = lw::layer_stats(net, trace, grads);

  // The same step by hand, element by element (n = 2 examples).
  double h[2][2], o[2][2], d1[2][2], d0[2][2];
  for (int j = 0; j < 2; ++j) {
    for (int i = 0; i < 2; ++i)
      h[i][j] = sigmoid(net.layers[0].W(i, 0) * X(0, j) + net.layers[0].W(i, 1) * X(1, j) +
                        net.layers[0].b(i));
    for (int i = 0; i < 2; ++i) {
      o[i][j] = net.layers[1].W(i, 0) * h[0][j] + net.layers[1].W(i, 1) * h[1][j] +
                net.layers[1].b(i);
      d1[i][j] = (o[i][j] - Y(i, j)) / 2;  // squared error, mean over the batch; identity output
    }
    for (int i = 0; i < 2; ++i)
      d0[i][j] = (net.layers[1].W(0, i) * d1[0][j] + net.layers[1].W(1, i) * d1[1][j]) *
                 h[i][j] * (1 - h[i][j]);
  }
  double gW0 = 0, gb0 = 0, gW1 = 0, gb1 = 0, n0 = 0, n1 = 0, hsum = 0, hsq = 0, osum = 0, osq = 0;
  for (int i = 0; i < 2; ++i) {
    double b0 = 0, b1 = 0;
    for (int k = 0; k < 2; ++k) {
      double w0 = 0, w1 = 0;
      for (int j = 0; j < 2; ++j) {
        w0 += d0[i][j] * X(k, j);
        w1 += d1[i][j] * h[k][j];
      }
      gW0 += w0 * w0;
      gW1 += w1 * w1;
      b0 += d0[i][k];
      b1 += d1[i][k];
      n0 += d0[i][k] * d0[i][k];
      n1 += d1[i][k] * d1[i][k];
      hsum += h[i][k];
      hsq += h[i][k] * h[i][k];
      osum += o[i][k];
      osq += o[i][k] * o[i][k];
    }
    gb0 += b0 * b0;
    gb1 += b1 * b1;
  }
  BOOST_TEST(s.grad_norm_W[0] == std::sqrt(gW0), tol);
  BOOST_TEST(s.grad_norm_W[1] == std::sqrt(gW1), tol);
  BOOST_TEST(s.grad_norm_b[0] == std::sqrt(gb0), tol);
  BOOST_TEST(s.grad_norm_b[1] == std::sqrt(gb1), tol);
  BOOST_TEST(s.delta_norm[0] == std::sqrt(n0 / 2), tol);
  BOOST_TEST(s.delta_norm[1] == std::sqrt(n1 / 2), tol);
  BOOST_TEST(s.weight_norm_W[0] == std::sqrt(0.25 + 1 + 4 + 0.0625), tol);
  BOOST_TEST(s.weight_norm_W[1] == std::sqrt(2.25 + 0.25 + 4 + 1), tol);
  BOOST_TEST(s.act_mean[0] == hsum / 4, tol);
  BOOST_TEST(s.act_std[0] == std::sqrt(hsq / 4 - (hsum / 4) * (hsum / 4)), tol);
  BOOST_TEST(s.act_mean[1] == osum / 4, tol);
  BOOST_TEST(s.act_std[1] == std::sqrt(osq / 4 - (osum / 4) * (osum / 4)), tol);
  BOOST_TEST(s.act_saturated[0] == 0.0);  // no hidden output within 1% of 0 or 1 here
  BOOST_TEST(s.act_saturated[1] == 0.0);

  // The float instantiation agrees to float precision.
  const auto f = lw::convert<float>(net);
  lw::Trace<float> ft;
  lw::Gradients<float> fg;
  lw::forward(f, arma::fmat(arma::conv_to<arma::fmat>::from(X)), ft);
  lw::backward(f, ft, arma::fmat(arma::conv_to<arma::fmat>::from(Y)), fg);
  const lw::LayerStats fs = lw::layer_stats(f, ft, fg);
  for (std::size_t l = 0; l < 2; ++l) {
    BOOST_TEST(fs.grad_norm_W[l] == s.grad_norm_W[l], tt::tolerance(1e-5));
    BOOST_TEST(fs.delta_norm[l] == s.delta_norm[l], tt::tolerance(1e-5));
    BOOST_TEST(fs.act_std[l] == s.act_std[l], tt::tolerance(1e-5));
  }
}

BOOST_AUTO_TEST_CASE(a_trace_or_gradients_of_another_network_are_rejected) {
  const auto net = tiny();
  lw::Trace<double> trace;
  trace.a = {arma::mat(2, 1), arma::mat(2, 1)};  // one output short
  lw::Gradients<double> grads;
  grads.layers.resize(2);
  BOOST_CHECK_THROW(lw::layer_stats(net, trace, grads), std::invalid_argument);
  trace.a.push_back(arma::mat(2, 1));
  grads.layers.resize(1);
  BOOST_CHECK_THROW(lw::layer_stats(net, trace, grads), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
