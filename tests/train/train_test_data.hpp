#pragma once
// Small data sets and networks shared by the suites of tests/train and tests/instrument.
#include <armadillo>
#include <cstdint>
#include <string>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/nn/make_network.hpp"
#include "layerwise/nn/network.hpp"

namespace lw::test {

template <class T>
struct Labelled {
  arma::Mat<T> X, Y;  // X: n_features x n; Y: one-hot, n_classes x n
};

// Gaussian blobs: class c's centre is a fixed random point (stream "test/centres"); examples are
// centre + N(0, noise^2); a fraction `flip` of the labels is replaced by a random class.
template <class T>
Labelled<T> blobs(arma::uword n, arma::uword n_features, arma::uword n_classes, double noise,
                  double flip, std::uint64_t seed, const std::string& stream) {
  Rng centres = make_rng(seed, "test/centres");
  arma::Mat<T> C(n_features, n_classes);
  fill_normal(C, centres, 0.0, 1.0);
  Rng rng = make_rng(seed, stream);
  Labelled<T> d{arma::Mat<T>(n_features, n), arma::Mat<T>(n_classes, n, arma::fill::zeros)};
  for (arma::uword j = 0; j < n; ++j) {
    arma::uword c = j % n_classes;
    for (arma::uword i = 0; i < n_features; ++i)
      d.X(i, j) = C(i, c) + static_cast<T>(rng.normal(0.0, noise));
    if (rng.uniform() < flip) c = rng.below(n_classes);
    d.Y(c, j) = 1;
  }
  return d;
}

template <class T>
Network<T> classifier(std::vector<arma::uword> sizes, Activation hidden, std::uint64_t seed) {
  return make_network<T>({.layer_sizes = std::move(sizes), .hidden = hidden}, seed);
}

}  // namespace lw::test
