#include "layerwise/core/blas.hpp"

#include <dlfcn.h>

#include "layerwise/core/check.hpp"

extern "C" {
char* openblas_get_config(void);
char* openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
void sgemm_(const char*, const char*, const int*, const int*, const int*, const float*,
            const float*, const int*, const float*, const int*, const float*, float*, const int*);
}

namespace lw {

std::string blas_config() { return openblas_get_config(); }

std::string blas_core() { return openblas_get_corename(); }

int blas_threads() { return openblas_get_num_threads(); }

void set_blas_threads(int n) {
  require(n >= 1, cat("set_blas_threads(): thread count must be >= 1 (", n, ")"));
  openblas_set_num_threads(n);
}

std::string blas_library_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&sgemm_), &info) == 0 || info.dli_fname == nullptr)
    return "unknown";
  return info.dli_fname;
}

}  // namespace lw
