// gradient_probe: vanishing gradients at initialisation, in seconds. No training: for each depth,
// arm and activation it builds the network (the arm's initializer for the hidden layers, xavier
// for the output layer, as depth_sweep does), runs a few batches of real data forward and
// backward, and writes the mean per-layer statistics to <results>/<experiment>/gradient_probe.h5
// (layout: io/probe_file.hpp) and prints the ratio ||dL/dW_0|| / ||dL/dW_out|| by depth. A saved
// network (depth_sweep --log.model, e.g. a pretrained stack after fine-tuning) is probed with
// --load FILE. Options as every driver's (experiment/options.hpp): --config FILE, no abbreviated
// names; bad options exit with status 2, other failures with status 1.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/core/build_info.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/experiment/config.hpp"
#include "layerwise/core/option_table.hpp"
#include "layerwise/experiment/options.hpp"
#include "layerwise/experiment/probe.hpp"
#include "layerwise/io/checkpoint.hpp"
#include "layerwise/io/datasets.hpp"
#include "layerwise/io/probe_file.hpp"
#include "layerwise/nn/init.hpp"
#include "layerwise/nn/make_network.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct ProbeConfig {
  std::string experiment = "gradient_probe", results = "results";
  std::string depths = "1-20", inits = "uniform,xavier", activations = "sigmoid";
  long width = 256, batch_size = 128, batches = 4;
  long seed = 1;
  std::string output_init = "xavier";
  std::vector<std::string> load;
  int threads = 0;
  std::string blas_kernel;
  lw::DataConfig data;
};

}  // namespace

int main(int argc, char** argv) {
  ProbeConfig c;
  po::options_description general("General");
  general.add_options()
      ("help,h", "show this help and exit")
      ("config", po::value<std::string>(),
       "INI file of the options below, e.g. width = 64, [data] source = blobs (command line wins)");
  lw::OptionTable probe("Probe");
  probe.add("experiment", c.experiment,
            "name of the experiment: the file is <results>/<experiment>/gradient_probe.h5")
      .add("results", c.results, "results root folder")
      .add("depths", c.depths, "numbers of hidden layers to probe, e.g. 1-20 or 1,5,10")
      .add("inits", c.inits,
           lw::cat("initializers of the hidden layers to compare: ", lw::initializer_names()))
      .add("activations", c.activations,
           "hidden activations: identity, sigmoid, tanh, relu, leaky_relu, softsign")
      .add("width", c.width, "hidden layer width")
      .add("batch_size", c.batch_size, "examples per batch")
      .add("batches", c.batches, "batches averaged (the first batches x batch_size training examples)")
      .add("seed", c.seed, "seed of the initial weights and of the data split")
      .add("output_init", c.output_init, "initializer of the output layer (every arm)")
      .add("threads", c.threads, "BLAS threads; 0: OpenBLAS's default (all cores)")
      .add("blas-kernel", c.blas_kernel,
           "OpenBLAS kernel: auto (default), default (OpenBLAS's choice) or a core name; also "
           "LW_BLAS_KERNEL");
  po::options_description load("Saved networks");
  load.add_options()(
      "load", po::value(&c.load)->composing(),
      "also probe a saved network (a checkpoint written by depth_sweep --log.model); repeatable");
  lw::OptionTable data("Data [data]");
  lw::describe_options(data, c.data);
  po::options_description settings;
  settings.add(probe.description()).add(load).add(data.description());
  po::options_description opts(
      "gradient_probe: per-layer gradient norms at initialisation by depth (no training)");
  opts.add(general).add(settings);
  std::vector<long> depths;
  std::vector<std::string> inits, acts;
  try {
    const po::variables_map vm = lw::parse_options(argc, argv, opts, settings);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    lw::validate_experiment_name(c.experiment);
    depths = lw::parse_int_list("depths", c.depths);
    for (long d : depths) lw::require(d >= 1, lw::cat("--depths: must be >= 1 (", d, ")"));
    inits = lw::parse_name_list("inits", c.inits);
    for (const auto& i : inits) lw::find_initializer(i);
    if (!lw::has_initializer(c.output_init))
      throw std::invalid_argument(lw::cat("--output_init: unknown initializer '", c.output_init,
                                          "' (known: ", lw::initializer_names(), ")"));
    acts = lw::parse_name_list("activations", c.activations);
    for (const auto& a : acts) lw::parse_activation(a);
    lw::require(c.width >= 1, lw::cat("--width: must be >= 1 (", c.width, ")"));
    lw::require(c.batch_size >= 1 && c.batches >= 1, "--batch_size and --batches must be >= 1");
    lw::validate(c.data);
    lw::require(c.data.n_labeled == 0, lw::cat("--data.n_labeled: ", c.data.n_labeled,
                                               ": gradient_probe trains nothing; the option is depth_sweep's"));
    for (const auto& path : c.load)  // before the grid, not after it
      lw::require(std::filesystem::is_regular_file(path),
                  lw::cat("--load: cannot read '", path, "' (no such file)"));
  } catch (const std::exception& e) {
    std::cerr << "gradient_probe: " << e.what() << "\n(see gradient_probe --help)\n";
    return 2;
  }
  try {
    lw::select_blas_kernel(argc, argv, c.blas_kernel);
  } catch (const std::exception& e) {
    std::cerr << "gradient_probe: --blas-kernel: " << e.what() << "\n";
    return 2;
  }
  if (c.threads > 0) lw::set_blas_threads(c.threads);
  try {
    const lw::Split split = lw::load_split(c.data, static_cast<std::uint64_t>(c.seed));
    const arma::uword need = static_cast<arma::uword>(c.batch_size * c.batches);
    lw::require(split.train.n_examples() >= need,
                lw::cat("--batches x --batch_size: need ", need, " training examples, have ",
                        split.train.n_examples()));
    const arma::fmat X = split.train.X.cols(0, need - 1);
    const arma::fmat Y = lw::one_hot(split.train.y.head(need), split.info.n_classes);

    const fs::path dir = fs::path(c.results) / c.experiment;
    fs::create_directories(dir);
    lw::ProbeFile file(dir, {.command_line = lw::command_line(argc, argv),
                             .seed = static_cast<std::int64_t>(c.seed),
                             .data_checksum = split.info.checksum});

    std::printf("||dL/dW_0|| / ||dL/dW_output|| at initialisation "
                "(width %ld, %ld x %ld examples)\n%6s", c.width, c.batches, c.batch_size, "depth");
    for (const auto& a : acts)
      for (const auto& i : inits) std::printf(" %18s", (a + "/" + i).c_str());
    std::printf("\n");
    for (long depth : depths) {
      std::printf("%6ld", depth);
      for (const auto& a : acts)
        for (const auto& i : inits) {
          lw::NetworkSpec spec;
          spec.layer_sizes.push_back(split.info.n_features);
          for (long d = 0; d < depth; ++d) spec.layer_sizes.push_back(c.width);
          spec.layer_sizes.push_back(split.info.n_classes);
          spec.hidden = lw::parse_activation(a);
          spec.init = i;
          spec.output_init = c.output_init;
          const auto net = lw::make_network<float>(spec, static_cast<std::uint64_t>(c.seed));
          const lw::ProbeResult r = lw::probe_gradients(net, X, Y, c.batch_size, c.batches);
          file.write_probe(a, i, depth, lw::probe_record(r));
          std::printf(" %18.3e", r.ratio_first_last);
        }
      std::printf("\n");
    }
    for (std::size_t k = 0; k < c.load.size(); ++k) {
      const std::string& path = c.load[k];
      const auto net = lw::load_network<float>(path);
      const lw::ProbeResult r = lw::probe_gradients(net, X, Y, c.batch_size, c.batches);
      file.write_loaded(k, path, static_cast<std::int64_t>(net.depth()), lw::probe_record(r));
      std::printf("%s (depth %zu): ratio %.3e\n", path.c_str(), net.depth(), r.ratio_first_last);
    }
    const fs::path final_path = file.finish();
    std::printf("written: %s\n", final_path.string().c_str());
  } catch (const std::invalid_argument& e) {
    std::cerr << "gradient_probe: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gradient_probe: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
