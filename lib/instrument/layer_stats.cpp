#include "instrument/layer_stats.hpp"

#include <cmath>
#include <limits>

#include "core/check.hpp"

namespace lw {

template <class T>
LayerStats layer_stats(const Network<T>& net, const Trace<T>& trace, const Gradients<T>& grads) {
  const std::size_t L = net.layers.size();
  require(grads.layers.size() == L && trace.a.size() == L + 1,
          "layer_stats(): trace and gradients do not belong to this network");
  LayerStats s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t l = 0; l < L; ++l) {
    const auto& g = grads.layers[l];
    const arma::Mat<T>& a = trace.a[l + 1];
    s.grad_norm_W.push_back(arma::norm(g.dW, "fro"));
    s.grad_norm_b.push_back(arma::norm(g.db, 2));
    const double n = std::max<double>(1.0, static_cast<double>(g.delta.n_cols));
    s.delta_norm.push_back(arma::norm(g.delta, "fro") / std::sqrt(n));
    s.weight_norm_W.push_back(arma::norm(net.layers[l].W, "fro"));
    s.update_ratio.push_back(nan);
    double sum = 0, sq = 0;
    arma::uword saturated = 0;
    const Activation act = net.layers[l].act;
    for (T v : a) {
      sum += v;
      sq += static_cast<double>(v) * v;
      if (is_saturated(act, v)) ++saturated;
    }
    const double count = static_cast<double>(a.n_elem);
    const double mean = sum / count;
    s.act_mean.push_back(mean);
    s.act_std.push_back(std::sqrt(std::max(0.0, sq / count - mean * mean)));
    s.act_saturated.push_back(static_cast<double>(saturated) / count);
  }
  return s;
}

void set_update_ratios(LayerStats& stats, const std::vector<double>& step_sq_norms) {
  for (std::size_t l = 0; l < stats.weight_norm_W.size() && 2 * l < step_sq_norms.size(); ++l)
    stats.update_ratio[l] = std::sqrt(step_sq_norms[2 * l]) / stats.weight_norm_W[l];
}

template LayerStats layer_stats(const Network<float>&, const Trace<float>&,
                                const Gradients<float>&);
template LayerStats layer_stats(const Network<double>&, const Trace<double>&,
                                const Gradients<double>&);

}  // namespace lw
