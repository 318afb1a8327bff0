#include "layerwise/pretrain/encoded_set.hpp"

#include <algorithm>
#include <cstring>

#include "layerwise/core/check.hpp"

namespace lw {

template <class T>
EncodedSet<T>::EncodedSet(arma::uword chunk_cols) : chunk_cols_(chunk_cols) {
  require(chunk_cols >= 1, "EncodedSet: chunk_cols must be >= 1");
}

template <class T>
const arma::Mat<T>& EncodedSet<T>::get() const {
  require(view_.has_value(), "EncodedSet::get(): nothing encoded yet");
  return *view_;
}

template <class T>
void EncodedSet<T>::encode(const DenseLayer<T>& layer, const arma::Mat<T>& X) {
  require(X.n_rows == layer.fan_in() && X.n_cols > 0,
          cat("EncodedSet::encode(): input is ", X.n_rows, "x", X.n_cols, ", the layer has ",
              layer.fan_in(), " inputs"));
  const arma::uword n = X.n_cols;
  const arma::uword fan_out = layer.fan_out();
  const bool reads_own_buffer = view_.has_value() && &X == &*view_;
  const bool in_place = reads_own_buffer && fan_out <= X.n_rows;
  arma::Mat<T> fresh;
  if (!in_place) fresh.set_size(fan_out, n);
  T* out = in_place ? storage_.memptr() : fresh.memptr();

  arma::Mat<T> chunk(fan_out, std::min(chunk_cols_, n), arma::fill::none);
  for (arma::uword start = 0; start < n; start += chunk_cols_) {
    const arma::uword count = std::min(chunk_cols_, n - start);
    const arma::Mat<T> in(const_cast<T*>(X.colptr(start)), X.n_rows, count, false, true);
    arma::Mat<T> z(chunk.memptr(), fan_out, count, false, true);
    z = layer.W * in;  // BLAS gemm into the chunk buffer
    activate(layer.act, z, layer.b, z);
    // In place, this overwrites only columns < start + count of X, which are read already.
    std::memcpy(out + start * fan_out, z.memptr(), z.n_elem * sizeof(T));
  }
  if (!in_place) storage_ = std::move(fresh);  // frees the set below when it was ours
  view_.emplace(storage_.memptr(), fan_out, n, false, true);
}

template class EncodedSet<float>;
template class EncodedSet<double>;

}  // namespace lw
