// What built and runs this process (core/build_info.hpp): every field filled from the library it
// names, the ordered field list for the results file, the host name, the UTC time stamp and the
// command line.
#include "layerwise/core/build_info.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <boost/version.hpp>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"

namespace {

bool has_space_or_control(const std::string& s) {
  for (const unsigned char c : s)
    if (std::isspace(c) || std::iscntrl(c)) return true;
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_build_info)

BOOST_AUTO_TEST_CASE(every_field_is_filled) {
  const lw::BuildInfo info = lw::build_info();
  for (const auto& [key, value] : lw::build_info_fields(info)) BOOST_TEST(!value.empty(), key);
}

BOOST_AUTO_TEST_CASE(the_toolkit_version_is_major_minor_patch_and_the_build_type_a_cmake_one) {
  const lw::BuildInfo info = lw::build_info();
  BOOST_TEST(std::regex_match(info.toolkit_version, std::regex(R"(\d+\.\d+\.\d+)")),
             info.toolkit_version);
  const std::set<std::string> types = {"Release", "Debug", "RelWithDebInfo", "MinSizeRel"};
  BOOST_TEST(types.count(info.build_type) == 1u, info.build_type);
#ifdef NDEBUG
  BOOST_TEST(info.build_type != "Debug");
#endif
  // One token, as `git describe --always --dirty --tags` prints it (or "unknown").
  BOOST_TEST(!has_space_or_control(info.git_describe), info.git_describe);
}

BOOST_AUTO_TEST_CASE(library_versions_match_the_headers_this_test_was_compiled_against) {
  const lw::BuildInfo info = lw::build_info();
  // HDF5: the library's run-time version; the header's must agree (same installation).
  BOOST_TEST(info.hdf5_version == std::to_string(H5_VERS_MAJOR) + "." + std::to_string(H5_VERS_MINOR) +
                                      "." + std::to_string(H5_VERS_RELEASE));
  // Boost: BOOST_LIB_VERSION is "1_74" (patch omitted when 0); the field is "1.74.0".
  std::string lib_version = BOOST_LIB_VERSION;
  for (char& c : lib_version)
    if (c == '_') c = '.';
  BOOST_TEST(info.boost_version.rfind(lib_version + ".", 0) == 0u, info.boost_version);
  BOOST_TEST(std::regex_match(info.boost_version, std::regex(R"(\d+\.\d+\.\d+)")), info.boost_version);
  // Armadillo: "12.0.1 (Cortisol Profusion)": starts with major.minor.patch.
  const std::string arma_prefix = std::to_string(ARMA_VERSION_MAJOR) + "." +
                                  std::to_string(ARMA_VERSION_MINOR) + "." +
                                  std::to_string(ARMA_VERSION_PATCH);
  BOOST_TEST(info.armadillo_version.rfind(arma_prefix, 0) == 0u, info.armadillo_version);
  BOOST_TEST(info.compiler.find(__VERSION__) != std::string::npos, info.compiler);
}

BOOST_AUTO_TEST_CASE(the_blas_fields_report_the_running_openblas) {
  const lw::BuildInfo info = lw::build_info();
  BOOST_TEST(info.blas == lw::blas_config());
  BOOST_TEST(info.blas.find("OpenBLAS") != std::string::npos, info.blas);
  BOOST_TEST(info.blas_core == lw::blas_core());
  BOOST_TEST(info.blas_kernel == lw::blas_kernel_note());
  BOOST_TEST(info.blas_kernel.find(info.blas_core) != std::string::npos, info.blas_kernel);
}

BOOST_AUTO_TEST_CASE(the_fields_are_the_ten_keys_in_order_each_with_its_own_value) {
  // Distinct values, so a key paired with the wrong member shows.
  const lw::BuildInfo info{.toolkit_version = "v",
                           .git_describe = "g",
                           .armadillo_version = "a",
                           .blas = "b",
                           .blas_core = "bc",
                           .blas_kernel = "bk",
                           .hdf5_version = "h",
                           .boost_version = "bo",
                           .compiler = "c",
                           .build_type = "t"};
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"toolkit_version", "v"}, {"git_describe", "g"}, {"armadillo_version", "a"},
      {"blas", "b"},            {"blas_core", "bc"},   {"blas_kernel", "bk"},
      {"hdf5_version", "h"},    {"boost_version", "bo"}, {"compiler", "c"},
      {"build_type", "t"}};
  const auto fields = lw::build_info_fields(info);
  BOOST_TEST_REQUIRE(fields.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    BOOST_TEST(fields[i].first == expected[i].first, "field " << i);
    BOOST_TEST(fields[i].second == expected[i].second, expected[i].first);
  }
}

BOOST_AUTO_TEST_CASE(utc_now_is_iso_8601_in_utc_and_close_to_the_clock) {
  const std::time_t before = std::time(nullptr);
  const std::string now = lw::utc_now();
  const std::time_t after = std::time(nullptr);
  BOOST_TEST_REQUIRE(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")),
                     now);
  std::tm tm{};
  BOOST_TEST_REQUIRE(strptime(now.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
  const std::time_t stamp = timegm(&tm);  // read back as UTC: equal to the clock, not shifted by a zone
  BOOST_TEST(stamp >= before);
  BOOST_TEST(stamp <= after);
  BOOST_TEST(tm.tm_mon >= 0);
  BOOST_TEST(tm.tm_mon <= 11);
}

BOOST_AUTO_TEST_CASE(utc_now_does_not_depend_on_the_local_time_zone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  setenv("TZ", "XYZ-14", 1);  // POSIX form, no tzdata needed: local = UTC+14
  tzset();
  const std::time_t before = std::time(nullptr);
  const std::string now = lw::utc_now();
  if (old) setenv("TZ", saved.c_str(), 1);
  else unsetenv("TZ");
  tzset();
  std::tm tm{};
  BOOST_TEST_REQUIRE(strptime(now.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
  BOOST_TEST(std::labs(static_cast<long>(timegm(&tm) - before)) <= 2L, now);
}

BOOST_AUTO_TEST_CASE(host_name_is_the_kernel_host_name) {
  const std::string name = lw::host_name();
  BOOST_TEST(!name.empty());
  BOOST_TEST(name.find('\0') == std::string::npos);
  BOOST_TEST(!has_space_or_control(name), name);
  std::ifstream proc("/proc/sys/kernel/hostname");
  std::string expected;
  if (proc && std::getline(proc, expected)) BOOST_TEST(name == expected);
  char buf[256] = {};
  BOOST_TEST_REQUIRE(gethostname(buf, sizeof buf - 1) == 0);
  BOOST_TEST(name == std::string(buf));
}

BOOST_AUTO_TEST_CASE(command_line_joins_the_arguments_with_single_spaces) {
  const char* argv[] = {"depth_sweep", "--depths", "2,3", "--data.source", "blobs"};
  BOOST_TEST(lw::command_line(5, argv) == "depth_sweep --depths 2,3 --data.source blobs");
  BOOST_TEST(lw::command_line(1, argv) == "depth_sweep");
  BOOST_TEST(lw::command_line(3, argv) == "depth_sweep --depths 2,3");  // argc counts, not nulls
  BOOST_TEST(lw::command_line(0, argv) == "");
  BOOST_TEST(lw::command_line(0, nullptr) == "");
}

BOOST_AUTO_TEST_CASE(command_line_keeps_each_argument_verbatim_without_quoting) {
  // The contract is "argv joined by spaces": arguments with spaces or quotes are not escaped,
  // and an empty argument shows as a doubled space.
  const char* argv[] = {"prog", "a b", "", "say \"hi\"", "µ"};
  BOOST_TEST(lw::command_line(5, argv) == "prog a b  say \"hi\" µ");
  const char* argv_nulled[] = {"prog", "x", nullptr};
  BOOST_TEST(lw::command_line(2, argv_nulled) == "prog x");
}

BOOST_AUTO_TEST_CASE(physical_memory_is_the_kernels_total) {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  meminfo >> key >> kib;  // "MemTotal: N kB"
  BOOST_TEST_REQUIRE(key == "MemTotal:");
  BOOST_TEST(lw::physical_memory_bytes() == kib * 1024, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_SUITE_END()
