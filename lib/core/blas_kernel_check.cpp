// The reference check behind blas_products_correct() (declared in core/blas_kernel.hpp).
//
//   C = alpha op(A) op(B) + beta C0,   op(A): m x k,  op(B): k x n,  C: m x n  (column-major)
// computed by the running OpenBLAS kernel (?gemm_ called directly with the flags our code uses:
// N/N forward W*A, N/T for dW = delta*A^T, T/N for dA = W^T*delta) and by a naive triple loop in
// double. An entry passes when
//   |C - C_ref| <= 4 (k + 2) eps(T) (|alpha| sum_p |op(A)_ip op(B)_pj| + |beta C0_ij|) + tiny,
// the classical rounding bound with room to spare; a wrong kernel is off by O(1).
#include <armadillo>
#include <cmath>
#include <limits>

#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/core/random.hpp"

namespace lw {
namespace {

struct Shape {
  arma::blas_int m, n, k;
};

// Odd sizes, sizes that cross the kernels' register and cache blocks, one large enough to be
// split over threads (m n k well above OpenBLAS's 4 * 65536 threading threshold).
constexpr Shape kShapes[] = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {129, 67, 257}, {300, 19, 600}};

template <class T>
bool product_correct(const Shape& s, char trans_a, char trans_b, double alpha, double beta,
                     Rng& rng) {
  const bool ta = trans_a == 'T', tb = trans_b == 'T';
  arma::Mat<T> A(ta ? s.k : s.m, ta ? s.m : s.k), B(tb ? s.n : s.k, tb ? s.k : s.n), C(s.m, s.n);
  fill_uniform(A, rng, -1.0, 1.0);
  fill_uniform(B, rng, -1.0, 1.0);
  fill_uniform(C, rng, -1.0, 1.0);
  const arma::Mat<T> C0 = C;
  const T alpha_t = static_cast<T>(alpha), beta_t = static_cast<T>(beta);
  const arma::blas_int lda = static_cast<arma::blas_int>(A.n_rows);
  const arma::blas_int ldb = static_cast<arma::blas_int>(B.n_rows);
  arma::blas::gemm<T>(&trans_a, &trans_b, &s.m, &s.n, &s.k, &alpha_t, A.memptr(), &lda, B.memptr(),
                      &ldb, &beta_t, C.memptr(), &s.m);

  const double eps = std::numeric_limits<T>::epsilon();
  for (arma::blas_int j = 0; j < s.n; ++j) {
    for (arma::blas_int i = 0; i < s.m; ++i) {
      double sum = 0, abs_sum = 0;
      for (arma::blas_int p = 0; p < s.k; ++p) {
        const double a = ta ? A(p, i) : A(i, p);
        const double b = tb ? B(j, p) : B(p, j);
        sum += a * b;
        abs_sum += std::abs(a * b);
      }
      const double c0 = C0(i, j);
      const double ref = alpha * sum + beta * c0;
      const double bound = 4.0 * static_cast<double>(s.k + 2) * eps *
                               (std::abs(alpha) * abs_sum + std::abs(beta * c0)) +
                           1e-30;
      if (!(std::abs(static_cast<double>(C(i, j)) - ref) <= bound)) return false;  // NaN fails too
    }
  }
  return true;
}

}  // namespace

bool blas_products_correct() {
  Rng rng = make_rng(20240601, "blas/reference_check");
  bool ok = true;
  int index = 0;
  for (const Shape& shape : kShapes) {
    for (const char* flags : {"NN", "NT", "TN"}) {
      // alpha = 1, beta = 0 (plain products) and alpha = 0.75, beta = 0.5 (accumulation), in turn.
      const double alpha = index % 2 == 0 ? 1.0 : 0.75, beta = index % 2 == 0 ? 0.0 : 0.5;
      ok = product_correct<float>(shape, flags[0], flags[1], alpha, beta, rng) && ok;
      ok = product_correct<double>(shape, flags[0], flags[1], alpha, beta, rng) && ok;
      ++index;
    }
  }
  return ok;
}

}  // namespace lw
