#pragma once
// What built and runs this process: recorded in every results file and printed by --version.
#include <string>
#include <utility>
#include <vector>

namespace lw {

struct BuildInfo {
  std::string toolkit_version;   // project version
  std::string git_describe;      // at configure time; "unknown" outside a checkout
  std::string armadillo_version;
  std::string blas;              // openblas_get_config()
  std::string blas_core;         // kernel in use
  std::string blas_kernel;       // how it was chosen: lw::blas_kernel_note() (core/blas_kernel.hpp)
  std::string hdf5_version;
  std::string boost_version;
  std::string compiler;
  std::string build_type;
};

BuildInfo build_info();
std::string host_name();
double physical_memory_bytes();  // of this machine (sysconf), 0 if unknown
std::string utc_now();  // ISO 8601, e.g. 2026-11-27T17:30:00Z
std::string command_line(int argc, const char* const* argv);  // argv joined by spaces

// Ordered (key, value) pairs for printing and for the results file.
std::vector<std::pair<std::string, std::string>> build_info_fields(const BuildInfo& info);

}  // namespace lw
