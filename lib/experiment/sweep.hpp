#pragma once
// A sweep: every run of a grid into its own results file, resumable (the library behind
// experiments/depth_sweep.cpp; the MPI distribution is experiment/mpi_sweep.hpp).
//   prepare_sweep    options -> SweepPlan (checked; BLAS threads and kernel set)
//   check_folder     complete results made with other options are refused; --dry-run lists
//   adopt_legacy     complete files of an earlier version under a short run id get their
//                    canonical name, when made with the same options (same run_hash)
//   set_aside_unreadable  a <run_id>.h5 that is no readable complete result is renamed
//                    <run_id>.h5.unreadable (never deleted) and the run is redone
//   prune_stacks     --prune-stacks: stored stacks (stack_store.hpp) no run of the grid uses go
//   run_serial       the runs still to do, one at a time; then the summary table and csv
// A run is skipped when <results>/<experiment>/<run_id>.h5 is complete and its run_hash matches.
// Exit statuses: 0 done, 1 a run failed (an exception), 2 bad options, data or folder,
// 128 + signal when stopped by SIGINT/SIGTERM/SIGHUP (finished runs are kept).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "layerwise/experiment/config.hpp"
#include "layerwise/experiment/grid.hpp"
#include "layerwise/experiment/run.hpp"
#include "layerwise/experiment/stack_store.hpp"

namespace lw {

// Everything a sweep needs once its options are parsed.
struct SweepPlan {
  ExperimentConfig cfg;
  ParsedArgs args;
  std::vector<RunSpec> runs;  // the grid (or this shard of it), in grid order
  std::vector<Axis> axes;     // the other axes (axes.hpp resolve_axes)
  std::string shard, blas_kernel, command_line;
  bool prune_stacks = false;  // --prune-stacks
  int jobs = 0;               // --jobs; prepare_sweep resolves 0 to the cores (1 under MPI)
  std::string program = "depth_sweep";  // names the messages
  std::filesystem::path dir;  // <results>/<experiment>
};

// A stop request and the signal that made it (the driver's signal handler sets both). `arm`
// installs that handler; the sweep calls it once its checks passed and the runs are about to
// start, so a signal before then (a dry run, a slow data load) ends the process as usual.
struct StopFlag {
  std::atomic<bool> requested{false};
  std::atomic<int> signal{0};
  void (*arm)() = nullptr;
};

// The process's stop flag: once armed (its `arm`, called by the sweep), SIGINT, SIGTERM and
// SIGHUP set it.
StopFlag& signal_stop_flag();

// depth_sweep's usage lines for --help (and any sweep program made with sweep_main.hpp).
std::string sweep_usage(const std::string& program);

// Parses and checks the options into plan; sets the BLAS threads (1 per rank under MPI unless
// --threads says otherwise) and kernel. Returns an exit status (0 after --help, --version,
// --list-schemes; 2 for bad options, printed on err as "<program>: <message>"), or nullopt to go
// on. Only `talk` prints (MPI ranks other than 0 stay silent).
std::optional<int> prepare_sweep(int argc, char** argv, SweepPlan& plan, bool talk,
                                 bool under_mpi, const std::string& usage);

// Rank 0's checks before any run: complete results made with other options (exit 2), and
// --dry-run's listing (exit 0). nullopt: go on.
std::optional<int> check_folder(const SweepPlan& plan);

// Renames each complete <legacy_run_id>.h5 (grid.hpp legacy_run_ids) whose run_hash matches the
// run's (any, with --overwrite: it is redone) to its canonical <run_id>.h5, run_id attribute
// first, unless that exists; a legacy .partial becomes the canonical partial (redone as any).
// Returns the number of complete files renamed. check_folder refuses complete legacy files made
// with other options, as it refuses canonical ones.
std::size_t adopt_legacy(const SweepPlan& plan);

// Why <run_id>.h5 of this run cannot be trusted as a complete result ("0 bytes", "not an HDF5
// results file", "no readable /summary: ...", "a directory", ...), or nullopt when it can or
// there is none. Only a complete run has that name (io/results.hpp), so such a file is damage.
std::optional<std::string> unreadable_result(const SweepPlan& plan, const RunSpec& run);
// Renames each such file to <run_id>.h5.unreadable (.unreadable-2, ... if taken), saying so on
// stderr with the reason; the run is then redone. Returns the number of files set aside.
std::size_t set_aside_unreadable(const SweepPlan& plan);

// <dir>/sweep_plan.csv (sweep_plan-shard-k-n.csv for shard k/n): a header `run_id`, then the
// sweep's runs in grid order, rewritten (atomically) when a sweep starts, so that a reader of the
// folder (tools/analysis/report) knows how many runs are to come. Throws naming the file.
void write_sweep_plan(const SweepPlan& plan);

// The results folder (plan.dir) must take files before hours of training go into the first run:
// created if missing, then a file written and removed. Returns false after printing why.
bool results_folder_writable(const SweepPlan& plan);

// The stored stacks (experiment/stack_store.hpp) the grid's pretrained runs use (only_to_do: those
// not complete in the folder, or all with --overwrite), one per key, in grid order; empty with
// --pretrain.reuse=false.
struct StackUse {
  StackHeader header;
  std::string label;      // "dae sigmoid w500 s01", then its scheme axes: " corruption=0.1"
  long depth = 0;         // layers of the grid's deepest run on it
  long layers_alone = 0;  // layers its runs pretrain without reuse: the sum of their depths
};
std::vector<StackUse> stack_uses(const SweepPlan& plan, bool only_to_do = false);
// Stack files (and leftover .partial files) in <dir>/stacks/ that no run of the grid uses, and
// those set aside as .unreadable.
std::vector<std::filesystem::path> unused_stacks(const SweepPlan& plan);
// Removes the unused stacks no process holds (--prune-stacks), saying so; returns how many.
std::size_t prune_stacks(const SweepPlan& plan);
// The stack key of run i when it reads and writes a stored stack, else "" (for the MPI scheduler,
// which hands out runs of a stack another rank is training only when nothing else is left).
std::string stack_key_of(const SweepPlan& plan, std::size_t i);

// The runs' outcomes, in grid order; complete runs of an earlier sweep are read back.
struct SweepRecords {
  std::vector<std::optional<RunOutcome>> by_run;
  std::vector<std::size_t> todo;  // positions in SweepPlan::runs still to run

  explicit SweepRecords(const SweepPlan& plan);
  // Reads back the runs not complete here that are complete in the folder now (done by another
  // process sharing it), so the summary shows them.
  void refresh(const SweepPlan& plan);
};

void print_skipped(const SweepPlan& plan, const SweepRecords& records);
// Prints the table and writes summary.csv (or summary-shard-k-n.csv) atomically. Returns false,
// after saying why, when the file could not be written (the old one is then unchanged).
bool write_sweep_summary(const SweepPlan& plan, const SweepRecords& records);
// "depth_sweep: stopped by signal; ..." and the exit status 128 + signal.
int stop_status(const SweepPlan& plan, const StopFlag& stop);

// What a sweep in one process does before its first run: the first split loaded (bad data or
// files: 2), the results folder checked writable (2), the stop handler armed, legacy run ids
// adopted, damaged files set aside, --prune-stacks. nullopt: go on.
class RunWorker;
std::optional<int> begin_sweep(const SweepPlan& plan, RunWorker& worker, StopFlag& stop);

// The serial sweep: the runs still to do, one at a time, with console progress.
int run_serial(const SweepPlan& plan, StopFlag& stop);

// The progress lines of runs made side by side (MPI ranks, --jobs processes), printed by the one
// process that hands them out: "[run 7/60 <run_id> | rank 3] started", then "... complete: test
// error 12.03%, 14 epochs, 180.2 s | 31/60 done, 8 running, ETA 0:41:10". finished() records the
// outcome; a failed run (said on stderr) or an interrupted one stops the sweep.
class ParallelProgress {
 public:
  ParallelProgress(const SweepPlan& plan, SweepRecords& records, StopFlag& stop, std::string worker);
  void started(std::size_t run, int worker);
  void finished(std::size_t run, int worker, const RunOutcome& outcome);
  std::size_t failed() const { return failed_; }

 private:
  std::string tag(std::size_t run, int worker) const;
  const SweepPlan& plan_;
  SweepRecords& records_;
  StopFlag& stop_;
  std::string worker_;  // "rank", "job"
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::size_t todo_, finished_ = 0, failed_ = 0;
  int running_ = 0;
};

}  // namespace lw
