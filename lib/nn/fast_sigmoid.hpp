#pragma once
// The logistic sigmoid on whole buffers, vectorised: the hot loop's element-wise work.
//
//   sigmoid_columns:   a(i, j) = 1 / (1 + e^-(z(i, j) + b(i)))     z, a: rows x cols, column-major;
//                                                                 a may alias z
//   sigmoid_xent:      d_i = (sigmoid(o_i) - y_i) * scale
//                      returns sum_i [softplus(o_i) - o_i y_i],  softplus(o) = max(o, 0) +
//                      log1p(e^-|o|)   (the stable sigmoid cross-entropy on logits)
//
// float: e^x is a branch-free polynomial (Cephes expf: Cody-Waite reduction by ln 2, degree-6
// polynomial, 2^n from the exponent bits; relative error < 2e-7 on [-87, 87], arguments clamped
// there) and log1p(e), e in [0, 1], the odd series of 2 atanh(e / (2 + e)) to s^13 (relative error
// < 2e-8), so the compiler vectorises the loops; the loss terms are summed in double over 16 fixed
// lanes. Results are a pure function of the inputs: identical on every x86-64 CPU (the file is
// compiled without floating-point contraction; the wider clones run the same operations) and for
// any thread count. double: std::exp and std::log1p, element by element, summed in order.
#include <armadillo>

namespace lw {

void sigmoid_columns(const float* z, const float* b, float* a, arma::uword rows, arma::uword cols);
void sigmoid_columns(const double* z, const double* b, double* a, arma::uword rows,
                     arma::uword cols);

double sigmoid_xent(const float* o, const float* y, float* d, arma::uword n, float scale);
double sigmoid_xent(const double* o, const double* y, double* d, arma::uword n, double scale);

}  // namespace lw
