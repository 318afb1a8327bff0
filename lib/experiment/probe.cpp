#include "layerwise/experiment/probe.hpp"

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

void accumulate(std::vector<double>& sum, const std::vector<double>& v) {
  if (sum.empty()) sum.assign(v.size(), 0.0);
  for (std::size_t i = 0; i < v.size(); ++i) sum[i] += v[i];
}

void scale(std::vector<double>& v, double s) {
  for (double& x : v) x *= s;
}

}  // namespace

template <class T>
ProbeResult probe_gradients(const Network<T>& net, const arma::Mat<T>& X, const arma::Mat<T>& Y,
                            arma::uword batch_size, arma::uword n_batches) {
  require(batch_size >= 1 && n_batches >= 1,
          cat("probe_gradients(): batch_size and n_batches must be >= 1 (", batch_size, ", ",
              n_batches, ")"));
  require(X.n_cols >= batch_size * n_batches && Y.n_cols == X.n_cols,
          cat("probe_gradients(): need ", batch_size * n_batches, " examples (have ", X.n_cols,
              ")"));
  ProbeResult r;
  r.n_batches = n_batches;
  r.batch_size = batch_size;
  Trace<T> trace;
  Gradients<T> grads;
  LayerStats& m = r.mean;
  for (arma::uword b = 0; b < n_batches; ++b) {
    const arma::uword first = b * batch_size, last = first + batch_size - 1;
    forward(net, arma::Mat<T>(X.cols(first, last)), trace);
    backward(net, trace, arma::Mat<T>(Y.cols(first, last)), grads);
    const LayerStats s = layer_stats(net, trace, grads);
    accumulate(m.grad_norm_W, s.grad_norm_W);
    accumulate(m.grad_norm_b, s.grad_norm_b);
    accumulate(m.delta_norm, s.delta_norm);
    accumulate(m.weight_norm_W, s.weight_norm_W);
    accumulate(m.act_mean, s.act_mean);
    accumulate(m.act_std, s.act_std);
    accumulate(m.act_saturated, s.act_saturated);
    m.update_ratio = s.update_ratio;  // NaN: no update
  }
  const double inv = 1.0 / static_cast<double>(n_batches);
  for (auto* v : {&m.grad_norm_W, &m.grad_norm_b, &m.delta_norm, &m.weight_norm_W, &m.act_mean,
                  &m.act_std, &m.act_saturated})
    scale(*v, inv);
  r.ratio_first_last = m.grad_norm_W.front() / m.grad_norm_W.back();
  return r;
}

ProbeRecord probe_record(const ProbeResult& r) {
  const LayerStats& m = r.mean;
  return {.grad_norm_W = m.grad_norm_W,
          .grad_norm_b = m.grad_norm_b,
          .delta_norm = m.delta_norm,
          .weight_norm_W = m.weight_norm_W,
          .act_mean = m.act_mean,
          .act_std = m.act_std,
          .act_saturated = m.act_saturated,
          .ratio_first_last = r.ratio_first_last,
          .n_batches = static_cast<std::int64_t>(r.n_batches),
          .batch_size = static_cast<std::int64_t>(r.batch_size)};
}

template ProbeResult probe_gradients(const Network<float>&, const arma::Mat<float>&,
                                     const arma::Mat<float>&, arma::uword, arma::uword);
template ProbeResult probe_gradients(const Network<double>&, const arma::Mat<double>&,
                                     const arma::Mat<double>&, arma::uword, arma::uword);

}  // namespace lw
