#include "layerwise/pretrain/scheme_check.hpp"

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <sstream>

#include "layerwise/core/check.hpp"
#include "layerwise/core/random.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace lw::testing {
namespace {

// n images of size x size: bars (a random non-empty set of rows on, label 0) or stripes (columns,
// label 1), one per column of X.
struct Patterns {
  arma::fmat X;
  arma::uvec y;
};

Patterns bars_and_stripes(arma::uword n, std::uint64_t seed, arma::uword size = 4) {
  Rng rng(seed);
  const auto coin = [&rng] { return rng.below(2); };
  Patterns p{arma::fmat(size * size, n, arma::fill::zeros), arma::uvec(n)};
  for (arma::uword i = 0; i < n; ++i) {
    const bool stripes = coin() == 1;
    p.y(i) = stripes ? 1 : 0;
    std::vector<std::uint64_t> on(size);  // which rows (bars) or columns (stripes) are on
    do {
      for (auto& k : on) k = coin();
    } while (std::count(on.begin(), on.end(), 1u) == 0);
    for (arma::uword r = 0; r < size; ++r)
      for (arma::uword c = 0; c < size; ++c)
        if (on[stripes ? c : r]) p.X(r * size + c, i) = 1.0f;
  }
  return p;
}

// Records what the training loop tells observers.
struct PhaseSpy final : Observer<float> {
  std::vector<PhaseInfo> begun;
  int epochs = 0, ended = 0;
  void on_phase_begin(const PhaseInfo& p) override { begun.push_back(p); }
  bool on_epoch_end(const EpochMetrics&) override { return ++epochs, true; }
  void on_phase_end(const PhaseInfo&, const TrainResult&) override { ++ended; }
};

}  // namespace

std::vector<std::string> check_scheme(std::string_view name) {
  if (!has_scheme(name)) {
    std::string known;
    for (const auto& s : schemes()) known += (known.empty() ? "" : ", ") + s.name;
    return {cat("scheme ", name, ": not registered (known: ", known, ")")};
  }
  return check_scheme(find_scheme(name));
}

std::vector<std::string> check_scheme(const Scheme& scheme) {
  const std::string& name = scheme.name;
  std::vector<std::string> problems;
  const auto fail = [&](const auto&... parts) { problems.push_back(cat("scheme ", name, ": ", parts...)); };
  const SchemeOptions options(scheme);
  if (scheme.summary.empty()) fail("no summary");
  for (const auto& o : scheme.options)
    if (o.help.empty()) fail("option ", o.key, " has no help");
  std::ostringstream listing;
  write_scheme_list(listing);
  if (has_scheme(name) && listing.str().find(cat("pretrain.", name, ".epochs = 5")) == std::string::npos)
    fail("--list-schemes does not show pretrain.", name, ".epochs = 5");

  const Patterns train = bars_and_stripes(384, 1), valid = bars_and_stripes(128, 2);
  const auto run = [&](std::uint64_t seed, std::vector<Observer<float>*> observers) {
    const LayerTask<float> task{.X = train.X,
                                .X_valid = &valid.X,
                                .fan_out = 8,
                                .act = Activation::sigmoid,
                                .layer = 1,
                                .labels = &train.y,
                                .valid_labels = &valid.y,
                                .n_classes = 2};
    const SchemeContext<float> ctx{.options = options, .seed = seed, .layer = 1, .observers = observers};
    return run_scheme(scheme, task, ctx);
  };
  PhaseSpy spy;
  SchemeResult<float> a, b, c;
  try {
    a = run(11, {&spy});
    b = run(11, {});
    c = run(12, {});
  } catch (const std::exception& e) {
    fail("threw on the check's data: ", e.what());
    return problems;
  }
  const DenseLayer<float>& l = a.layer;
  if (l.W.n_rows != 8 || l.W.n_cols != 16 || l.b.n_elem != 8)
    fail("returned a ", l.W.n_rows, "x", l.W.n_cols, " layer with ", l.b.n_elem, " biases; expected 8x16, 8");
  if (l.act != Activation::sigmoid) fail("returned a ", to_string(l.act), " layer; expected sigmoid");
  if (!l.W.is_finite() || !l.b.is_finite()) fail("returned non-finite weights");
  if (a.train.status != TrainStatus::complete)
    fail("training ended ", to_string(a.train.status), ": ", a.train.message);

  const auto& epochs = a.train.epochs;
  const std::size_t expected = scheme.closed_form ? 1 : static_cast<std::size_t>(options.integer("epochs"));
  if (epochs.size() != expected) {
    fail("reported ", epochs.size(), " epochs; expected ", expected,
         scheme.closed_form ? " (closed form)" : " (its epochs option)");
  } else if (!std::isfinite(epochs.front().train_loss)) {
    fail("a non-finite training loss ", epochs.front().train_loss);
  } else if (!scheme.closed_form) {
    if (!(epochs.back().train_loss < epochs.front().train_loss))
      fail("training loss did not fall with the defaults: ", epochs.front().train_loss, " -> ",
           epochs.back().train_loss);
    if (!(epochs.back().valid_loss < epochs.front().valid_loss))
      fail("validation loss did not fall with the defaults: ", epochs.front().valid_loss, " -> ",
           epochs.back().valid_loss);
  }

  if (!arma::approx_equal(a.layer.W, b.layer.W, "absdiff", 0.0f) ||
      !arma::approx_equal(a.layer.b, b.layer.b, "absdiff", 0.0f))
    fail("two runs with seed 11 gave different weights");
  if (!scheme.closed_form && arma::approx_equal(a.layer.W, c.layer.W, "absdiff", 0.0f))
    fail("seeds 11 and 12 gave the same weights (an iterative scheme draws from ctx.fork or initial_encoder)");

  if (spy.begun.size() != 1) {
    fail("observers saw ", spy.begun.size(), " phases; expected 1");
  } else {
    const PhaseInfo& p = spy.begun.front();
    if (p.name != "pretrain" || p.scheme != scheme.name || p.layer != 1)
      fail("observers saw phase (", p.name, ", ", p.scheme, ", layer ", p.layer, "); expected (pretrain, ",
           scheme.name, ", layer 1): use ctx.phase() and ctx.hooks()");
  }
  if (static_cast<std::size_t>(spy.epochs) != epochs.size())
    fail("observers saw ", spy.epochs, " epochs; the result holds ", epochs.size());
  if (spy.ended != 1) fail("observers saw ", spy.ended, " phase ends; expected 1");
  return problems;
}

}  // namespace lw::testing
