#include "layerwise/instrument/layer_stats.hpp"

#include <cmath>
#include <limits>

#include "layerwise/core/check.hpp"
#include "layerwise/core/simd.hpp"

namespace lw {

namespace {

// sum_i p_i^2 in double, in independent lanes so the loop vectorises.
template <class T>
inline double sum_squares_body(const T* p, arma::uword n) {
  constexpr arma::uword lanes = 8;
  double acc[lanes] = {};
  const arma::uword blocks = n / lanes;
  for (arma::uword i = 0; i < blocks; ++i)
    for (arma::uword k = 0; k < lanes; ++k) {
      const double v = p[i * lanes + k];
      acc[k] += v * v;
    }
  double sum = 0;
  for (arma::uword i = blocks * lanes; i < n; ++i) sum += static_cast<double>(p[i]) * p[i];
  for (double a : acc) sum += a;
  return sum;
}

LW_VECTOR_CLONES double sum_squares(const float* p, arma::uword n) { return sum_squares_body(p, n); }
LW_VECTOR_CLONES double sum_squares(const double* p, arma::uword n) { return sum_squares_body(p, n); }

}  // namespace

template <class T>
double frobenius_norm(const arma::Mat<T>& m) {
  return std::sqrt(sum_squares(m.memptr(), m.n_elem));
}

namespace {

struct ActivationMoments {
  double sum = 0, sum_squares = 0;
  arma::uword saturated = 0;
};

// One pass over a, in independent lanes so the loop vectorises (is_saturated is inline, so the
// switch on the activation is hoisted out of the loop).
template <class T, class Saturated>
inline ActivationMoments moments(const T* p, arma::uword n, Saturated saturated) {
  constexpr arma::uword lanes = 8;
  double s[lanes] = {}, q[lanes] = {};
  arma::uword c[lanes] = {};
  const arma::uword blocks = n / lanes;
  for (arma::uword i = 0; i < blocks; ++i)
    for (arma::uword k = 0; k < lanes; ++k) {
      const T v = p[i * lanes + k];
      s[k] += v;
      q[k] += static_cast<double>(v) * v;
      c[k] += saturated(v) ? 1 : 0;
    }
  ActivationMoments m;
  for (arma::uword i = blocks * lanes; i < n; ++i) {
    m.sum += p[i];
    m.sum_squares += static_cast<double>(p[i]) * p[i];
    m.saturated += saturated(p[i]) ? 1 : 0;
  }
  for (arma::uword k = 0; k < lanes; ++k) {
    m.sum += s[k];
    m.sum_squares += q[k];
    m.saturated += c[k];
  }
  return m;
}

// The switch on the activation outside the loop: one vectorised loop per activation.
template <class T>
inline ActivationMoments moments_body(Activation act, const T* p, arma::uword n) {
  switch (act) {
    case Activation::sigmoid:
      return moments(p, n, [](T v) { return is_saturated(Activation::sigmoid, v); });
    case Activation::tanh:
      return moments(p, n, [](T v) { return is_saturated(Activation::tanh, v); });
    case Activation::softsign:
      return moments(p, n, [](T v) { return is_saturated(Activation::softsign, v); });
    case Activation::relu:
      return moments(p, n, [](T v) { return is_saturated(Activation::relu, v); });
    case Activation::identity:
    case Activation::leaky_relu: break;
  }
  return moments(p, n, [](T) { return false; });
}

LW_VECTOR_CLONES ActivationMoments moments_of(Activation act, const float* p, arma::uword n) {
  return moments_body(act, p, n);
}
LW_VECTOR_CLONES ActivationMoments moments_of(Activation act, const double* p, arma::uword n) {
  return moments_body(act, p, n);
}

template <class T>
ActivationMoments activation_moments(Activation act, const arma::Mat<T>& a) {
  return moments_of(act, a.memptr(), a.n_elem);
}

}  // namespace

template <class T>
LayerStats layer_stats(const Network<T>& net, const Trace<T>& trace, const Gradients<T>& grads,
                       const std::vector<LayerNorms>* norms) {
  const std::size_t L = net.layers.size();
  require(grads.layers.size() == L && trace.a.size() == L + 1,
          "layer_stats(): trace and gradients do not belong to this network");
  require(!norms || norms->size() == L,
          cat("layer_stats(): update norms of ", norms ? norms->size() : 0, " layers for ", L,
              " layers"));
  LayerStats s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t l = 0; l < L; ++l) {
    const auto& g = grads.layers[l];
    const arma::Mat<T>& a = trace.a[l + 1];
    if (norms && (*norms)[l].measured) {
      const UpdateNorms& w = (*norms)[l].W;
      s.grad_norm_W.push_back(std::sqrt(w.grad_sq));
      s.grad_norm_b.push_back(std::sqrt((*norms)[l].b.grad_sq));
      s.weight_norm_W.push_back(std::sqrt(w.param_sq));
      s.update_ratio.push_back(std::sqrt(w.step_sq) / std::sqrt(w.param_sq));
    } else {
      s.grad_norm_W.push_back(frobenius_norm(g.dW));
      s.grad_norm_b.push_back(frobenius_norm<T>(g.db));
      s.weight_norm_W.push_back(frobenius_norm(net.layers[l].W));
      s.update_ratio.push_back(nan);
    }
    const double n = std::max<double>(1.0, static_cast<double>(g.delta.n_cols));
    s.delta_norm.push_back(frobenius_norm(g.delta) / std::sqrt(n));
    const ActivationMoments mo = activation_moments(net.layers[l].act, a);
    const double sum = mo.sum, sq = mo.sum_squares;
    const auto saturated = static_cast<double>(mo.saturated);
    const double count = static_cast<double>(a.n_elem);
    const double mean = sum / count;
    s.act_mean.push_back(mean);
    s.act_std.push_back(std::sqrt(std::max(0.0, sq / count - mean * mean)));
    s.act_saturated.push_back(saturated / count);
  }
  return s;
}

template double frobenius_norm(const arma::Mat<float>&);
template double frobenius_norm(const arma::Mat<double>&);
template LayerStats layer_stats(const Network<float>&, const Trace<float>&,
                                const Gradients<float>&, const std::vector<LayerNorms>*);
template LayerStats layer_stats(const Network<double>&, const Trace<double>&,
                                const Gradients<double>&, const std::vector<LayerNorms>*);

}  // namespace lw
