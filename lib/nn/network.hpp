#pragma once
// Dense feed-forward networks on minibatches (one example per column).
//
//   a[0] = X                                    (n_inputs x n)
//   z_l  = W_l a[l] + b_l,  a[l+1] = f_l(z_l)   W_l: fan_out x fan_in, b_l: fan_out
//   L    = loss(a[L], Y)                        mean over the batch (nn/loss.hpp)
//
// Backpropagation reuses the partial derivatives of the layer above instead of walking paths:
//   delta_{L-1} = dL/da[L] . f'_{L-1}           (the loss gives dL/da[L])
//   dW_l = delta_l a[l]^T,  db_l = sum_columns delta_l
//   delta_{l-1} = (W_l^T delta_l) . mask_l . f'_{l-1}(a[l])
// Layer index 0 is next to the input; a network of depth d has d hidden layers and d + 1 weight
// layers. Network is a value type: copying it copies the weights.
//
// Trace and Gradients are hot-loop buffers: sized on the first batch, reused without allocation
// for every later batch of the same size.
#include <armadillo>
#include <cstdint>
#include <string>
#include <vector>

#include "layerwise/nn/activation.hpp"
#include "layerwise/nn/loss.hpp"

namespace lw {

template <class T>
struct DenseLayer {
  arma::Mat<T> W;  // fan_out x fan_in
  arma::Col<T> b;  // fan_out
  Activation act = Activation::sigmoid;

  arma::uword fan_in() const { return W.n_cols; }
  arma::uword fan_out() const { return W.n_rows; }
};

template <class T>
struct Network {
  std::vector<DenseLayer<T>> layers;
  Loss loss = Loss::softmax_cross_entropy;

  arma::uword n_inputs() const { return layers.front().fan_in(); }
  arma::uword n_outputs() const { return layers.back().fan_out(); }
  std::size_t depth() const { return layers.size() - 1; }  // hidden layers
  std::vector<arma::uword> layer_sizes() const;           // n_inputs, then each fan_out
};

template <class T>
struct Trace {
  std::vector<arma::Mat<T>> a;     // a[0] = the input batch, a[l + 1] = output of layer l
  std::vector<arma::Mat<T>> mask;  // optional dropout masks for a[l] (scaled, inverted dropout)
  std::vector<arma::Mat<T>> dropped;  // a[l] % mask[l], the input layer l sees when masked

  arma::Mat<T>& input() { return a.at(0); }
  const arma::Mat<T>& output() const { return a.back(); }
  bool masked(std::size_t l) const { return l < mask.size() && !mask[l].is_empty(); }
  // What layer l multiplies: a[l], or its dropped-out copy.
  const arma::Mat<T>& layer_input(std::size_t l) const { return masked(l) ? dropped[l] : a[l]; }
};

template <class T>
struct LayerGrad {
  arma::Mat<T> dW;     // dL/dW_l, fan_out x fan_in
  arma::Col<T> db;     // dL/db_l
  arma::Mat<T> delta;  // dL/dz_l, fan_out x n: the back-propagated error at layer l
};

template <class T>
struct Gradients {
  std::vector<LayerGrad<T>> layers;
  double loss = 0;  // the batch loss of the backward pass that filled them
};

// Throws std::invalid_argument when shapes do not chain, or a cross-entropy loss follows a
// non-identity output activation.
template <class T>
void check_network(const Network<T>& net);

// Sizes trace.a for a batch of n and returns trace.input() for the caller to fill.
template <class T>
arma::Mat<T>& prepare_input(const Network<T>& net, arma::uword n, Trace<T>& trace);

// Forward pass from trace.a[0] (filled by the caller); applies trace.mask[l] where present.
template <class T>
void forward(const Network<T>& net, Trace<T>& trace);

// Copies X into the trace, then runs forward.
template <class T>
void forward(const Network<T>& net, const arma::Mat<T>& X, Trace<T>& trace);

// Backward pass after forward: fills grads for targets Y, returns the batch loss.
template <class T>
double backward(const Network<T>& net, const Trace<T>& trace, const arma::Mat<T>& Y,
                Gradients<T>& grads);

// Outputs as predictions (probabilities for the cross-entropies), in chunks of `batch` columns.
template <class T>
arma::Mat<T> predict(const Network<T>& net, const arma::Mat<T>& X, arma::uword batch = 1000);

// Converts between precisions (weights rounded to the nearest representable value).
template <class To, class From>
Network<To> convert(const Network<From>& net);

}  // namespace lw
