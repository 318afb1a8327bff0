#include "layerwise/experiment/options.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "layerwise/core/check.hpp"

namespace po = boost::program_options;

namespace lw {
namespace {

// Boost.Program_options (1.74) fills in its error messages by replacing %name% placeholders until
// none is left, so an option name or value that itself holds one ("%value%", "%canonical_option%")
// makes what() loop forever. Such text is refused up front.
void refuse_placeholders(const std::string& where, const std::string& text) {
  for (std::size_t a = text.find('%'); a != std::string::npos; a = text.find('%', a + 1)) {
    const std::size_t b = text.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", a + 1);
    require(b == std::string::npos || b == a + 1 || text[b] != '%',
            cat(where, ": '", text.substr(a, b - a + 1), "' is not allowed in option names or values"));
  }
}

// Levenshtein distance (insertions, deletions, substitutions), for suggesting an option name.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Boost's "unrecognised option" message, plus the closest known option when it looks like a typo
// (at most 2 edits, or a quarter of the name for long names).
std::string unknown_option_message(const po::unknown_option& e,
                                   const po::options_description& known,
                                   const std::string& dashes) {
  std::string name = e.get_option_name();
  name.erase(0, name.find_first_not_of('-'));
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 4) + 1;
  for (const auto& option : known.options()) {
    const std::size_t d = edit_distance(name, option->long_name());
    if (d < best_distance) {
      best_distance = d;
      best = option->long_name();
    }
  }
  return best.empty() ? e.what() : cat(e.what(), " (did you mean ", dashes, best, "?)");
}

// Stores the INI file `file` into vm (after what is there: the command line wins).
void store_config_file(const std::string& file, const po::options_description& settings,
                       po::variables_map& vm) {
  require(!std::filesystem::is_directory(file),
          cat("--config: '", file, "' is a folder; expected an INI file"));
  require(std::filesystem::is_regular_file(file),
          cat("--config: cannot read '", file, "' (no such file)"));
  std::ifstream in(file, std::ios::binary);
  require(in.good(), cat("--config: cannot read '", file, "'"));
  std::stringstream raw;
  raw << in.rdbuf();
  std::string content = raw.str();
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);  // a UTF-8 byte-order mark
  refuse_placeholders(cat("--config ", file), content);
  std::stringstream text(content);
  try {
    po::store(po::parse_config_file(text, settings, false), vm);
  } catch (const po::unknown_option& e) {
    throw std::invalid_argument(
        cat("--config ", file, ": ", unknown_option_message(e, settings, "")));
  } catch (const po::error& e) {
    throw std::invalid_argument(cat("--config ", file, ": ", e.what()));
  }
}

po::variables_map parse(int argc, const char* const* argv, const po::options_description& options,
                        const po::options_description* settings) {
  if (settings)
    require(options.find_nothrow("config", false) != nullptr,
            "parse_options(): a settings description needs a \"config\" option (none given)");
  for (int i = 1; i < argc; ++i) refuse_placeholders("command line", argv[i]);
  po::variables_map vm;
  try {
    // No guessing of abbreviated names: --finetune.epoch must not silently mean epochs.
    const int style = po::command_line_style::default_style &
                      ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(argc, argv).options(options).style(style).run(), vm);
    if (settings && vm.count("config"))
      store_config_file(vm["config"].as<std::string>(), *settings, vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    throw std::invalid_argument(unknown_option_message(e, options, "--"));
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  return vm;
}

}  // namespace

po::variables_map parse_options(int argc, const char* const* argv,
                                const po::options_description& options) {
  return parse(argc, argv, options, nullptr);
}

po::variables_map parse_options(int argc, const char* const* argv,
                                const po::options_description& options,
                                const po::options_description& settings) {
  return parse(argc, argv, options, &settings);
}

}  // namespace lw
