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

// `lanes` values of T as one GCC/Clang vector: the lane accumulators must live in registers (as
// plain arrays, GCC keeps them on the stack and the pass takes twice the update alone).
// Wider than the machine's vectors, the compiler splits them; lane k is the same on every clone.
typedef float FloatLanes __attribute__((vector_size(lanes * sizeof(float))));
typedef double DoubleLanes __attribute__((vector_size(lanes * sizeof(double))));
template <class T>
struct LaneVector;
template <>
struct LaneVector<float> {
  using type = FloatLanes;
};
template <>
struct LaneVector<double> {
  using type = DoubleLanes;
};

// The sums run in T within blocks of `block` elements (lane k adds block / lanes terms) and in
// double across blocks: T lanes keep the pass as cheap as the update alone, and a block's rounding
// error (relative, at most ~block / lanes ulps of T, measured ~2e-8 on 2.8 M float weights) stays
// far below what the logged norms are read to.
template <class T>
inline UpdateNorms sgd_measured_body(T* p, const T* g, arma::uword n, T lr, T scale, T wd) {
  using V = typename LaneVector<T>::type;
  constexpr arma::uword block = 64 * lanes;
  double gs[lanes] = {}, ps[lanes] = {}, ss[lanes] = {};
  for (arma::uword first = 0; first < n; first += block) {
    const arma::uword last = std::min(n, first + block);
    V bg = {}, bp = {}, bs = {};
    arma::uword i = first;
    for (; i + lanes <= last; i += lanes) {
      V gv, pv;
      std::memcpy(&gv, g + i, sizeof(V));
      std::memcpy(&pv, p + i, sizeof(V));
      const V d = -lr * (scale * gv + wd * pv);
      const V updated = pv + d;
      std::memcpy(p + i, &updated, sizeof(V));
      bg += gv * gv;
      bp += pv * pv;
      bs += d * d;
    }
    for (arma::uword k = 0; i + k < last; ++k) {  // the last < lanes elements, lane by lane
      const T gv = g[i + k], pv = p[i + k];
      const T d = -lr * (scale * gv + wd * pv);
      p[i + k] = pv + d;
      bg[k] += gv * gv;
      bp[k] += pv * pv;
      bs[k] += d * d;
    }
    for (arma::uword k = 0; k < lanes; ++k) {
      gs[k] += bg[k];
      ps[k] += bp[k];
      ss[k] += bs[k];
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

LW_VECTOR_CLONES
void sgd_kernel(float* p, const float* g, arma::uword n, float lr, float scale, float wd) {
  sgd_body(p, g, n, lr, scale, wd);
}
LW_VECTOR_CLONES
void sgd_kernel(double* p, const double* g, arma::uword n, double lr, double scale, double wd) {
  sgd_body(p, g, n, lr, scale, wd);
}
LW_VECTOR_CLONES
UpdateNorms sgd_measured_kernel(float* p, const float* g, arma::uword n, float lr, float scale,
                                float wd) {
  return sgd_measured_body(p, g, n, lr, scale, wd);
}
LW_VECTOR_CLONES
UpdateNorms sgd_measured_kernel(double* p, const double* g, arma::uword n, double lr,
                                double scale, double wd) {
  return sgd_measured_body(p, g, n, lr, scale, wd);
}

template <class T>
UpdateNorms sgd_update(T* p, const T* g, arma::uword n, T lr, T scale, T wd, bool measure) {
  if (measure) return sgd_measured_kernel(p, g, n, lr, scale, wd);
  sgd_kernel(p, g, n, lr, scale, wd);
  return {};
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
