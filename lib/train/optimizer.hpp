#pragma once
// Optimizers and learning-rate schedules. For a parameter p with gradient g (already a batch mean),
// learning rate r from the schedule, and step count t = 1, 2, ...:
//   sgd       p -= r g
//   momentum  v = mu v - r g;  p += v
//   nesterov  v' = mu v - r g;  p += -mu v + (1 + mu) v';  v = v'          (Sutskever et al. 2013)
//   adagrad   G += g^2;  p -= r g / (sqrt(G) + eps)
//   rmsprop   E = rho E + (1 - rho) g^2;  p -= r g / (sqrt(E) + eps)
//   adadelta  E = rho E + (1 - rho) g^2;  d = -sqrt(D + eps) / sqrt(E + eps) g;
//             D = rho D + (1 - rho) d^2;  p += r d                          (Zeiler 2012; r = 1)
//   adam      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//             p -= r (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)       (Kingma & Ba 2015)
// Before the rule: g <- s g + weight_decay p, the decay term for weights only (not biases), where
// s = min(1, clip_norm / |g|_global) when clip_norm > 0 (|g|_global over every gradient of the
// step, without the decay term; the decay term is not scaled).
// Schedules, by epoch e = 0, 1, ...:
//   constant r0;  step r0 gamma^floor(e / step_size);  exponential r0 gamma^e;
//   inverse_time r0 / (1 + decay e)
#include <armadillo>
#include <string>
#include <string_view>
#include <vector>

#include "layerwise/core/simd.hpp"

#include "layerwise/train/objective.hpp"

namespace lw {

enum class OptimizerKind { sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam };
enum class ScheduleKind { constant, step, exponential, inverse_time };

OptimizerKind parse_optimizer(std::string_view name);
std::string to_string(OptimizerKind kind);
ScheduleKind parse_schedule(std::string_view name);
std::string to_string(ScheduleKind kind);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::sgd;
  double learning_rate = 0.1;
  double momentum = 0.9;       // momentum, nesterov
  double rho = 0.9;            // rmsprop, adadelta decay
  double beta1 = 0.9;          // adam
  double beta2 = 0.999;        // adam
  double epsilon = 1e-8;       // adagrad, rmsprop, adadelta, adam
  double weight_decay = 0;     // L2 coefficient on weights
  double clip_norm = 0;        // 0: no clipping
  ScheduleKind schedule = ScheduleKind::constant;
  double gamma = 0.5;          // step, exponential
  int step_size = 10;          // step: epochs between decays
  double decay = 0.01;         // inverse_time
};

// Throws std::invalid_argument naming the field and value when out of range.
void validate(const OptimizerConfig& config);

double learning_rate_at(const OptimizerConfig& config, int epoch);

// Squared norms of one parameter's update, measured inside the update loop, which streams every
// element of the gradient and the parameter anyway: instrumentation gets them without another
// pass over memory. grad_sq is of the raw gradient (before clipping and weight decay).
struct UpdateNorms {
  double grad_sq = 0;   // |g|^2
  double param_sq = 0;  // |p|^2 before the update
  double step_sq = 0;   // |step|^2
};

// The plain SGD step p += -lr (scale g + wd p) over n values, compiled for one SIMD path
// (core/simd.hpp); with `measure`, the UpdateNorms summed in 16 fixed lanes, else zero. Every path
// gives the same parameters and norms, bit for bit; Optimizer runs it on simd_path(). Public for
// the benchmark, which times each path the CPU runs, and the tests.
template <class T>
UpdateNorms sgd_kernel(SimdPath path, T* p, const T* g, arma::uword n, T lr, T scale, T wd, bool measure);

// The state of one optimizer over a fixed list of parameter slots. State is sized on first use
// of a slot and reused: a step allocates nothing after the first.
template <class T>
class Optimizer {
 public:
  explicit Optimizer(const OptimizerConfig& config);

  // Starts step t + 1 with learning rate r; `grad_scale` multiplies every gradient (clipping).
  void begin_step(double learning_rate, double grad_scale = 1.0);
  // Updates param in place from grad; decay says whether weight decay applies to this slot.
  // measure = false may skip the norms (sgd does; the result is then zero): the updated param is
  // the same either way.
  UpdateNorms update(std::size_t slot, arma::Mat<T>& param, const arma::Mat<T>& grad, bool decay,
                     bool measure = true);

  const OptimizerConfig& config() const { return config_; }
  long step() const { return t_; }

 private:
  struct Slot {
    arma::Mat<T> s1, s2;  // per-rule state (velocity, accumulators, moments)
  };
  OptimizerConfig config_;
  std::vector<Slot> slots_;
  long t_ = 0;
  double lr_ = 0;
  double scale_ = 1;
};

// One optimizer step on every parameter (slot i = params[i]), with the configured clipping and
// weight decay. norms, if given, receives the UpdateNorms of each parameter; without it the step
// skips measuring them where it can (the parameters come out the same).
template <class T>
void optimizer_step(Optimizer<T>& opt, const std::vector<Parameter<T>>& params,
                    double learning_rate, std::vector<UpdateNorms>* norms = nullptr);

// |g| over every parameter's gradient.
template <class T>
double global_gradient_norm(const std::vector<Parameter<T>>& params);

}  // namespace lw
