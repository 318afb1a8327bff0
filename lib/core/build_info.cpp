#include "layerwise/core/build_info.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <armadillo>
#include <boost/version.hpp>
#include <ctime>

#include "build_config.hpp"
#include "git_describe.hpp"
#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/core/check.hpp"

namespace lw {

BuildInfo build_info() {
  unsigned h5_major = 0, h5_minor = 0, h5_release = 0;
  H5get_libversion(&h5_major, &h5_minor, &h5_release);
  return BuildInfo{
      .toolkit_version = LW_VERSION,
      .git_describe = LW_GIT_DESCRIBE,
      .armadillo_version = arma::arma_version::as_string(),
      .blas = blas_config(),
      .blas_core = blas_core(),
      .blas_kernel = blas_kernel_note(),
      .hdf5_version = cat(h5_major, ".", h5_minor, ".", h5_release),
      .boost_version = cat(BOOST_VERSION / 100000, ".", BOOST_VERSION / 100 % 1000, ".",
                           BOOST_VERSION % 100),
      .compiler = cat("g++ ", __VERSION__),
      .build_type = LW_BUILD_TYPE,
  };
}

double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string command_line(int argc, const char* const* argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) s.push_back(' ');
    s.append(argv[i]);
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> build_info_fields(const BuildInfo& info) {
  return {{"toolkit_version", info.toolkit_version}, {"git_describe", info.git_describe},
          {"armadillo_version", info.armadillo_version}, {"blas", info.blas},
          {"blas_core", info.blas_core}, {"blas_kernel", info.blas_kernel},
          {"hdf5_version", info.hdf5_version},
          {"boost_version", info.boost_version}, {"compiler", info.compiler},
          {"build_type", info.build_type}};
}

}  // namespace lw
