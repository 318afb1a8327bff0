// depth_sweep: compares initialisations and greedy layer-wise pretraining across depths.
// Each run of the grid (depth x arm x activation x width x seed) writes one results file under
// results/<experiment>/; at the end a table of test error (mean +- sd over seeds) by arm and depth
// goes to stdout and to summary.csv beside the runs. A rerun skips complete runs and redoes the
// others. Ctrl-C (SIGINT) or SIGTERM stop after the current batch: the run is marked interrupted,
// finished runs are kept, the exit status is 130 or 143. Bad options exit with status 2.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/blas.hpp"
#include "core/blas_kernel.hpp"
#include "core/build_info.hpp"
#include "core/check.hpp"
#include "experiment/grid.hpp"
#include "experiment/run.hpp"
#include "experiment/summary.hpp"
#include "io/datasets.hpp"
#include "pretrain/scheme.hpp"

namespace po = boost::program_options;

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};

extern "C" void on_signal(int sig) {
  stop_signal = sig;
  stop_requested = true;
}

const char* usage =
    "Usage: depth_sweep [--config FILE] [options]\n"
    "Trains every run of the grid depths x inits x activations x widths x seeds and writes one\n"
    "HDF5 results file per run under <results>/<experiment>/, then a summary table.\n"
    "Examples:\n"
    "  depth_sweep --config experiments/configs/quick.ini\n"
    "  depth_sweep --config experiments/configs/fm_depth.ini --dry-run\n"
    "  depth_sweep --depths 1-3 --inits uniform,xavier,dae --seeds 1-2 --data.n_train 5000\n";

}  // namespace

int main(int argc, char** argv) {
  lw::ExperimentConfig cfg;
  po::options_description scheme_options = lw::describe_scheme_options(cfg.pretrain.options);
  po::options_description sweep_options("Sweep");
  std::string shard, blas_kernel;
  sweep_options.add_options()
      ("shard", po::value(&shard), "run only part k/n of the grid (runs i with i % n == k)")
      ("blas-kernel", po::value(&blas_kernel),
       "OpenBLAS kernel: auto (default; lifts a slow fallback kernel, checked against a reference "
       "product), default (OpenBLAS's own choice) or a core name; also LW_BLAS_KERNEL");
  sweep_options.add(scheme_options);
  lw::ParsedArgs args;
  std::vector<lw::RunSpec> runs;
  try {
    args = lw::parse_arguments(argc, argv, cfg, sweep_options);
    if (args.show_help) {
      std::cout << usage << "\n" << args.help << "\n";
      return 0;
    }
    if (args.list_schemes) {
      lw::write_scheme_list(std::cout);
      return 0;
    }
    if (args.version) {
      for (const auto& [k, v] : lw::build_info_fields(lw::build_info()))
        std::cout << k << ": " << v << "\n";
      return 0;
    }
    lw::validate(cfg);
    lw::validate_scheme_overrides(cfg.pretrain.options);
    runs = lw::select_shard(lw::expand_grid(cfg), shard);
  } catch (const std::exception& e) {
    std::cerr << "depth_sweep: " << e.what() << "\n(see depth_sweep --help)\n";
    return 2;
  }
  try {
    lw::select_blas_kernel(argc, argv, blas_kernel);
  } catch (const std::exception& e) {
    std::cerr << "depth_sweep: --blas-kernel: " << e.what() << "\n";
    return 2;
  }
  if (cfg.threads > 0) lw::set_blas_threads(cfg.threads);

  const auto dir = lw::experiment_dir(cfg);
  // A complete file is skipped only if it was made with the same options (run_hash); one made
  // with others is an error, never silently reported as this config's result.
  std::vector<std::string> conflicts;
  for (const auto& r : runs)
    if (!cfg.overwrite && lw::is_complete(dir, r.run_id) &&
        lw::read_run_hash(lw::results_path(dir, r.run_id)) !=
            lw::run_hash(lw::run_config(cfg, r, args.effective)))
      conflicts.push_back(lw::results_path(dir, r.run_id).string());
  if (!conflicts.empty()) {
    std::cerr << "depth_sweep: " << conflicts.size() << " complete result(s) in " << dir.string()
              << "/ were made with other options than these, e.g. " << conflicts.front()
              << "\n(use --overwrite to redo them, or another --experiment)\n";
    return 2;
  }
  if (args.dry_run) {
    std::cout << runs.size() << " runs; results in " << dir.string() << "/\n";
    for (const auto& r : runs) {
      const bool done = lw::is_complete(dir, r.run_id);
      const bool partial = std::filesystem::exists(lw::partial_path(dir, r.run_id));
      std::cout << "  " << lw::results_path(dir, r.run_id).string()
                << (done && !cfg.overwrite ? "  (complete, skipped)"
                    : partial             ? "  (partial, redone)"
                                          : "")
                << "\n";
    }
    return 0;
  }
  // Load the first split now, so bad data options or files fail before any file is written.
  std::optional<std::uint64_t> loaded_seed;
  lw::Split split;
  try {
    split = lw::load_split(cfg.data, runs.front().seed);
    loaded_seed = runs.front().seed;
  } catch (const std::exception& e) {
    std::cerr << "depth_sweep: " << e.what() << "\n";
    return 2;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "depth_sweep: " << runs.size() << " runs -> " << dir.string() << "/ | "
            << lw::blas_kernel_note() << ", " << lw::blas_threads() << " BLAS threads\n";
  const std::string command_line = lw::command_line(argc, argv);
  lw::SweepProgress progress{.runs_total = runs.size(), .runs_done = 0,
                             .epochs_per_run = cfg.finetune.epochs};
  std::vector<lw::RunRecord> records;
  try {
    for (const auto& run : runs) {
      if (stop_requested) break;
      if (!cfg.overwrite && lw::is_complete(dir, run.run_id)) {
        const auto file = lw::results_path(dir, run.run_id);
        records.push_back({run, lw::RunStatus::complete, lw::read_summary(file)});
        std::cout << "[run " << progress.runs_done + 1 << "/" << runs.size() << " " << run.run_id
                  << "] complete, skipped\n";
        ++progress.runs_done;
        continue;
      }
      if (loaded_seed != run.seed) {
        split = lw::load_split(cfg.data, run.seed);
        loaded_seed = run.seed;
      }
      lw::RunOutcome out =
          lw::run_one(cfg, run, split, args.effective, command_line, progress, &stop_requested);
      records.push_back({run, out.status, out.summary});
      if (out.status == lw::RunStatus::complete)
        std::printf("[run %zu/%zu %s] complete: test error %.2f%%, %lld epochs, %.1f s\n",
                    progress.runs_done + 1, runs.size(), run.run_id.c_str(),
                    100 * out.summary.test_error, static_cast<long long>(out.summary.epochs_run),
                    out.summary.total_wall_time_s);
      else
        std::printf("[run %zu/%zu %s] %s: %s\n", progress.runs_done + 1, runs.size(),
                    run.run_id.c_str(), lw::to_string(out.status).c_str(), out.message.c_str());
      std::fflush(stdout);
      ++progress.runs_done;
    }
  } catch (const std::exception& e) {
    std::cerr << "depth_sweep: " << e.what() << "\n";
    return 1;
  }
  const auto table = lw::summarize(records);
  // Shards of one grid share the folder: each writes its own summary (tools/summary merges them).
  std::string csv_name = "summary.csv";
  if (!shard.empty()) {
    csv_name = "summary-shard-" + shard + ".csv";
    std::replace(csv_name.begin(), csv_name.end(), '/', '-');
  }
  lw::write_summary_csv(dir / csv_name, table);
  std::cout << "\n" << lw::format_summary(table) << "summary: " << (dir / csv_name).string()
            << "\n";
  if (stop_requested) {
    std::cerr << "depth_sweep: stopped by signal; finished runs are kept, rerun to resume\n";
    return 128 + stop_signal.load();
  }
  return 0;
}
