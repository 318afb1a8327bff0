#include "layerwise/nn/network.hpp"

#include <cstring>

#include "layerwise/core/check.hpp"

namespace lw {

template <class T>
std::vector<arma::uword> Network<T>::layer_sizes() const {
  std::vector<arma::uword> sizes;
  if (layers.empty()) return sizes;
  sizes.push_back(n_inputs());
  for (const auto& layer : layers) sizes.push_back(layer.fan_out());
  return sizes;
}

template <class T>
void check_network(const Network<T>& net) {
  require(!net.layers.empty(), "check_network(): the network has no layers");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& layer = net.layers[l];
    require(layer.W.n_elem > 0, cat("check_network(): layer ", l, " has an empty weight matrix"));
    require(layer.b.n_elem == layer.fan_out(),
            cat("check_network(): layer ", l, " has ", layer.fan_out(), " units but ",
                layer.b.n_elem, " biases"));
    if (l > 0)
      require(layer.fan_in() == net.layers[l - 1].fan_out(),
              cat("check_network(): layer ", l, " takes ", layer.fan_in(), " inputs but layer ",
                  l - 1, " gives ", net.layers[l - 1].fan_out()));
  }
  if (net.loss != Loss::squared_error)
    require(net.layers.back().act == Activation::identity,
            cat("check_network(): ", to_string(net.loss), " takes logits, so the output layer "
                "must be identity (it is ", to_string(net.layers.back().act), ")"));
}

template <class T>
arma::Mat<T>& prepare_input(const Network<T>& net, arma::uword n, Trace<T>& trace) {
  trace.a.resize(net.layers.size() + 1);
  trace.a[0].set_size(net.n_inputs(), n);
  return trace.a[0];
}

template <class T>
void forward(const Network<T>& net, Trace<T>& trace) {
  require(trace.a.size() == net.layers.size() + 1 && trace.a[0].n_rows == net.n_inputs(),
          cat("forward(): the trace holds no input for this network (expected ", net.n_inputs(),
              " rows)"));
  if (!trace.mask.empty()) trace.dropped.resize(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& layer = net.layers[l];
    if (trace.masked(l)) trace.dropped[l] = trace.a[l] % trace.mask[l];
    arma::Mat<T>& out = trace.a[l + 1];
    out = layer.W * trace.layer_input(l);  // BLAS gemm into the reused buffer
    activate(layer.act, out, layer.b, out);
  }
}

template <class T>
void forward(const Network<T>& net, const arma::Mat<T>& X, Trace<T>& trace) {
  require(X.n_rows == net.n_inputs(), cat("forward(): input has ", X.n_rows,
                                          " features, the network takes ", net.n_inputs()));
  arma::Mat<T>& in = prepare_input(net, X.n_cols, trace);
  if (X.n_elem > 0) std::memcpy(in.memptr(), X.memptr(), X.n_elem * sizeof(T));
  forward(net, trace);
}

template <class T>
double backward(const Network<T>& net, const Trace<T>& trace, const arma::Mat<T>& Y,
                Gradients<T>& grads) {
  const std::size_t n_layers = net.layers.size();
  require(trace.a.size() == n_layers + 1, "backward(): call forward() first");
  grads.layers.resize(n_layers);
  LayerGrad<T>& top = grads.layers[n_layers - 1];
  grads.loss = loss_gradient(net.loss, trace.a[n_layers], Y, top.delta);
  multiply_by_derivative(net.layers[n_layers - 1].act, trace.a[n_layers], top.delta);
  for (std::size_t l = n_layers; l-- > 0;) {
    LayerGrad<T>& g = grads.layers[l];
    g.dW = g.delta * trace.layer_input(l).t();
    g.db.zeros(g.delta.n_rows);  // db = sum over columns of delta, column by column
    T* db = g.db.memptr();
    for (arma::uword j = 0; j < g.delta.n_cols; ++j) {
      const T* d = g.delta.colptr(j);
      for (arma::uword i = 0; i < g.delta.n_rows; ++i) db[i] += d[i];
    }
    if (l == 0) break;
    arma::Mat<T>& below = grads.layers[l - 1].delta;
    below = net.layers[l].W.t() * g.delta;
    if (trace.masked(l)) below %= trace.mask[l];
    multiply_by_derivative(net.layers[l - 1].act, trace.a[l], below);
  }
  return grads.loss;
}

template <class T>
arma::Mat<T> predict(const Network<T>& net, const arma::Mat<T>& X, arma::uword batch) {
  require(batch > 0, "predict(): batch must be > 0");
  arma::Mat<T> out(net.n_outputs(), X.n_cols);
  Trace<T> trace;
  for (arma::uword start = 0; start < X.n_cols; start += batch) {
    const arma::uword end = std::min<arma::uword>(start + batch, X.n_cols) - 1;
    forward(net, arma::Mat<T>(X.cols(start, end)), trace);
    out.cols(start, end) = trace.output();
  }
  to_probabilities(net.loss, out);
  return out;
}

template <class To, class From>
Network<To> convert(const Network<From>& net) {
  Network<To> out;
  out.loss = net.loss;
  for (const auto& layer : net.layers)
    out.layers.push_back({arma::conv_to<arma::Mat<To>>::from(layer.W),
                          arma::conv_to<arma::Col<To>>::from(layer.b), layer.act});
  return out;
}

#define LW_INSTANTIATE(T)                                                                    \
  template struct Network<T>;                                                                \
  template void check_network(const Network<T>&);                                            \
  template arma::Mat<T>& prepare_input(const Network<T>&, arma::uword, Trace<T>&);           \
  template void forward(const Network<T>&, Trace<T>&);                                       \
  template void forward(const Network<T>&, const arma::Mat<T>&, Trace<T>&);                  \
  template double backward(const Network<T>&, const Trace<T>&, const arma::Mat<T>&,          \
                           Gradients<T>&);                                                   \
  template arma::Mat<T> predict(const Network<T>&, const arma::Mat<T>&, arma::uword);
LW_INSTANTIATE(float)
LW_INSTANTIATE(double)
#undef LW_INSTANTIATE
template Network<float> convert(const Network<float>&);
template Network<float> convert(const Network<double>&);
template Network<double> convert(const Network<float>&);
template Network<double> convert(const Network<double>&);

}  // namespace lw
