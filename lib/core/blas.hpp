#pragma once
// The BLAS behind every matrix product: OpenBLAS, linked directly (ARMA_DONT_USE_WRAPPER).
#include <string>

namespace lw {

std::string blas_config();     // openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."
std::string blas_core();       // the kernel OpenBLAS chose, e.g. "Haswell", "SkylakeX", "Prescott"
int blas_threads();            // threads OpenBLAS uses for one product
void set_blas_threads(int n);  // n >= 1
std::string blas_library_path();  // the shared object that provides sgemm_, from dladdr

}  // namespace lw
