#pragma once
// Any option as an axis of the grid. Besides the short forms (depths, inits, activations, width,
// seeds), every option of a run can take a list of values:
//   --grid finetune.learning_rate=0.01,0.1,0.3     compared: rows of the table
//   --search pretrain.dae.corruption=0.1,0.25,0.4  searched: model selection picks one per group
// or in an INI file, a section per kind:
//   [grid]                          [search]
//   data.n_labeled = 500,5000,0     finetune.learning_rate = 0.03,0.1,0.3
// Both kinds multiply the grid; a scheme's option (pretrain.<scheme>.<key>) multiplies only the
// runs of its own arm. The command line wins over the file for an axis both give.
// Values are checked as the option checks them and kept in canonical text (0.10 -> 0.1), so an
// axis of a run is the option's own value in /config; the lists are recorded as grid.<key> and
// search.<key> (outside run_hash: a run's hash is that of its values alone).
#include <boost/program_options.hpp>
#include <string>
#include <utility>
#include <vector>

#include "layerwise/experiment/config.hpp"

namespace lw {

struct Axis {
  std::string key;      // the option: finetune.learning_rate
  bool searched = false;
  std::string scheme;   // pretrain.<scheme>.<key>: the arm it multiplies; "" for every arm
  std::vector<std::string> values;  // canonical text, in the order given
  std::string id_name;  // its part of the run id: lr0.01 -> "ft_learning_rate" (grid.hpp)
};

// The options --grid and --search (command line; repeatable) and, hidden from --help, the INI
// sections' grid.<key> and search.<key> for every key of `keys`. After parsing, merge_axes()
// turns what they collected into cfg.axes.
class AxisOptions {
 public:
  AxisOptions();
  AxisOptions(const AxisOptions&) = delete;  // its options write into it
  AxisOptions& operator=(const AxisOptions&) = delete;
  const boost::program_options::options_description& command_line() const { return command_line_; }
  boost::program_options::options_description sections(const std::vector<std::string>& keys);
  // Command-line axes first (they win over a file's for the same key, as does a plain option
  // given on the command line: `given_on_command_line`, its keys); an axis given twice in one
  // place is an error naming it.
  std::vector<AxisSpec> merge(const std::vector<std::string>& given_on_command_line = {}) const;

 private:
  boost::program_options::options_description command_line_;
  std::vector<std::string> grid_, search_;    // "key=values" from --grid, --search
  std::vector<AxisSpec> from_sections_;        // [grid] / [search] keys
};

// The checked axes of cfg, sorted by key. Throws std::invalid_argument naming the axis
// ("--grid finetune.learning_rate: ...") for an option that is not an option of a run (results,
// threads, the grid's own lists: use their short forms), an unknown option, an empty list, a
// value given twice, a value the option refuses, or a scheme option whose arm is not in the grid.
std::vector<Axis> resolve_axes(const ExperimentConfig& cfg);

// cfg with each (key, value) set as if given on the command line; throws std::invalid_argument
// naming the option for a value it refuses.
ExperimentConfig with_values(const ExperimentConfig& cfg,
                             const std::vector<std::pair<std::string, std::string>>& values);

// The typed value of option `key` of cfg (a fine-tuning, data, logging or top-level option, or a
// scheme option), as /config records it.
ConfigValue option_value(const ExperimentConfig& cfg, const std::string& key);

// Text of a value for tables and run ids: 0.1, not 0.10000000000000001.
std::string short_text(const ConfigValue& value);

// The ConfigEntries grid.<key> / search.<key> = "v1,v2,..." that /config records for the axes.
std::vector<ConfigEntry> axis_entries(const std::vector<Axis>& axes);

}  // namespace lw
