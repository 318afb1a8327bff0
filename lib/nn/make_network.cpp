#include "layerwise/nn/make_network.hpp"

#include "layerwise/core/check.hpp"
#include "layerwise/core/streams.hpp"
#include "layerwise/nn/init.hpp"

namespace lw {

template <class T>
DenseLayer<T> make_layer(arma::uword fan_in, arma::uword fan_out, Activation act,
                         const std::string& init, double init_scale, Rng& rng) {
  const InitArgs args{.fan_in = fan_in, .fan_out = fan_out, .act = act, .scale = init_scale};
  return DenseLayer<T>{init_weights<T>(init, args, rng), arma::Col<T>(fan_out, arma::fill::zeros),
                       act};
}

template <class T>
Network<T> make_network(const NetworkSpec& spec, std::uint64_t seed) {
  const auto& sizes = spec.layer_sizes;
  require(sizes.size() >= 2,
          cat("make_network(): need input and output sizes (got ", sizes.size(), " sizes)"));
  for (std::size_t i = 0; i < sizes.size(); ++i)
    require(sizes[i] > 0, cat("make_network(): layer size ", i, " is 0"));
  Network<T> net;
  net.loss = spec.loss;
  const std::size_t n_layers = sizes.size() - 1;
  for (std::size_t l = 0; l + 1 < n_layers; ++l) {
    Rng rng = stream::hidden_init(seed, l);
    net.layers.push_back(
        make_layer<T>(sizes[l], sizes[l + 1], spec.hidden, spec.init, spec.init_scale, rng));
  }
  Rng rng = stream::output_init(seed);
  net.layers.push_back(make_layer<T>(sizes[n_layers - 1], sizes[n_layers], spec.output,
                                     spec.output_init, spec.init_scale, rng));
  check_network(net);
  return net;
}

template DenseLayer<float> make_layer(arma::uword, arma::uword, Activation, const std::string&,
                                      double, Rng&);
template DenseLayer<double> make_layer(arma::uword, arma::uword, Activation, const std::string&,
                                       double, Rng&);
template Network<float> make_network(const NetworkSpec&, std::uint64_t);
template Network<double> make_network(const NetworkSpec&, std::uint64_t);

}  // namespace lw
