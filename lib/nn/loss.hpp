#pragma once
// Losses on the network output O (n_out x n, one example per column) against targets Y (same shape).
// Each is a sum over output units and a MEAN over the batch. The cross-entropies take logits: the
// output layer's activation must be identity, and the loss applies softmax / sigmoid itself,
// in a form that stays finite for logits of any size:
//   softmax_cross_entropy   l = -sum_i y_i log softmax(o)_i = logsumexp(o) - sum_i y_i o_i
//                           dL/dO = ((sum_i y_i) softmax(O) - Y) / n   (= softmax - Y, one-hot)
//   sigmoid_cross_entropy   l = sum_i max(o_i, 0) - o_i y_i + log(1 + exp(-|o_i|))
//                           dL/dO = (sigmoid(O) - Y) / n
//   squared_error           l = 1/2 sum_i (o_i - y_i)^2,  dL/dO = (O - Y) / n
#include <armadillo>
#include <string>
#include <string_view>

namespace lw {

enum class Loss { softmax_cross_entropy, sigmoid_cross_entropy, squared_error };

Loss parse_loss(std::string_view name);  // throws, listing the known names
std::string to_string(Loss loss);

// The mean loss over the batch (accumulated in double).
template <class T>
double loss_value(Loss loss, const arma::Mat<T>& O, const arma::Mat<T>& Y);

// The mean loss, and dO = dL/dO (sized like O; a hot-loop buffer reused across calls).
template <class T>
double loss_gradient(Loss loss, const arma::Mat<T>& O, const arma::Mat<T>& Y, arma::Mat<T>& dO);

// Turns outputs into predictions in place: softmax / sigmoid probabilities; squared error: as is.
template <class T>
void to_probabilities(Loss loss, arma::Mat<T>& O);

// How many columns' argmax differs from the label.
template <class T>
arma::uword count_errors(const arma::Mat<T>& O, const arma::uvec& labels);

}  // namespace lw
