// The reference check behind lw::blas_products_correct() (core/blas_kernel_check.cpp): sgemm and
// dgemm N/N, N/T, T/N against a naive double-precision product, within a rounding bound.
//
// core_blas_kernel already asserts that the live kernel passes. Here: the verdict holds with one
// and with several BLAS threads and is repeatable; and, so that the check itself can be seen to
// fail, a forked child replaces ?gemm_ by test kernels (a jump written over the entry of the real
// sgemm_/dgemm_, x86-64 only; the parent process is never touched) and asks whether the check
// accepts a correctly rounded product and rejects wrong ones.
#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"

namespace {

// How the test kernel computes C = alpha op(A) op(B) + beta C.
enum class Fault {
  none,              // exact in double, rounded once to T: what a correct kernel approaches
  two_ulps,          // every entry off by 2 ulps of T: ordinary rounding, must still pass
  one_entry_off,     // C(0, 0) off by a relative 1e-3
  beta_ignored,      // C = alpha op(A) op(B), the old C dropped
  last_term_missing, // the inner sum stops at k - 1
  single_precision,  // dgemm accumulating in float (sgemm unaffected)
  transpose_of_b_ignored,  // N/T: B's memory read as an untransposed k x n matrix
  scaled_error,      // every entry off by g_scale (k + 2) eps(T) (|alpha| sum |a b| + |beta c0|)
};

Fault g_fault = Fault::none;
double g_scale = 0;  // for Fault::scaled_error; the check's own bound is 4 (k + 2) eps (...)

template <class T>
void test_gemm(const char* ta_flag, const char* tb_flag, const int* m_, const int* n_, const int* k_,
               const T* alpha_, const T* A, const int* lda_, const T* B, const int* ldb_,
               const T* beta_, T* C, const int* ldc_) {
  const int m = *m_, n = *n_, k = *k_, lda = *lda_, ldb = *ldb_, ldc = *ldc_;
  const bool ta = *ta_flag == 'T' || *ta_flag == 't';
  const bool tb = *tb_flag == 'T' || *tb_flag == 't';
  const bool tb_ignored = tb && g_fault == Fault::transpose_of_b_ignored;
  const double alpha = *alpha_, beta = *beta_;
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < m; ++i) {
      const int k_used = g_fault == Fault::last_term_missing ? k - 1 : k;
      double sum = 0, abs_sum = 0;
      float sum_f = 0;
      for (int p = 0; p < k_used; ++p) {
        const double a = ta ? A[p + i * lda] : A[i + p * lda];
        const double b = tb_ignored ? B[p + j * k] : tb ? B[j + p * ldb] : B[p + j * ldb];
        sum += a * b;
        abs_sum += std::abs(a * b);
        sum_f += static_cast<float>(a) * static_cast<float>(b);
      }
      if (g_fault == Fault::single_precision && sizeof(T) == sizeof(double)) sum = sum_f;
      const double c0 = C[i + j * ldc];
      double c = alpha * sum + (g_fault == Fault::beta_ignored ? 0.0 : beta * c0);
      if (g_fault == Fault::one_entry_off && i == 0 && j == 0) c *= 1.0 + 1e-3;
      if (g_fault == Fault::scaled_error)
        c += g_scale * (k + 2) * std::numeric_limits<T>::epsilon() *
             (std::abs(alpha) * abs_sum + std::abs(beta * c0));
      T out = static_cast<T>(c);
      if (g_fault == Fault::two_ulps) {
        const T up = std::numeric_limits<T>::infinity();
        out = std::nextafter(std::nextafter(out, up), up);
      }
      C[i + j * ldc] = out;
    }
  }
}

extern "C" void test_sgemm(const char* ta, const char* tb, const int* m, const int* n, const int* k,
                           const float* alpha, const float* A, const int* lda, const float* B,
                           const int* ldb, const float* beta, float* C, const int* ldc) {
  test_gemm<float>(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" void test_dgemm(const char* ta, const char* tb, const int* m, const int* n, const int* k,
                           const double* alpha, const double* A, const int* lda, const double* B,
                           const int* ldb, const double* beta, double* C, const int* ldc) {
  test_gemm<double>(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

// Overwrites the entry of `symbol` with "movabs rax, target; jmp rax". False when impossible.
bool redirect(const char* symbol, void* target) {
#if defined(__x86_64__)
  void* entry = dlsym(RTLD_DEFAULT, symbol);
  if (entry == nullptr) return false;
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(entry) / page * page;
  if (mprotect(reinterpret_cast<void*>(start), 2 * page, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
    return false;
  unsigned char code[12] = {0x48, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xE0};
  const auto address = reinterpret_cast<std::uint64_t>(target);
  std::memcpy(code + 2, &address, sizeof address);
  std::memcpy(entry, code, sizeof code);
  return true;
#else
  (void)symbol;
  (void)target;
  return false;
#endif
}

constexpr int kSkip = 77;

// In a child: ?gemm_ -> test kernels with `fault`, then the check's verdict as the exit code
// (1 = correct, 0 = wrong); kSkip when the entry points cannot be redirected here.
int verdict_with(Fault fault, double scale = 0) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    g_fault = fault;
    g_scale = scale;
    if (!redirect("sgemm_", reinterpret_cast<void*>(&test_sgemm)) ||
        !redirect("dgemm_", reinterpret_cast<void*>(&test_dgemm)))
      _exit(kSkip);
    _exit(lw::blas_products_correct() ? 1 : 0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Restores the BLAS thread count when a case ends, whatever it set.
struct ThreadsGuard {
  int saved = lw::blas_threads();
  ~ThreadsGuard() { lw::set_blas_threads(saved); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(core_blas_kernel_check)

BOOST_AUTO_TEST_CASE(the_live_kernel_passes_with_one_thread_and_with_several) {
  const ThreadsGuard guard;
  lw::set_blas_threads(1);
  BOOST_TEST(lw::blas_products_correct());
  BOOST_TEST(lw::blas_threads() == 1);  // the check leaves the thread count alone
  lw::set_blas_threads(2);  // the 300 x 19 x 600 product is split over threads
  BOOST_TEST(lw::blas_products_correct());
  BOOST_TEST(lw::blas_threads() == 2);
}

BOOST_AUTO_TEST_CASE(the_verdict_is_repeatable) {
  for (int i = 0; i < 3; ++i) BOOST_TEST(lw::blas_products_correct(), "call " << i);
}

BOOST_AUTO_TEST_CASE(a_correctly_rounded_product_passes_even_a_few_ulps_off) {
  const int exact = verdict_with(Fault::none);
  if (exact == kSkip) {
    BOOST_TEST_MESSAGE("cannot redirect sgemm_/dgemm_ on this platform: skipped");
    return;
  }
  BOOST_TEST(exact == 1);
  BOOST_TEST(verdict_with(Fault::two_ulps) == 1);
}

BOOST_AUTO_TEST_CASE(a_wrong_kernel_is_caught) {
  if (verdict_with(Fault::none) == kSkip) {
    BOOST_TEST_MESSAGE("cannot redirect sgemm_/dgemm_ on this platform: skipped");
    return;
  }
  BOOST_TEST(verdict_with(Fault::one_entry_off) == 0);
  BOOST_TEST(verdict_with(Fault::beta_ignored) == 0);  // only the alpha, beta != 0 calls see it
  BOOST_TEST(verdict_with(Fault::last_term_missing) == 0);
  BOOST_TEST(verdict_with(Fault::transpose_of_b_ignored) == 0);
}

BOOST_AUTO_TEST_CASE(the_tolerance_is_the_rounding_bound_within_a_factor_of_two) {
  // Errors of half and of twice the check's bound, 4 (k + 2) eps (|alpha| sum |a b| + |beta c0|):
  // a tolerance much looser or tighter than documented moves one of the two verdicts.
  if (verdict_with(Fault::none) == kSkip) {
    BOOST_TEST_MESSAGE("cannot redirect sgemm_/dgemm_ on this platform: skipped");
    return;
  }
  BOOST_TEST(verdict_with(Fault::scaled_error, 2.0) == 1);
  BOOST_TEST(verdict_with(Fault::scaled_error, 8.0) == 0);
}

BOOST_AUTO_TEST_CASE(a_dgemm_that_rounds_to_single_precision_is_caught) {
  // The bound scales with eps of the type checked: float accuracy is far too coarse for double.
  if (verdict_with(Fault::none) == kSkip) {
    BOOST_TEST_MESSAGE("cannot redirect sgemm_/dgemm_ on this platform: skipped");
    return;
  }
  BOOST_TEST(verdict_with(Fault::single_precision) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
