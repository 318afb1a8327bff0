#include "layerwise/nn/fast_sigmoid.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "layerwise/core/simd.hpp"


namespace lw {
namespace {

constexpr arma::uword lanes = 16;  // double accumulators of the float loss sum

// e^x for x in [-87, 87] (clamped): Cephes expf. x = n ln2 + r, |r| <= ln2 / 2.
inline float exp_poly(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 87.0f ? 87.0f : x;
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;  // 2^n, n in [-126, 126]
  return p * std::bit_cast<float>(bits);
}

// log(1 + e) for e in [0, 1]: 2 atanh(s), s = e / (2 + e) in [0, 1/3].
inline float log1p_unit(float e) {
  const float s = e / (2.0f + e);
  const float s2 = s * s;
  float q = 1.0f / 13;
  q = q * s2 + 1.0f / 11;
  q = q * s2 + 1.0f / 9;
  q = q * s2 + 1.0f / 7;
  q = q * s2 + 1.0f / 5;
  q = q * s2 + 1.0f / 3;
  q = q * s2 + 1.0f;
  return 2.0f * s * q;
}

LW_VECTOR_CLONES
void sigmoid_column_f32(const float* z, const float* b, float* a, arma::uword rows) {
  for (arma::uword i = 0; i < rows; ++i) a[i] = 1.0f / (1.0f + exp_poly(-(z[i] + b[i])));
}

// In place (a == z): one pointer, so the vectorised loop needs no run-time overlap check.
LW_VECTOR_CLONES
void sigmoid_column_f32(float* a, const float* b, arma::uword rows) {
  for (arma::uword i = 0; i < rows; ++i) a[i] = 1.0f / (1.0f + exp_poly(-(a[i] + b[i])));
}

// d_i = (sigmoid(o_i) - y_i) scale and sp_i = softplus(o_i) = max(o_i, 0) + log1p(e^-|o_i|).
LW_VECTOR_CLONES
void sigmoid_xent_chunk_f32(const float* o, const float* y, float* d, float* sp, arma::uword n,
                            float scale) {
  for (arma::uword i = 0; i < n; ++i) {
    const float x = o[i];
    const float e = exp_poly(-std::fabs(x));              // e^-|x|
    const float s = (x >= 0.0f ? 1.0f : e) / (1.0f + e);  // sigmoid(x)
    d[i] = (s - y[i]) * scale;
    sp[i] = (x > 0.0f ? x : 0.0f) + log1p_unit(e);
  }
}

// acc[i % lanes] += sp_i - o_i y_i in double (o_i y_i is exact there); n a multiple of lanes.
LW_VECTOR_CLONES
void accumulate_xent_f32(const float* sp, const float* o, const float* y, arma::uword n,
                         double* acc) {
  for (arma::uword i = 0; i < n; i += lanes)
    for (arma::uword k = 0; k < lanes; ++k)
      acc[k] += static_cast<double>(sp[i + k]) -
                static_cast<double>(o[i + k]) * static_cast<double>(y[i + k]);
}

}  // namespace

void sigmoid_columns(const float* z, const float* b, float* a, arma::uword rows,
                     arma::uword cols) {
  for (arma::uword j = 0; j < cols; ++j)
    if (z == a)
      sigmoid_column_f32(a + j * rows, b, rows);
    else
      sigmoid_column_f32(z + j * rows, b, a + j * rows, rows);
}

void sigmoid_columns(const double* z, const double* b, double* a, arma::uword rows,
                     arma::uword cols) {
  for (arma::uword j = 0; j < cols; ++j)
    for (arma::uword i = 0; i < rows; ++i)
      a[j * rows + i] = 1.0 / (1.0 + std::exp(-(z[j * rows + i] + b[i])));
}

double sigmoid_xent(const float* o, const float* y, float* d, arma::uword n, float scale) {
  constexpr arma::uword chunk = 512;  // a multiple of lanes
  float sp[chunk];
  double acc[lanes] = {};
  for (arma::uword first = 0; first < n; first += chunk) {
    const arma::uword count = std::min(chunk, n - first);
    sigmoid_xent_chunk_f32(o + first, y + first, d + first, sp, count, scale);
    const arma::uword whole = count - count % lanes;
    accumulate_xent_f32(sp, o + first, y + first, whole, acc);
    for (arma::uword k = whole; k < count; ++k)  // the tail of the last chunk
      acc[k - whole] += static_cast<double>(sp[k]) -
                        static_cast<double>(o[first + k]) * static_cast<double>(y[first + k]);
  }
  double total = 0;
  for (double v : acc) total += v;
  return total;
}

double sigmoid_xent(const double* o, const double* y, double* d, arma::uword n, double scale) {
  double total = 0;
  for (arma::uword i = 0; i < n; ++i) {
    const double x = o[i];
    total += std::max(x, 0.0) - x * y[i] + std::log1p(std::exp(-std::abs(x)));
    d[i] = (1.0 / (1.0 + std::exp(-x)) - y[i]) * scale;
  }
  return total;
}

}  // namespace lw
