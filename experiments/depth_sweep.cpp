// depth_sweep: compares initialisations and greedy layer-wise pretraining across depths.
// Each run of the grid (depth x arm x activation x width x seed) writes one results file under
// results/<experiment>/; at the end a table of test error (mean +- sd over seeds) by arm and depth
// goes to stdout and to summary.csv beside the runs. A rerun skips complete runs and redoes the
// others. Ctrl-C (SIGINT) or SIGTERM stop after the current batch: the run is marked interrupted,
// finished runs are kept, the exit status is 130 or 143. Bad options exit with status 2.
// Started by mpirun (or srun), the runs are spread over the ranks (experiments/mpi_sweep.hpp);
// the files are the same as a serial sweep's.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "core/blas.hpp"
#include "core/blas_kernel.hpp"
#include "core/build_info.hpp"
#include "core/check.hpp"
#include "experiment/grid.hpp"
#include "experiment/summary.hpp"
#include "experiment/worker.hpp"
#include "pretrain/scheme.hpp"
#include "mpi_sweep.hpp"

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
    "       mpirun -n N depth_sweep [--config FILE] [options]\n"
    "Trains every run of the grid depths x inits x activations x widths x seeds and writes one\n"
    "HDF5 results file per run under <results>/<experiment>/, then a summary table.\n"
    "Under mpirun (or srun) rank 0 hands the runs out to idle ranks, each with 1 BLAS thread\n"
    "unless --threads says otherwise; the results folder must be shared by the ranks.\n"
    "Examples:\n"
    "  depth_sweep --config experiments/configs/quick.ini\n"
    "  depth_sweep --config experiments/configs/fm_depth.ini --dry-run\n"
    "  depth_sweep --depths 1-3 --inits uniform,xavier,dae --seeds 1-2 --data.n_train 5000\n"
    "  mpirun -n 2 depth_sweep --config experiments/configs/quick.ini\n";

// Everything a sweep needs once its options are parsed.
struct Sweep {
  lw::ExperimentConfig cfg;
  lw::ParsedArgs args;
  std::vector<lw::RunSpec> runs;
  std::string shard, blas_kernel, command_line;
  std::filesystem::path dir;
};

// Parses and checks the options. Returns an exit status, or nullopt to go on. Only `talk` prints.
std::optional<int> prepare(int argc, char** argv, Sweep& s, bool talk, bool under_mpi) {
  po::options_description scheme_options = lw::describe_scheme_options(s.cfg.pretrain.options);
  po::options_description sweep_options("Sweep");
  sweep_options.add_options()
      ("shard", po::value(&s.shard),
       "run only part k/n of the grid (runs i with i % n == k), for job arrays without MPI")
      ("blas-kernel", po::value(&s.blas_kernel),
       "OpenBLAS kernel: auto (default; lifts a slow fallback kernel, checked against a reference "
       "product), default (OpenBLAS's own choice) or a core name; also LW_BLAS_KERNEL");
  sweep_options.add(scheme_options);
  static std::ostream silent(nullptr);
  std::ostream& err = talk ? std::cerr : silent;
  try {
    s.args = lw::parse_arguments(argc, argv, s.cfg, sweep_options);
    if (s.args.show_help) {
      if (talk) std::cout << usage << "\n" << s.args.help << "\n";
      return 0;
    }
    if (s.args.list_schemes) {
      if (talk) lw::write_scheme_list(std::cout);
      return 0;
    }
    if (s.args.version) {
      if (talk)
        for (const auto& [k, v] : lw::build_info_fields(lw::build_info()))
          std::cout << k << ": " << v << "\n";
      return 0;
    }
    lw::validate(s.cfg);
    lw::validate_scheme_overrides(s.cfg.pretrain.options);
    s.runs = lw::select_shard(lw::expand_grid(s.cfg), s.shard);
  } catch (const std::exception& e) {
    err << "depth_sweep: " << e.what() << "\n(see depth_sweep --help)\n";
    return 2;
  }
  if (s.cfg.threads == 0 && under_mpi) s.cfg.threads = 1;
  if (s.cfg.threads > 0) lw::set_blas_threads(s.cfg.threads);
  try {
    lw::select_blas_kernel(argc, argv, s.blas_kernel, talk ? &std::cerr : nullptr);
  } catch (const std::exception& e) {
    err << "depth_sweep: --blas-kernel: " << e.what() << "\n";
    return 2;
  }
  s.dir = lw::experiment_dir(s.cfg);
  s.command_line = lw::command_line(argc, argv);
  return std::nullopt;
}

// Rank 0's checks before any run: complete results made with other options, --dry-run.
std::optional<int> check_folder(const Sweep& s) {
  // A complete file is skipped only if it was made with the same options (run_hash); one made
  // with others is an error, never silently reported as this config's result.
  std::vector<std::string> conflicts;
  for (const auto& r : s.runs)
    if (!s.cfg.overwrite && lw::is_complete(s.dir, r.run_id) &&
        lw::read_run_hash(lw::results_path(s.dir, r.run_id)) !=
            lw::run_hash(lw::run_config(s.cfg, r, s.args.effective)))
      conflicts.push_back(lw::results_path(s.dir, r.run_id).string());
  if (!conflicts.empty()) {
    std::cerr << "depth_sweep: " << conflicts.size() << " complete result(s) in "
              << s.dir.string() << "/ were made with other options than these, e.g. "
              << conflicts.front() << "\n(use --overwrite to redo them, or another --experiment)\n";
    return 2;
  }
  if (s.args.dry_run) {
    std::cout << s.runs.size() << " runs; results in " << s.dir.string() << "/\n";
    for (const auto& r : s.runs) {
      const bool done = lw::is_complete(s.dir, r.run_id);
      const bool partial = std::filesystem::exists(lw::partial_path(s.dir, r.run_id));
      std::cout << "  " << lw::results_path(s.dir, r.run_id).string()
                << (done && !s.cfg.overwrite ? "  (complete, skipped)"
                    : partial               ? "  (partial, redone)"
                                            : "")
                << "\n";
    }
    return 0;
  }
  return std::nullopt;
}

// The results folder must take files before hours of training go into the first run: created
// if missing, then a file written and removed. Returns false after printing why.
bool results_folder_writable(const std::filesystem::path& dir) {
  const auto probe = dir / ".depth_sweep-write-test";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec) {
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    bool ok = f != nullptr;
    if (f) {
      ok = std::fputs("ok", f) >= 0;
      ok = std::fclose(f) == 0 && ok;
    }
    if (!ok) ec.assign(errno, std::generic_category());
    std::error_code ignored;
    std::filesystem::remove(probe, ignored);
  }
  if (!ec) return true;
  std::cerr << "depth_sweep: --results: cannot write into " << dir.string() << "/ ("
            << ec.message() << "); expected a folder this user can create files in\n";
  return false;
}

// The runs' records, in grid order; complete runs of an earlier sweep are read back.
struct Records {
  std::vector<std::optional<lw::RunRecord>> by_run;
  std::vector<std::size_t> todo;  // positions in Sweep::runs still to run

  explicit Records(const Sweep& s) : by_run(s.runs.size()) {
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
      const auto& run = s.runs[i];
      if (!s.cfg.overwrite && lw::is_complete(s.dir, run.run_id))
        by_run[i] = lw::RunRecord{run, lw::RunStatus::complete,
                                  lw::read_summary(lw::results_path(s.dir, run.run_id))};
      else
        todo.push_back(i);
    }
  }
  std::vector<lw::RunRecord> list() const {
    std::vector<lw::RunRecord> out;
    for (const auto& r : by_run)
      if (r) out.push_back(*r);
    return out;
  }
};

void print_skipped(const Sweep& s, const Records& records) {
  const std::size_t skipped = s.runs.size() - records.todo.size();
  if (skipped > 0)
    std::cout << "depth_sweep: " << skipped << " of " << s.runs.size()
              << " runs complete, skipped (use --overwrite to redo them)\n";
}

// Writes summary.csv (or summary-shard-k-n.csv) and prints the table.
void write_summary(const Sweep& s, const Records& records) {
  const auto table = lw::summarize(records.list());
  // Shards of one grid share the folder: each writes its own summary (tools/summary merges them).
  std::string csv_name = "summary.csv";
  if (!s.shard.empty()) {
    csv_name = "summary-shard-" + s.shard + ".csv";
    std::replace(csv_name.begin(), csv_name.end(), '/', '-');
  }
  lw::write_summary_csv(s.dir / csv_name, table);
  std::cout << "\n" << lw::format_summary(table) << "summary: " << (s.dir / csv_name).string()
            << "\n";
}

int stop_status() {
  std::cerr << "depth_sweep: stopped by signal; finished runs are kept, rerun to resume\n";
  return 128 + stop_signal.load();
}

int run_serial(Sweep& s) {
  lw::RunWorker worker(s.cfg, s.args.effective, s.command_line, &stop_requested);
  Records records(s);
  // Load the first split now, so bad data options or files fail before any file is written.
  try {
    worker.load(s.runs.front().seed);
  } catch (const std::exception& e) {
    std::cerr << "depth_sweep: " << e.what() << "\n";
    return 2;
  }
  if (!results_folder_writable(s.dir)) return 2;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::cout << "depth_sweep: " << s.runs.size() << " runs -> " << s.dir.string() << "/ | "
            << lw::blas_kernel_note() << ", " << lw::blas_threads() << " BLAS threads\n";
  print_skipped(s, records);
  lw::SweepProgress progress{.runs_total = s.runs.size(),
                             .runs_done = s.runs.size() - records.todo.size(),
                             .epochs_per_run = s.cfg.finetune.epochs};
  try {
    for (const std::size_t i : records.todo) {
      if (stop_requested) break;
      const auto& run = s.runs[i];
      lw::RunOutcome out = worker.run(run, &progress);
      records.by_run[i] = lw::RunRecord{run, out.status, out.summary};
      std::printf("[run %zu/%zu %s] %s\n", progress.runs_done + 1, s.runs.size(),
                  run.run_id.c_str(),
                  lw::describe_outcome(out.status, out.summary, out.message).c_str());
      std::fflush(stdout);
      ++progress.runs_done;
    }
  } catch (const std::exception& e) {
    std::cerr << "depth_sweep: " << e.what() << "\n";
    return 1;
  }
  write_summary(s, records);
  return stop_requested ? stop_status() : 0;
}

#ifdef LW_HAVE_MPI
int run_mpi(Sweep& s, const lw::MpiSession& mpi) {
  const bool master = mpi.rank() == 0;
  lw::RunWorker worker(s.cfg, s.args.effective, s.command_line, &stop_requested);
  std::optional<Records> records;
  int status = 0;
  if (master) {
    records.emplace(s);
    try {
      worker.load(s.runs.front().seed);
    } catch (const std::exception& e) {
      std::cerr << "depth_sweep: " << e.what() << "\n";
      status = 2;
    }
    if (status == 0 && !results_folder_writable(s.dir)) status = 2;
  }
  if (mpi.max_over_ranks(status) != 0) return 2;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (master) {
    std::cout << "depth_sweep: " << s.runs.size() << " runs -> " << s.dir.string() << "/ | "
              << mpi.size() << " MPI ranks, " << lw::blas_kernel_note() << ", "
              << lw::blas_threads() << " BLAS threads each\n";
    print_skipped(s, *records);
    std::fflush(stdout);
  }
  const std::vector<std::size_t> todo = master ? records->todo : std::vector<std::size_t>{};
  // Items are positions in the grid, which every rank expanded the same way.
  const auto started = std::chrono::steady_clock::now();
  std::size_t finished = 0, failed = 0;
  int running = 0;
  lw::DistributeHooks hooks;
  hooks.stop = &stop_requested;
  hooks.run = [&](std::size_t i) {
    lw::RunReport report;
    try {
      lw::RunOutcome out = worker.run(s.runs[i], nullptr);
      report = {out.status, out.summary, out.message};
    } catch (const std::exception& e) {
      report.status = lw::RunStatus::failed;
      report.message = "rank " + std::to_string(mpi.rank()) + ": " + e.what();
    }
    return report;
  };
  auto tag = [&](std::size_t i, int rank) {
    char text[160];
    std::snprintf(text, sizeof text, "[run %zu/%zu %s | rank %d]", i + 1, s.runs.size(),
                  s.runs[i].run_id.c_str(), rank);
    return std::string(text);
  };
  hooks.started = [&](std::size_t i, int rank) {
    ++running;
    std::printf("%s started\n", tag(i, rank).c_str());
    std::fflush(stdout);
  };
  hooks.finished = [&](std::size_t i, int rank, const lw::RunReport& r) {
    --running;
    ++finished;
    records->by_run[i] = lw::RunRecord{s.runs[i], r.status, r.summary};
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::size_t left = todo.size() - finished;
    std::printf("%s %s | %zu/%zu done, %d running, ETA %s\n", tag(i, rank).c_str(),
                lw::describe_outcome(r.status, r.summary, r.message).c_str(),
                s.runs.size() - left, s.runs.size(), running,
                lw::format_duration(elapsed / static_cast<double>(finished) *
                                    static_cast<double>(left))
                    .c_str());
    std::fflush(stdout);
    if (r.status == lw::RunStatus::interrupted && !stop_requested) {
      stop_signal = SIGTERM;  // a rank was stopped: so is the sweep
      stop_requested = true;
    }
    if (r.status == lw::RunStatus::failed) {
      std::cerr << "depth_sweep: " << r.message << "\n";
      ++failed;
      stop_requested = true;
    }
  };
  lw::distribute_runs(mpi, todo, hooks);
  if (!master) return 0;
  write_summary(s, *records);
  if (failed > 0) return 1;
  return stop_requested ? stop_status() : 0;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  const int launcher_rank = lw::launcher_rank();  // -1: not started by an MPI launcher
  const bool under_mpi = launcher_rank >= 0, talk = launcher_rank <= 0;
#ifndef LW_HAVE_MPI
  if (under_mpi) {
    if (talk)
      std::cerr << "depth_sweep: started by an MPI launcher, but built without MPI (install "
                   "libopenmpi-dev and rebuild), or run shards with --shard k/n instead\n";
    return 2;
  }
#endif
  Sweep s;
  // Options and the BLAS kernel (which may re-execute the process) come before MPI_Init.
  if (auto status = prepare(argc, argv, s, talk, under_mpi)) return *status;
#ifdef LW_HAVE_MPI
  if (under_mpi) {
    lw::MpiSession mpi(argc, argv);
    int status = -1;  // go on
    if (mpi.rank() == 0) status = check_folder(s).value_or(-1);
    status = mpi.max_over_ranks(status);
    if (status >= 0) return status;
    return run_mpi(s, mpi);
  }
#endif
  if (auto status = check_folder(s)) return *status;
  return run_serial(s);
}
