#pragma once
// The encoded training (or validation) set of greedy pretraining: f(W A + b) of one layer over a
// whole set, computed in column chunks (one BLAS product per chunk, bias and activation fused).
// When the next layer is no wider than the set it encodes, its output overwrites that set's buffer
// chunk by chunk: column j of the output lands at offset j * fan_out <= j * fan_in, behind the
// chunk being read. So the stack holds one encoded set at a time instead of two (50,000 examples
// at width 500: 100 MB less at the peak of a pretrained run).
#include <armadillo>
#include <optional>

#include "layerwise/nn/network.hpp"

namespace lw {

template <class T>
class EncodedSet {
 public:
  static constexpr arma::uword default_chunk_cols = 4096;

  explicit EncodedSet(arma::uword chunk_cols = default_chunk_cols);
  EncodedSet(const EncodedSet&) = delete;  // get() points into storage_
  EncodedSet& operator=(const EncodedSet&) = delete;

  // get() becomes layer(X), layer.fan_out() x X.n_cols. X may be get() itself: then the encoding
  // is done in place if the layer is no wider than X, and in a new buffer otherwise.
  void encode(const DenseLayer<T>& layer, const arma::Mat<T>& X);

  const arma::Mat<T>& get() const;                       // throws before the first encode()
  const T* buffer() const { return storage_.memptr(); }  // for tests: where get()'s data lives

 private:
  arma::uword chunk_cols_;
  arma::Mat<T> storage_;              // owns the memory, at least get().n_elem elements
  std::optional<arma::Mat<T>> view_;  // get(): a strict alias of storage_'s first elements
};

}  // namespace lw
