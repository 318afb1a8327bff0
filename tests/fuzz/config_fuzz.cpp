// Fuzz target: the experiment configuration (experiment/config.hpp): the input is an INI file read
// by parse_arguments("--config FILE") with every pretraining scheme's options, as depth_sweep does,
// then validate() and validate_scheme_overrides(). Their documented errors (std::invalid_argument,
// std::runtime_error) are fine; anything else — a crash, a sanitizer report, an uncaught
// std::bad_alloc / std::logic_error (e.g. a list such as "seeds = 1-9999999999" expanded in
// memory), a hang — is a finding.
#include <cstdint>
#include <stdexcept>

#include "layerwise/experiment/config.hpp"
#include "fuzz_support.hpp"
#include "layerwise/pretrain/scheme.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static lw::fuzz::ScratchFile file("config");
  const std::string& path = file.write(data, size);
  const char* argv[] = {"config_fuzz", "--config", path.c_str()};
  try {
    lw::ExperimentConfig cfg;
    const auto schemes = lw::describe_scheme_options(cfg.pretrain.options);
    lw::parse_arguments(3, argv, cfg, lw::OptionTable(), schemes);
    lw::validate(cfg);
    lw::validate_scheme_overrides(cfg.pretrain.options);
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
