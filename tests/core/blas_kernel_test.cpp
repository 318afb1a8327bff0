#include "layerwise/core/blas_kernel.hpp"

#include <boost/test/unit_test.hpp>
#include <iostream>

#include "layerwise/core/blas.hpp"

namespace {

lw::CpuFeatures cpu_with(std::set<std::string> flags) {
  return {.vendor = "GenuineIntel", .flags = flags};
}

const std::set<std::string> kSse = {"sse", "sse2", "pni", "ssse3", "sse4_1", "sse4_2"};
std::set<std::string> plus(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}
const std::set<std::string> kAvx = plus(kSse, {"avx"});
const std::set<std::string> kAvx2 = plus(kAvx, {"avx2", "fma"});
const std::set<std::string> kAvx512 =
    plus(kAvx2, {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"});

lw::KernelDecision decide(const std::set<std::string>& flags, const std::string& current,
                          const std::string& mode, const std::string& user = "") {
  return lw::decide_blas_kernel(
      {.cpu = cpu_with(flags), .current_core = current, .mode = mode, .user_coretype = user});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core_blas_kernel)

BOOST_AUTO_TEST_CASE(the_live_kernel_passes_the_reference_check) {
  std::cout << "BLAS kernel: " << lw::blas_core() << " | " << lw::blas_kernel_note() << "\n";
  BOOST_TEST(lw::blas_products_correct());
}

BOOST_AUTO_TEST_CASE(cpuinfo_is_parsed_from_the_first_processor) {
  const lw::CpuFeatures cpu = lw::parse_cpuinfo(
      "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n"
      "flags\t\t: fpu sse2 avx avx2 fma avx512f avx512_bf16\n\n"
      "processor\t: 1\nvendor_id\t: Other\nflags\t\t: fpu amx_tile\n");
  BOOST_TEST(cpu.vendor == "AuthenticAMD");
  BOOST_TEST(cpu.flags.size() == 7u);
  BOOST_TEST(cpu.has("avx512_bf16"));
  BOOST_TEST(cpu.has("fma"));
  BOOST_TEST(!cpu.has("amx_tile"));
  BOOST_TEST(!cpu.has("avx512"));
  BOOST_TEST(lw::parse_cpuinfo("").flags.empty());
}

BOOST_AUTO_TEST_CASE(the_preferred_core_follows_the_cpu_features) {
  BOOST_TEST(lw::preferred_core(cpu_with(kAvx512)) == "SkylakeX");
  BOOST_TEST(lw::preferred_core(cpu_with(plus(kAvx512, {"avx512_bf16"}))) == "SkylakeX");
  BOOST_TEST(lw::preferred_core(cpu_with(kAvx2)) == "Haswell");
  BOOST_TEST(lw::preferred_core(cpu_with(plus(kAvx2, {"avx512f"}))) == "Haswell");  // no bw/vl/dq
  BOOST_TEST(lw::preferred_core(cpu_with(plus(kAvx, {"avx2"}))) == "Sandybridge");  // no fma
  BOOST_TEST(lw::preferred_core(cpu_with(kAvx)) == "Sandybridge");
  BOOST_TEST(lw::preferred_core(cpu_with(kSse)) == "");
}

BOOST_AUTO_TEST_CASE(auto_upgrades_only_a_lower_tier_default) {
  BOOST_TEST(decide(kAvx512, "Prescott", "auto").coretype == "SkylakeX");
  BOOST_TEST(decide(kAvx512, "Haswell", "auto").coretype == "SkylakeX");
  BOOST_TEST(decide(kAvx2, "Prescott", "auto").coretype == "Haswell");
  BOOST_TEST(decide(kAvx, "Prescott", "auto").coretype == "Sandybridge");
  BOOST_TEST(decide(kAvx512, "Prescott", "auto").reason == "auto: default was Prescott");
  // OpenBLAS's own pick is kept when it is as good: same tier (Zen vs Haswell, Cooperlake vs
  // SkylakeX) or when the CPU offers nothing better.
  BOOST_TEST(decide(kAvx512, "Cooperlake", "auto").coretype == "");
  BOOST_TEST(decide(kAvx512, "SkylakeX", "auto").coretype == "");
  BOOST_TEST(decide(kAvx2, "Zen", "auto").coretype == "");
  BOOST_TEST(decide(kSse, "Prescott", "auto").coretype == "");
  BOOST_TEST(decide(kSse, "Prescott", "auto").reason == "auto: OpenBLAS default kept");
  BOOST_TEST(decide(kAvx512, "Zen4", "auto").coretype == "");  // unknown (newer) core: kept
}

BOOST_AUTO_TEST_CASE(a_user_set_openblas_coretype_wins) {
  const lw::KernelDecision d = decide(kAvx512, "Prescott", "auto", "Prescott");
  BOOST_TEST(d.coretype == "");
  BOOST_TEST(d.reason == "OPENBLAS_CORETYPE=Prescott set by the user");
  BOOST_TEST(decide(kAvx512, "Haswell", "SkylakeX", "Haswell").coretype == "");
  BOOST_TEST(decide(kSse, "Prescott", "no-such-core", "Prescott").coretype ==
             "");  // not even checked
}

BOOST_AUTO_TEST_CASE(default_mode_keeps_openblas_own_pick) {
  BOOST_TEST(decide(kAvx512, "Prescott", "default").coretype == "");
  BOOST_TEST(decide(kAvx512, "Prescott", "default").reason == "default: kernel selection off");
}

BOOST_AUTO_TEST_CASE(a_named_core_is_requested_if_the_cpu_runs_it) {
  BOOST_TEST(decide(kAvx512, "Cooperlake", "haswell").coretype == "Haswell");
  BOOST_TEST(decide(kAvx512, "Cooperlake", "Zen").coretype == "Zen");
  BOOST_TEST(decide(kAvx512, "Cooperlake", "Prescott").coretype == "Prescott");
  BOOST_TEST(decide(kAvx512, "SkylakeX", "skylakex").coretype == "");  // already running
  BOOST_CHECK_THROW(decide(kAvx2, "Haswell", "SkylakeX"), std::invalid_argument);
  BOOST_CHECK_THROW(decide(kAvx512, "Haswell", "Cooperlake"), std::invalid_argument);  // no bf16
  BOOST_CHECK_THROW(decide(kAvx512, "Haswell", "Pentium9"), std::invalid_argument);
  BOOST_CHECK_THROW(decide(kAvx512, "Haswell", ""), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(core_names_and_tiers) {
  BOOST_TEST(lw::canonical_core_name("SKYLAKEX") == "SkylakeX");
  BOOST_TEST(lw::canonical_core_name("sandybridge") == "Sandybridge");
  BOOST_TEST(lw::canonical_core_name("Skylake") == "");
  BOOST_TEST(lw::core_tier("Prescott") == 1);
  BOOST_TEST(lw::core_tier("Sandybridge") == 2);
  BOOST_TEST(lw::core_tier("Zen") == 3);
  BOOST_TEST(lw::core_tier("Cooperlake") == 4);
  BOOST_TEST(lw::core_tier("unknown") == 0);
  BOOST_TEST(!lw::cpu_runs_core(cpu_with(kAvx2), "SkylakeX"));
  BOOST_TEST(lw::cpu_runs_core(cpu_with(kSse), "Prescott"));
  BOOST_TEST(!lw::cpu_runs_core(cpu_with(kAvx512), "Bulldozer"));  // needs fma4
}

BOOST_AUTO_TEST_CASE(this_machine_can_run_the_core_openblas_chose) {
  const lw::CpuFeatures cpu = lw::cpu_features();
  BOOST_TEST(!cpu.flags.empty());
  BOOST_TEST(lw::core_tier(lw::blas_core()) > 0);
  BOOST_TEST(lw::cpu_runs_core(cpu, lw::blas_core()));
}

BOOST_AUTO_TEST_SUITE_END()
