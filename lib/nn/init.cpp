#include "layerwise/nn/init.hpp"

#include <cmath>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

double scale_or(const InitArgs& args, double fallback) {
  return std::isnan(args.scale) ? fallback : args.scale;
}

arma::mat uniform_in(const InitArgs& args, Rng& rng, double r) {
  arma::mat W(args.fan_out, args.fan_in);
  fill_uniform(W, rng, -r, r);
  return W;
}

arma::mat normal_with(const InitArgs& args, Rng& rng, double sd) {
  arma::mat W(args.fan_out, args.fan_in);
  fill_normal(W, rng, 0.0, sd);
  return W;
}

arma::mat orthogonal(const InitArgs& args, Rng& rng) {
  // QR of a tall Gaussian matrix; signs fixed by diag(R) so the result is uniformly distributed.
  const arma::uword rows = std::max(args.fan_out, args.fan_in);
  const arma::uword cols = std::min(args.fan_out, args.fan_in);
  arma::mat G(rows, cols);
  fill_normal(G, rng, 0.0, 1.0);
  arma::mat Q, R;
  require(arma::qr_econ(Q, R, G), "orthogonal(): QR factorisation failed");
  for (arma::uword j = 0; j < cols; ++j)
    if (R(j, j) < 0) Q.col(j) *= -1.0;
  arma::mat W = args.fan_out >= args.fan_in ? Q : arma::mat(Q.t());
  return W * scale_or(args, 1.0);
}

std::vector<Initializer> builtin_initializers() {
  auto fan_in = [](const InitArgs& a) { return static_cast<double>(a.fan_in); };
  auto fan_sum = [](const InitArgs& a) { return static_cast<double>(a.fan_in + a.fan_out); };
  std::vector<Initializer> builtins{
      {"uniform", "U(+-1/sqrt(fan_in)), the classic heuristic",
       [=](const InitArgs& a, Rng& r) { return uniform_in(a, r, 1.0 / std::sqrt(fan_in(a))); }},
      {"uniform_scaled", "U(+-a), a = init.scale (default 0.05)",
       [](const InitArgs& a, Rng& r) { return uniform_in(a, r, scale_or(a, 0.05)); }},
      {"normal", "N(0, sigma^2), sigma = init.scale (default 0.01)",
       [](const InitArgs& a, Rng& r) { return normal_with(a, r, scale_or(a, 0.01)); }},
      {"xavier", "Glorot uniform U(+-sqrt(6/(fan_in+fan_out)))",
       [=](const InitArgs& a, Rng& r) { return uniform_in(a, r, std::sqrt(6.0 / fan_sum(a))); }},
      {"xavier_normal", "Glorot normal N(0, 2/(fan_in+fan_out))",
       [=](const InitArgs& a, Rng& r) { return normal_with(a, r, std::sqrt(2.0 / fan_sum(a))); }},
      {"he", "He normal N(0, 2/fan_in)",
       [=](const InitArgs& a, Rng& r) { return normal_with(a, r, std::sqrt(2.0 / fan_in(a))); }},
      {"he_uniform", "He uniform U(+-sqrt(6/fan_in))",
       [=](const InitArgs& a, Rng& r) { return uniform_in(a, r, std::sqrt(6.0 / fan_in(a))); }},
      {"lecun", "LeCun normal N(0, 1/fan_in)",
       [=](const InitArgs& a, Rng& r) { return normal_with(a, r, std::sqrt(1.0 / fan_in(a))); }},
      {"orthogonal", "orthogonal matrix times init.scale (default 1)", orthogonal},
      {"zeros", "all weights zero",
       [](const InitArgs& a, Rng&) { return arma::mat(a.fan_out, a.fan_in, arma::fill::zeros); }},
  };
  return builtins;
}

// Function-local static: safe to use from other files' static initialisers.
std::vector<Initializer>& registry() {
  static std::vector<Initializer> all = builtin_initializers();
  return all;
}

}  // namespace

bool register_initializer(Initializer init) {
  require(!has_initializer(init.name),
          cat("register_initializer(): '", init.name, "' is registered already"));
  registry().push_back(std::move(init));
  return true;
}

const std::vector<Initializer>& initializers() {
  return registry();
}

std::string initializer_names() {
  std::string names;
  for (const auto& init : initializers()) names += (names.empty() ? "" : ", ") + init.name;
  return names;
}

bool has_initializer(std::string_view name) {
  for (const auto& init : initializers())
    if (init.name == name) return true;
  return false;
}

const Initializer& find_initializer(std::string_view name) {
  for (const auto& init : initializers())
    if (init.name == name) return init;
  throw std::invalid_argument(
      cat("find_initializer(): unknown initializer '", name, "' (known: ", initializer_names(), ")"));
}

template <class T>
arma::Mat<T> init_weights(std::string_view name, const InitArgs& args, Rng& rng) {
  require(args.fan_in > 0 && args.fan_out > 0,
          cat("init_weights(): fan_in and fan_out must be > 0 (", args.fan_in, ", ", args.fan_out,
              ")"));
  arma::mat W = find_initializer(name).draw(args, rng);
  require(W.n_rows == args.fan_out && W.n_cols == args.fan_in,
          cat("init_weights(): initializer '", name, "' returned ", W.n_rows, "x", W.n_cols));
  return arma::conv_to<arma::Mat<T>>::from(W);
}

template arma::Mat<float> init_weights(std::string_view, const InitArgs&, Rng&);
template arma::Mat<double> init_weights(std::string_view, const InitArgs&, Rng&);

}  // namespace lw
