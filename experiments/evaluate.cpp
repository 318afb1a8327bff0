// evaluate: loads a saved network (a checkpoint written by depth_sweep --log.model, or by
// lw::save_network) and reports its loss and classification error on a dataset split.
//   evaluate --model results/quick/models/d2-sigmoid-w256-xavier-s01.h5 [--split test]
//            [--data.source ...] [--config FILE]
// Options as every driver's (experiment/options.hpp): --config FILE, no abbreviated names.
// Bad options exit with status 2; unreadable files with status 1.
#include <cstdio>
#include <boost/program_options.hpp>
#include <iostream>

#include "layerwise/core/check.hpp"
#include "layerwise/core/option_table.hpp"
#include "layerwise/experiment/options.hpp"
#include "layerwise/io/checkpoint.hpp"
#include "layerwise/io/datasets.hpp"
#include "layerwise/train/network_objective.hpp"

namespace po = boost::program_options;

namespace {

template <class T>
int evaluate(const std::string& model, const lw::Dataset& d, const std::string& split) {
  lw::Network<T> net = lw::load_network<T>(model);
  if (net.n_inputs() != d.n_features())
    throw std::invalid_argument(lw::cat("--model: ", model, " takes ", net.n_inputs(),
                                        " inputs but the data has ", d.n_features(), " features"));
  const arma::Mat<T> X = arma::conv_to<arma::Mat<T>>::from(d.X);
  const arma::Mat<T> Y = arma::conv_to<arma::Mat<T>>::from(lw::one_hot(d.y, net.n_outputs()));
  lw::NetworkObjective<T> objective(net, {}, lw::Rng(0));
  const lw::BatchResult r = objective.evaluate(X, Y);
  std::printf("model %s\nsplit %s: %llu examples\nloss %.6f\n", model.c_str(), split.c_str(),
              static_cast<unsigned long long>(d.n_examples()), r.loss);
  if (r.errors >= 0)
    std::printf("error %.4f%% (%lld misclassified)\n",
                100.0 * static_cast<double>(r.errors) / static_cast<double>(d.n_examples()),
                static_cast<long long>(r.errors));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  lw::DataConfig data;
  std::string model, split = "test";
  std::uint64_t seed = 1;
  po::options_description general("General");
  general.add_options()
      ("help,h", "show this help and exit")
      ("config", po::value<std::string>(),
       "INI file of the options below, e.g. model = FILE, [data] n_test = 2000 (command line wins)");
  lw::OptionTable model_options("Model");
  model_options
      .add("model", model,
           "network checkpoint (.h5) to evaluate, e.g. one of depth_sweep --log.model (required)")
      .add("split", split, "the data split to evaluate on: train, valid or test")
      .add("seed", seed,
           "seed of the data: the run's seed (matters for --data.shuffle and the synthetic sources)");
  lw::OptionTable data_options(
      "Data [data] (the checkpoint does not record its data: give the sweep's options)");
  lw::describe_options(data_options, data);
  po::options_description settings;
  settings.add(model_options.description()).add(data_options.description());
  po::options_description opts("evaluate: a saved network's loss and error on a dataset split");
  opts.add(general).add(settings);
  try {
    const po::variables_map vm = lw::parse_options(argc, argv, opts, settings);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    lw::require(!model.empty(), "--model: a checkpoint file is required");
    lw::require(split == "train" || split == "valid" || split == "test",
                lw::cat("--split: '", split, "' must be train, valid or test"));
    lw::validate(data);
    lw::require(data.n_labeled == 0, lw::cat("--data.n_labeled: ", data.n_labeled,
                                             ": evaluate reads a whole split (--split); the option is depth_sweep's"));
  } catch (const std::exception& e) {
    std::cerr << "evaluate: " << e.what() << "\n(see evaluate --help)\n";
    return 2;
  }
  try {
    const lw::Split s = lw::load_split(data, seed);
    const lw::Dataset& d = split == "train" ? s.train : split == "valid" ? s.valid : s.test;
    if (lw::checkpoint_precision(model) == "float64") return evaluate<double>(model, d, split);
    return evaluate<float>(model, d, split);
  } catch (const std::invalid_argument& e) {
    std::cerr << "evaluate: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "evaluate: " << e.what() << "\n";
    return 1;
  }
}
