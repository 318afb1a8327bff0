#pragma once
// The configuration of an experiment: nested structs whose default member initialisers are the
// only defaults. describe_options declares each field once, in an OptionTable
// (core/option_table.hpp), as an option named <section>.<key> (top-level grid options have no
// section); fine-tuning's options bind straight into the trainer's TrainConfig. Precedence:
// command line, then --config FILE (INI, sections match the dots: [finetune] epochs = 30), then
// the defaults.
// Lists: depths "1,2,3" or "1-5"; seeds likewise; inits, activations "a,b,c"; widths "500,1000".
#include <boost/program_options.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "layerwise/core/option_table.hpp"
#include "layerwise/io/data_config.hpp"
#include "layerwise/io/dataset.hpp"
#include "layerwise/io/results.hpp"
#include "layerwise/train/train.hpp"

namespace lw {

// Fine-tuning's defaults: the trainer's, with early stopping after 5 epochs without improvement.
TrainConfig finetune_defaults();

struct FinetuneConfig {
  TrainConfig train = finetune_defaults();  // epochs, batch, optimizer, early stopping: bound as is
  double dropout = 0;        // hidden layers' inputs
  double input_dropout = 0;  // the network's input
  double max_norm = 0;
  double noise_sd = 0;       // augmentation: Gaussian noise on training inputs
  int max_shift = 0;         // augmentation: random image shifts, pixels
};

struct PretrainConfig {
  bool freeze = false;                       // fine-tune only the output layer after pretraining
  bool reuse = true;                         // share pretrained layers between runs (stack_store.hpp)
  std::map<std::string, std::string> options;  // "pretrain.<scheme>.<key>" -> value
};

// An option swept over a list of values (experiment/axes.hpp): --grid key=v1,v2 (compared) or
// --search key=v1,v2 (searched by model selection), or the INI sections [grid] and [search].
struct AxisSpec {
  std::string key;
  std::string values;  // "0.01,0.1"
  bool searched = false;
};

struct ExperimentConfig {
  std::string experiment = "default";   // results subfolder
  std::string results = "results";      // results root
  std::string depths = "1,2,3";         // hidden layers
  std::string inits = "uniform,xavier"; // initializers or pretraining schemes
  std::string seeds = "1";
  std::string activations = "sigmoid";
  std::string widths = "500";
  std::string output_init = "xavier";   // output layer: an initializer for every arm (pairing), or
                                        // "arm": the arm's own initializer (xavier after pretraining)
  std::string pretrain_init = "xavier"; // initial encoder weights of pretrained arms
  double init_scale = 0;                // uniform_scaled a / normal sigma / orthogonal gain; 0: default
  std::string precision = "float32";    // float32 | float64
  int threads = 0;                      // BLAS threads; 0: OpenBLAS default
  bool overwrite = false;               // redo complete runs
  DataConfig data;
  FinetuneConfig finetune;
  PretrainConfig pretrain;
  std::vector<AxisSpec> axes;           // the other options swept (axes.hpp)
  struct Log {
    long every = 10;        // layer statistics every N steps (and at step 0)
    bool weights = false;   // store initial / pretrained / best weights
    bool model = false;     // save the best network as <experiment>/models/<run_id>.h5 (io/checkpoint)
  } log;
};

// Every option of the config, bound to cfg's fields.
OptionTable describe_options(ExperimentConfig& cfg);

// Parses argv (and --config FILE) into cfg with parse_options (experiment/options.hpp). Throws
// std::invalid_argument with one clear message for an unknown option, a malformed value or an
// unreadable config file.
// `extra`: the driver's own options (their values join `effective`); `parsed_only`: options whose
// values their owner records (the scheme options: SchemeOptions types them).
struct ParsedArgs {
  bool show_help = false, dry_run = false, list_schemes = false, version = false;
  std::string config_file;
  std::vector<ConfigEntry> effective;  // every option of cfg and extra and its value, in order
  std::string help;                    // every option with its default and help, for --help
};
ParsedArgs parse_arguments(int argc, const char* const* argv, ExperimentConfig& cfg,
                           const OptionTable& extra = OptionTable(),
                           const boost::program_options::options_description& parsed_only = {});

// Parses "1,2,5-7" into 1 2 5 6 7; throws naming the option on malformed text, a repeated
// entry or more than 10000 entries.
std::vector<long> parse_int_list(const std::string& option, const std::string& text);
std::vector<std::string> parse_name_list(const std::string& option, const std::string& text);

// Throws std::invalid_argument naming the option, the value and what is allowed.
void validate(const ExperimentConfig& cfg);
// --experiment must be one plain folder name under --results (never . or .., which would write
// into the results root or its parent). Every driver that writes under it checks this.
void validate_experiment_name(const std::string& name);
// What can only be checked once the data is loaded, before any results file: features at all; no
// batch size (fine-tuning, or a pretrained arm's pretrain.<scheme>.batch_size) beyond the
// training examples; finetune.max_shift only on images, and smaller than them; every pretrained
// arm's Scheme::check_inputs for each activation (e.g. cross-entropy autoencoders on inputs
// outside [0, 1], rbm without sigmoid units); the largest network's parameters fit in memory.
void validate_for_data(const ExperimentConfig& cfg, const Split& split);

// A lower bound on the memory one run of this shape takes: its parameters, their gradients and
// the best weights kept for early stopping (3 copies), in the run's precision. Bytes.
double run_memory_lower_bound(const ExperimentConfig& cfg, long depth, long width, arma::uword n_features,
                              arma::uword n_classes);


}  // namespace lw

namespace lw {
// One option pretrain.<scheme>.<key> per option of every registered scheme, stored into
// `overrides` (dotted key -> value) when given.
boost::program_options::options_description describe_scheme_options(
    std::map<std::string, std::string>& overrides);
}  // namespace lw
