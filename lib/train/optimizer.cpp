#include "layerwise/train/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "layerwise/core/check.hpp"
#include "layerwise/core/simd.hpp"

namespace lw {
namespace {

constexpr OptimizerKind all_kinds[] = {OptimizerKind::sgd,     OptimizerKind::momentum,
                                       OptimizerKind::nesterov, OptimizerKind::adagrad,
                                       OptimizerKind::rmsprop, OptimizerKind::adadelta,
                                       OptimizerKind::adam};
constexpr ScheduleKind all_schedules[] = {ScheduleKind::constant, ScheduleKind::step,
                                          ScheduleKind::exponential, ScheduleKind::inverse_time};

constexpr arma::uword lanes = 16;  // independent accumulators of the update norms

// p -= r (s g + wd p), the plain SGD step, vectorised; with `measure`, the squared norms of g, p
// (before the step) and the step, summed in `lanes` fixed lanes (element i of a block in lane
// i % lanes). The parameter values do not depend on `measure`.
template <class T>
inline void sgd_body(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  for (arma::uword i = 0; i < n; ++i) p[i] += -lr * (scale * g[i] + wd * p[i]);
}

// The sums run in T within blocks of `block` elements (lane k adds block / lanes terms) and in
// double across blocks: T lanes keep the pass as cheap as the update alone, and a block's rounding
// error (relative, at most ~block / lanes ulps of T, measured ~2e-8 on 2.8 M float weights) stays
// far below what the logged norms are read to.
// W: the elements of T in one register of the path (64, 32 or 16 bytes), so the `lanes` lane sums
// are lanes / W registers: as one vector wider than the registers, GCC lowers them through the
// stack inside the loop (on AVX2 the measured update took twice the plain one). Lane k sums the
// same terms in the same order on every path: the norms, like the parameters, are the same bits.
template <class T, arma::uword W>
inline UpdateNorms sgd_measured_body(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  typedef T V __attribute__((vector_size(W * sizeof(T))));
  constexpr arma::uword nv = lanes / W;
  static_assert(nv * W == lanes, "lanes must be a multiple of the register width");
  constexpr arma::uword block = 64 * lanes;
  double gs[lanes] = {}, ps[lanes] = {}, ss[lanes] = {};
  for (arma::uword first = 0; first < n; first += block) {
    const arma::uword last = std::min(n, first + block);
    V bg[nv] = {}, bp[nv] = {}, bs[nv] = {};
    arma::uword i = first;
    for (; i + lanes <= last; i += lanes) {
#pragma GCC unroll 16
      for (arma::uword h = 0; h < nv; ++h) {
        V gv, pv;
        std::memcpy(&gv, g + i + h * W, sizeof(V));
        std::memcpy(&pv, p + i + h * W, sizeof(V));
        const V d = -lr * (scale * gv + wd * pv);
        const V updated = pv + d;
        std::memcpy(p + i + h * W, &updated, sizeof(V));
        bg[h] += gv * gv;
        bp[h] += pv * pv;
        bs[h] += d * d;
      }
    }
    T tg[lanes], tp[lanes], ts[lanes];
    std::memcpy(tg, bg, sizeof tg);
    std::memcpy(tp, bp, sizeof tp);
    std::memcpy(ts, bs, sizeof ts);
    for (arma::uword k = 0; i + k < last; ++k) {  // the last < lanes elements, lane by lane
      const T gv = g[i + k], pv = p[i + k];
      const T d = -lr * (scale * gv + wd * pv);
      p[i + k] = pv + d;
      tg[k] += gv * gv;
      tp[k] += pv * pv;
      ts[k] += d * d;
    }
    for (arma::uword k = 0; k < lanes; ++k) {
      gs[k] += tg[k];
      ps[k] += tp[k];
      ss[k] += ts[k];
    }
  }
  UpdateNorms norms;
  for (arma::uword k = 0; k < lanes; ++k) {
    norms.grad_sq += gs[k];
    norms.param_sq += ps[k];
    norms.step_sq += ss[k];
  }
  return norms;
}

// Each path's kernels, compiled for its instruction set (core/simd.hpp), dispatched by
// simd_path().
template <class T>
LW_TARGET_AVX512 __attribute__((flatten)) void sgd_avx512(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  sgd_body(p, g, n, lr, scale, wd);
}
template <class T>
LW_TARGET_AVX2 __attribute__((flatten)) void sgd_avx2(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  sgd_body(p, g, n, lr, scale, wd);
}
template <class T>
void sgd_baseline(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  sgd_body(p, g, n, lr, scale, wd);
}
template <class T>
LW_TARGET_AVX512 __attribute__((flatten)) UpdateNorms sgd_measured_avx512(T* p, const T* g, arma::uword n,
                                                                          T lr, T scale, T wd) {
  return sgd_measured_body<T, 64 / sizeof(T)>(p, g, n, lr, scale, wd);
}
template <class T>
LW_TARGET_AVX2 __attribute__((flatten)) UpdateNorms sgd_measured_avx2(T* p, const T* g, arma::uword n, T lr,
                                                                      T scale, T wd) {
  return sgd_measured_body<T, 32 / sizeof(T)>(p, g, n, lr, scale, wd);
}
template <class T>
UpdateNorms sgd_measured_baseline(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  return sgd_measured_body<T, 16 / sizeof(T)>(p, g, n, lr, scale, wd);
}

}  // namespace

template <class T>
UpdateNorms sgd_kernel(SimdPath path, T* p, const T* g, arma::uword n, T lr, T scale, T wd, bool measure) {
  switch (path) {
    case SimdPath::avx512:
      if (measure) return sgd_measured_avx512(p, g, n, lr, scale, wd);
      sgd_avx512(p, g, n, lr, scale, wd);
      return {};
    case SimdPath::avx2:
      if (measure) return sgd_measured_avx2(p, g, n, lr, scale, wd);
      sgd_avx2(p, g, n, lr, scale, wd);
      return {};
    case SimdPath::baseline: break;
  }
  if (measure) return sgd_measured_baseline(p, g, n, lr, scale, wd);
  sgd_baseline(p, g, n, lr, scale, wd);
  return {};
}
template UpdateNorms sgd_kernel(SimdPath, float*, const float*, arma::uword, float, float, float, bool);
template UpdateNorms sgd_kernel(SimdPath, double*, const double*, arma::uword, double, double, double, bool);

namespace {

template <class T>
UpdateNorms sgd_update(T* p, const T* g, arma::uword n, T lr, T scale, T wd, bool measure) {
  return sgd_kernel(simd_path(), p, g, n, lr, scale, wd, measure);
}

}  // namespace

OptimizerKind parse_optimizer(std::string_view name) {
  for (OptimizerKind k : all_kinds)
    if (to_string(k) == name) return k;
  throw std::invalid_argument(cat("parse_optimizer(): unknown optimizer '", name,
                                  "' (known: sgd, momentum, nesterov, adagrad, rmsprop, adadelta, "
                                  "adam)"));
}

std::string to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::momentum: return "momentum";
    case OptimizerKind::nesterov: return "nesterov";
    case OptimizerKind::adagrad: return "adagrad";
    case OptimizerKind::rmsprop: return "rmsprop";
    case OptimizerKind::adadelta: return "adadelta";
    case OptimizerKind::adam: return "adam";
  }
  return "unknown";
}

ScheduleKind parse_schedule(std::string_view name) {
  for (ScheduleKind k : all_schedules)
    if (to_string(k) == name) return k;
  throw std::invalid_argument(cat("parse_schedule(): unknown schedule '", name,
                                  "' (known: constant, step, exponential, inverse_time)"));
}

std::string to_string(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::constant: return "constant";
    case ScheduleKind::step: return "step";
    case ScheduleKind::exponential: return "exponential";
    case ScheduleKind::inverse_time: return "inverse_time";
  }
  return "unknown";
}

void validate(const OptimizerConfig& c) {
  require(c.learning_rate > 0 && std::isfinite(c.learning_rate),
          cat("optimizer: learning_rate must be > 0 (", c.learning_rate, ")"));
  require(c.momentum >= 0 && c.momentum < 1,
          cat("optimizer: momentum must be in [0, 1) (", c.momentum, ")"));
  require(c.rho > 0 && c.rho < 1, cat("optimizer: rho must be in (0, 1) (", c.rho, ")"));
  require(c.beta1 >= 0 && c.beta1 < 1, cat("optimizer: beta1 must be in [0, 1) (", c.beta1, ")"));
  require(c.beta2 >= 0 && c.beta2 < 1, cat("optimizer: beta2 must be in [0, 1) (", c.beta2, ")"));
  require(c.epsilon > 0, cat("optimizer: epsilon must be > 0 (", c.epsilon, ")"));
  require(c.weight_decay >= 0, cat("optimizer: weight_decay must be >= 0 (", c.weight_decay, ")"));
  require(c.clip_norm >= 0, cat("optimizer: clip_norm must be >= 0 (", c.clip_norm, ")"));
  require(c.gamma > 0, cat("optimizer: gamma must be > 0 (", c.gamma, ")"));
  require(c.step_size >= 1, cat("optimizer: step_size must be >= 1 (", c.step_size, ")"));
  require(c.decay >= 0, cat("optimizer: decay must be >= 0 (", c.decay, ")"));
}

double learning_rate_at(const OptimizerConfig& c, int epoch) {
  switch (c.schedule) {
    case ScheduleKind::constant: return c.learning_rate;
    case ScheduleKind::step: return c.learning_rate * std::pow(c.gamma, epoch / c.step_size);
    case ScheduleKind::exponential: return c.learning_rate * std::pow(c.gamma, epoch);
    case ScheduleKind::inverse_time: return c.learning_rate / (1.0 + c.decay * epoch);
  }
  return c.learning_rate;
}

template <class T>
Optimizer<T>::Optimizer(const OptimizerConfig& config) : config_(config) {
  validate(config_);
}

template <class T>
void Optimizer<T>::begin_step(double learning_rate, double grad_scale) {
  ++t_;
  lr_ = learning_rate;
  scale_ = grad_scale;
}

template <class T>
UpdateNorms Optimizer<T>::update(std::size_t slot, arma::Mat<T>& param, const arma::Mat<T>& grad,
                                 bool decay, bool measure) {
  require(arma::size(param) == arma::size(grad),
          cat("Optimizer::update(): parameter is ", param.n_rows, "x", param.n_cols,
              ", gradient ", grad.n_rows, "x", grad.n_cols));
  require(t_ > 0, "Optimizer::update(): call begin_step() first");
  if (slots_.size() <= slot) slots_.resize(slot + 1);
  Slot& s = slots_[slot];
  const OptimizerKind kind = config_.kind;
  const bool needs_s1 = kind != OptimizerKind::sgd;
  const bool needs_s2 = kind == OptimizerKind::adadelta || kind == OptimizerKind::adam;
  if (needs_s1 && arma::size(s.s1) != arma::size(param)) s.s1.zeros(param.n_rows, param.n_cols);
  if (needs_s2 && arma::size(s.s2) != arma::size(param)) s.s2.zeros(param.n_rows, param.n_cols);

  const T lr = static_cast<T>(lr_), scale = static_cast<T>(scale_);
  const T wd = decay ? static_cast<T>(config_.weight_decay) : T(0);
  const T mu = static_cast<T>(config_.momentum), rho = static_cast<T>(config_.rho);
  const T eps = static_cast<T>(config_.epsilon);
  const T b1 = static_cast<T>(config_.beta1), b2 = static_cast<T>(config_.beta2);
  const T c1 = static_cast<T>(1.0 / (1.0 - std::pow(config_.beta1, t_)));
  const T c2 = static_cast<T>(1.0 / (1.0 - std::pow(config_.beta2, t_)));
  T* p = param.memptr();
  const T* gp = grad.memptr();
  if (kind == OptimizerKind::sgd) return sgd_update(p, gp, param.n_elem, lr, scale, wd, measure);
  T* s1 = s.s1.memptr();
  T* s2 = s.s2.memptr();
  double grad_sq = 0, param_sq = 0, step_sq = 0;
  for (arma::uword i = 0; i < param.n_elem; ++i) {
    grad_sq += static_cast<double>(gp[i]) * gp[i];
    param_sq += static_cast<double>(p[i]) * p[i];
    const T g = scale * gp[i] + wd * p[i];
    T d = 0;  // the step added to p
    switch (kind) {
      case OptimizerKind::sgd: d = -lr * g; break;
      case OptimizerKind::momentum:
        s1[i] = mu * s1[i] - lr * g;
        d = s1[i];
        break;
      case OptimizerKind::nesterov: {
        const T v_old = s1[i];
        s1[i] = mu * v_old - lr * g;
        d = -mu * v_old + (T(1) + mu) * s1[i];
        break;
      }
      case OptimizerKind::adagrad:
        s1[i] += g * g;
        d = -lr * g / (std::sqrt(s1[i]) + eps);
        break;
      case OptimizerKind::rmsprop:
        s1[i] = rho * s1[i] + (T(1) - rho) * g * g;
        d = -lr * g / (std::sqrt(s1[i]) + eps);
        break;
      case OptimizerKind::adadelta: {
        s1[i] = rho * s1[i] + (T(1) - rho) * g * g;
        const T dx = -std::sqrt(s2[i] + eps) / std::sqrt(s1[i] + eps) * g;
        s2[i] = rho * s2[i] + (T(1) - rho) * dx * dx;
        d = lr * dx;
        break;
      }
      case OptimizerKind::adam:
        s1[i] = b1 * s1[i] + (T(1) - b1) * g;
        s2[i] = b2 * s2[i] + (T(1) - b2) * g * g;
        d = -lr * (s1[i] * c1) / (std::sqrt(s2[i] * c2) + eps);
        break;
    }
    p[i] += d;
    step_sq += static_cast<double>(d) * d;
  }
  return {grad_sq, param_sq, step_sq};
}

template <class T>
double global_gradient_norm(const std::vector<Parameter<T>>& params) {
  double sq = 0;
  for (const auto& p : params)
    for (T v : *p.grad) sq += static_cast<double>(v) * v;
  return std::sqrt(sq);
}

template <class T>
void optimizer_step(Optimizer<T>& opt, const std::vector<Parameter<T>>& params,
                    double learning_rate, std::vector<UpdateNorms>* norms) {
  double scale = 1.0;
  if (opt.config().clip_norm > 0) {
    const double norm = global_gradient_norm(params);
    if (norm > opt.config().clip_norm) scale = opt.config().clip_norm / norm;
  }
  opt.begin_step(learning_rate, scale);
  if (norms) norms->resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const UpdateNorms n =
        opt.update(i, *params[i].value, *params[i].grad, params[i].decay, norms != nullptr);
    if (norms) (*norms)[i] = n;
  }
}

template class Optimizer<float>;
template class Optimizer<double>;
template void optimizer_step(Optimizer<float>&, const std::vector<Parameter<float>>&, double,
                             std::vector<UpdateNorms>*);
template void optimizer_step(Optimizer<double>&, const std::vector<Parameter<double>>&, double,
                             std::vector<UpdateNorms>*);
template double global_gradient_norm(const std::vector<Parameter<float>>&);
template double global_gradient_norm(const std::vector<Parameter<double>>&);

}  // namespace lw
