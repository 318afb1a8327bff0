#include "layerwise/train/network_objective.hpp"

#include <algorithm>

#include "layerwise/core/check.hpp"
#include "layerwise/train/regularization.hpp"

namespace lw {

template <class T>
std::int64_t count_errors_one_hot(const arma::Mat<T>& O, const arma::Mat<T>& Y) {
  std::int64_t errors = 0;
  for (arma::uword j = 0; j < O.n_cols; ++j)
    if (O.col(j).index_max() != Y.col(j).index_max()) ++errors;
  return errors;
}

template <class T>
NetworkObjective<T>::NetworkObjective(Network<T>& net, const NetworkObjectiveConfig& config,
                                      Rng dropout_rng)
    : net_(net), config_(config), rng_(dropout_rng) {
  check_network(net_);
  require(config_.dropout.size() <= net_.layers.size(),
          cat("NetworkObjective: ", config_.dropout.size(), " dropout rates for ",
              net_.layers.size(), " layers"));
  for (double p : config_.dropout)
    require(p >= 0 && p < 1, cat("NetworkObjective: dropout must be in [0, 1) (", p, ")"));
  require(config_.max_norm >= 0,
          cat("NetworkObjective: max_norm must be >= 0 (", config_.max_norm, ")"));
}

template <class T>
BatchResult NetworkObjective<T>::compute(const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  const bool dropout = std::any_of(config_.dropout.begin(), config_.dropout.end(),
                                   [](double p) { return p > 0; });
  if (dropout) draw_dropout_masks(config_.dropout, net_, X.n_cols, trace_, rng_);
  forward(net_, X, trace_);
  const std::int64_t errors =
      net_.loss == Loss::softmax_cross_entropy ? count_errors_one_hot(trace_.output(), Y) : -1;
  const double loss = backward(net_, trace_, Y, grads_);
  return {loss, errors};
}

template <class T>
BatchResult NetworkObjective<T>::evaluate(const arma::Mat<T>& X, const arma::Mat<T>& Y) {
  require(X.n_cols == Y.n_cols && X.n_cols > 0,
          cat("NetworkObjective::evaluate(): ", X.n_cols, " inputs and ", Y.n_cols, " targets"));
  const arma::uword chunk = 1000;
  double loss_sum = 0;
  std::int64_t errors = 0;
  for (arma::uword start = 0; start < X.n_cols; start += chunk) {
    const arma::uword end = std::min<arma::uword>(start + chunk, X.n_cols) - 1;
    arma::Mat<T>& in = prepare_input(net_, end - start + 1, eval_trace_);
    in = X.cols(start, end);
    forward(net_, eval_trace_);
    const arma::Mat<T> Yc = Y.cols(start, end);
    loss_sum += loss_value(net_.loss, eval_trace_.output(), Yc) * static_cast<double>(Yc.n_cols);
    errors += count_errors_one_hot(eval_trace_.output(), Yc);
  }
  return {loss_sum / static_cast<double>(X.n_cols),
          net_.loss == Loss::softmax_cross_entropy ? errors : -1};
}

template <class T>
std::vector<Parameter<T>> NetworkObjective<T>::parameters() {
  return network_parameters(net_, grads_);
}

template <class T>
std::vector<Parameter<T>> network_parameters(Network<T>& net, Gradients<T>& grads) {
  grads.layers.resize(net.layers.size());
  std::vector<Parameter<T>> params;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const int layer = static_cast<int>(l);
    params.push_back({&net.layers[l].W, &grads.layers[l].dW, true, layer, ParamRole::weight});
    params.push_back({&net.layers[l].b, &grads.layers[l].db, false, layer, ParamRole::bias});
  }
  return params;
}

template <class T>
void NetworkObjective<T>::after_update() {
  if (config_.max_norm > 0)
    for (auto& layer : net_.layers) apply_max_norm(layer.W, config_.max_norm);
}

template class NetworkObjective<float>;
template class NetworkObjective<double>;
template std::vector<Parameter<float>> network_parameters(Network<float>&, Gradients<float>&);
template std::vector<Parameter<double>> network_parameters(Network<double>&, Gradients<double>&);
template std::int64_t count_errors_one_hot(const arma::Mat<float>&, const arma::Mat<float>&);
template std::int64_t count_errors_one_hot(const arma::Mat<double>&, const arma::Mat<double>&);

}  // namespace lw
