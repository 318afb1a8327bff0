#include "layerwise/experiment/sweep.hpp"

#include <algorithm>
#include <csignal>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/core/build_info.hpp"
#include "layerwise/core/isolated.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/experiment/axes.hpp"
#include "layerwise/experiment/job_sweep.hpp"
#include "layerwise/experiment/summary.hpp"
#include "layerwise/experiment/worker.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/io/run_lock.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace po = boost::program_options;

namespace lw {

namespace {

StopFlag the_stop_flag;

extern "C" void on_stop_signal(int sig) {
  the_stop_flag.signal = sig;
  the_stop_flag.requested = true;
}

void catch_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  // A closed terminal or ssh session, unless SIGHUP is ignored (nohup): then it stays ignored.
  struct sigaction old {};
  if (sigaction(SIGHUP, nullptr, &old) == 0 && old.sa_handler != SIG_IGN)
    std::signal(SIGHUP, on_stop_signal);
}

}  // namespace

StopFlag& signal_stop_flag() {
  the_stop_flag.arm = catch_stop_signals;
  return the_stop_flag;
}

std::string sweep_usage(const std::string& p) {
  return cat(
      "Usage: ", p, " [--config FILE] [options]\n"
      "       mpirun -n N ", p, " [--config FILE] [options]\n"
      "Trains every run of the grid depths x inits x activations x widths x the other axes\n"
      "(--grid, --search) x seeds and writes one HDF5 results file per run under\n"
      "<results>/<experiment>/<run_id>.h5, then a summary table: with searched axes, for each\n"
      "group of compared values the setting of lowest mean validation error (model selection).\n"
      "Run ids name every axis: d3-sigmoid-w500-xavier-s02-ft_learning_rate_0.1. A rerun skips\n"
      "complete runs.\n"
      "Under mpirun (or srun) rank 0 hands the runs out to idle ranks, each with 1 BLAS thread\n"
      "unless --threads says otherwise; the results folder must be shared by the ranks.\n"
      "Examples:\n"
      "  ", p, " --config experiments/configs/quick.ini\n"
      "  ", p, " --config experiments/configs/fm_depth.ini --dry-run\n"
      "  ", p, " --depths 1-3 --inits uniform,xavier,dae --seeds 1-2 --data.n_train 5000\n"
      "  ", p, " --config experiments/configs/quick.ini --search finetune.learning_rate=0.03,0.1,0.3\n"
      "  mpirun -n 2 ", p, " --config experiments/configs/quick.ini\n");
}

std::optional<int> prepare_sweep(int argc, char** argv, SweepPlan& s, bool talk, bool under_mpi,
                                 const std::string& usage) {
  po::options_description scheme_options = describe_scheme_options(s.cfg.pretrain.options);
  OptionTable sweep_options("Sweep");
  sweep_options
      .add("shard", s.shard,
           "run only part k/n of the grid (runs i with i % n == k), for job arrays without MPI")
      .add("blas-kernel", s.blas_kernel,
           "OpenBLAS kernel: auto (default; lifts a slow fallback kernel, checked against a "
           "reference product), default (OpenBLAS's own choice) or a core name; also "
           "LW_BLAS_KERNEL")
      .add("jobs", s.jobs,
           "runs at once on this machine, each in its own process with one BLAS thread unless "
           "--threads says otherwise; 0 (default): one per core (1 under MPI: start more ranks)")
      .flag("prune-stacks", s.prune_stacks,
            "remove the stored stacks (<experiment>/stacks/) that no run of this grid uses, then "
            "run; with --dry-run, list them only. Not with --shard (the other shards' runs use them)");
  static std::ostream silent(nullptr);
  std::ostream& err = talk ? std::cerr : silent;
  try {
    s.args = parse_arguments(argc, argv, s.cfg, sweep_options, scheme_options);
    if (s.args.show_help) {
      if (talk) std::cout << usage << "\n" << s.args.help << "\n";
      return 0;
    }
    if (s.args.list_schemes) {
      if (talk) write_scheme_list(std::cout);
      return 0;
    }
    if (s.args.version) {
      if (talk)
        for (const auto& [k, v] : build_info_fields(build_info())) std::cout << k << ": " << v << "\n";
      return 0;
    }
    // An action, not a setting: not recorded in the files.
    std::erase_if(s.args.effective,
                  [](const ConfigEntry& e) { return e.key == "prune-stacks" || e.key == "jobs"; });
    require(s.jobs >= 0, cat("--jobs: ", s.jobs, " is not a number of jobs (0: one per core)"));
    require(!under_mpi || s.jobs <= 1,
            cat("--jobs ", s.jobs, " under MPI: each rank runs one run at a time; start more ranks instead"));
    require(!s.prune_stacks || s.shard.empty(),
            "--prune-stacks with --shard " + s.shard +
                ": a shard knows only its own runs and would remove the stacks of the others");
    validate(s.cfg);
    validate_scheme_overrides(s.cfg.pretrain.options);
    s.axes = resolve_axes(s.cfg);
    for (auto& e : axis_entries(s.axes)) s.args.effective.push_back(std::move(e));
    s.runs = select_shard(expand_grid(s.cfg), s.shard);
    if (s.runs.empty()) {  // more shards than runs: this one has nothing to do
      if (talk) std::cout << s.program << ": --shard " << s.shard << ": no runs in this shard\n";
      return 0;
    }
  } catch (const std::exception& e) {
    err << s.program << ": " << e.what() << "\n(see " << s.program << " --help)\n";
    return 2;
  }
  if (under_mpi) s.jobs = 1;
  else if (s.jobs == 0) s.jobs = usable_cores();
  if (s.cfg.threads == 0 && (under_mpi || s.jobs > 1)) {
    s.cfg.threads = 1;  // and /config says so (threads is not in run_hash)
    for (auto& e : s.args.effective)
      if (e.key == "threads") e.value = std::int64_t{1};
  }
  if (s.cfg.threads > 0) set_blas_threads(s.cfg.threads);
  try {
    select_blas_kernel(argc, argv, s.blas_kernel, talk ? &std::cerr : nullptr);
  } catch (const std::exception& e) {
    err << s.program << ": --blas-kernel: " << e.what() << "\n";
    return 2;
  }
  s.dir = experiment_dir(s.cfg);
  s.command_line = lw::command_line(argc, argv);
  return std::nullopt;
}

namespace {
void print_stacks(const SweepPlan& s);
// A complete file is read in well under a second; a minute without an answer is a hang
// (LW_READ_TIMEOUT=<seconds> changes it, as for tools/analysis).
double judge_timeout_s() { return read_timeout_s(60); }

// Why `file`, found where a complete result belongs, cannot be trusted, or nullopt (also when
// there is none). See unreadable_result.
std::optional<std::string> why_unreadable(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(file, ec);
  if (ec || !std::filesystem::exists(status)) return std::nullopt;
  if (std::filesystem::is_directory(status)) return "a directory";
  if (!std::filesystem::is_regular_file(status)) return "not a regular file";
  if (std::filesystem::file_size(file, ec) == 0) return "0 bytes";
  // Everything a rerun reads of a complete file (is_complete, read_run_hash, read_summary), read
  // first in a child process: a corrupt file can crash or hang HDF5 (core/isolated.hpp). A file
  // that passes is then read here the same way, safely.
  const Isolated judged = run_isolated(
      [&]() -> std::string {
        const auto run_status = read_status(file);
        if (!run_status) return "not a readable HDF5 results file (truncated or overwritten?)";
        if (*run_status != "complete") return cat("status '", *run_status, "', not complete");
        (void)read_run_hash(file);
        try {
          read_summary(file);
        } catch (const std::exception& e) {
          return cat("no readable /summary: ", e.what());
        }
        return "";
      },
      judge_timeout_s());
  switch (judged.outcome) {
    case Isolated::Outcome::returned:
      if (judged.text.empty()) return std::nullopt;
      return judged.text;
    case Isolated::Outcome::threw: return cat("cannot be read: ", judged.text);
    case Isolated::Outcome::crashed: return cat("corrupt: HDF5 crashed reading it (", judged.text, ")");
    case Isolated::Outcome::hung:
      return cat("corrupt, or on a very slow disk: HDF5 gave no answer in ", judge_timeout_s(),
                 " s reading it (LW_READ_TIMEOUT=<seconds> waits longer)");
  }
  return std::nullopt;
}

}  // namespace

namespace {

std::string hash_of(const SweepPlan& s, const RunSpec& run) {
  return run_hash(run_config(s.cfg, run, s.args.effective));
}

// The complete files of this run under an earlier version's ids (grid.hpp legacy_run_ids), judged
// by their run_hash against `hash`, this run's.
struct LegacyFiles {
  // The one to adopt: made with these options (or any, with --overwrite: the run is redone into
  // it), and no canonical file in the way.
  std::optional<std::filesystem::path> adoptable;
  // One made with other options: a conflict, as a canonical one would be.
  std::optional<std::filesystem::path> conflict;
};

LegacyFiles legacy_files(const SweepPlan& s, const RunSpec& run, const std::string& hash) {
  LegacyFiles found;
  const bool canonical_exists = std::filesystem::exists(results_path(s.dir, run.run_id));
  for (const auto& id : legacy_run_ids(run, s.axes)) {
    // A damaged one is never read here (it may crash HDF5), nor adopted: the run is redone.
    if (!std::filesystem::exists(results_path(s.dir, id)) || why_unreadable(results_path(s.dir, id))) continue;
    if (!is_complete(s.dir, id)) continue;
    const bool same = read_run_hash(results_path(s.dir, id)) == hash;
    // A run of other axes has no file of its own under an older id: it may be any setting's.
    if (!same && run.values.empty() && !found.conflict) found.conflict = results_path(s.dir, id);
    if ((same || s.cfg.overwrite) && !canonical_exists && !found.adoptable)
      found.adoptable = results_path(s.dir, id);
  }
  return found;
}

}  // namespace

std::optional<int> check_folder(const SweepPlan& s) {
  // A complete file is skipped only if it was made with the same options (run_hash); one made
  // with others is an error, never silently reported as this config's result.
  std::vector<std::string> conflicts;
  for (const auto& r : s.runs) {
    if (s.cfg.overwrite) break;
    const std::string hash = hash_of(s, r);
    if (unreadable_result(s, r)) continue;  // set aside and redone; never read here (it may crash HDF5)
    if (is_complete(s.dir, r.run_id) && read_run_hash(results_path(s.dir, r.run_id)) != hash)
      conflicts.push_back(results_path(s.dir, r.run_id).string());
    else if (const auto old = legacy_files(s, r, hash).conflict)
      conflicts.push_back(old->string());
  }
  if (!conflicts.empty()) {
    std::cerr << s.program << ": " << conflicts.size() << " complete result(s) in "
              << s.dir.string() << "/ were made with other options than these, e.g. "
              << conflicts.front() << "\n(use --overwrite to redo them, or another --experiment)\n";
    return 2;
  }
  if (s.args.dry_run) {
    std::cout << s.runs.size() << " runs; results in " << s.dir.string() << "/\n";
    for (const auto& r : s.runs) {
      std::string what;
      if (const auto why = unreadable_result(s, r))
        what = "  (unreadable: " + *why + "; set aside and redone)";
      else if (is_complete(s.dir, r.run_id))
        what = s.cfg.overwrite ? "" : "  (complete, skipped)";
      else if (const auto legacy = legacy_files(s, r, hash_of(s, r)).adoptable)
        what = "  (complete as " + legacy->filename().string() +
               (s.cfg.overwrite ? ", renamed and redone)" : ", renamed and skipped)");
      else if (std::filesystem::exists(partial_path(s.dir, r.run_id)))
        what = "  (partial, redone)";
      std::cout << "  " << results_path(s.dir, r.run_id).string() << what << "\n";
    }
    print_stacks(s);
    return 0;
  }
  return std::nullopt;
}

std::size_t adopt_legacy(const SweepPlan& s) {
  std::size_t adopted = 0;
  std::string example;
  for (const auto& run : s.runs) {
    // A legacy .partial is redone like any partial: it becomes the canonical one.
    for (const auto& id : legacy_run_ids(run, s.axes))
      if (std::filesystem::exists(partial_path(s.dir, id)) &&
          !std::filesystem::exists(partial_path(s.dir, run.run_id)))
        std::filesystem::rename(partial_path(s.dir, id), partial_path(s.dir, run.run_id));
    const auto old = legacy_files(s, run, hash_of(s, run)).adoptable;
    if (!old) continue;
    const auto target = results_path(s.dir, run.run_id);
    h5::write_attr(h5::open_file(*old, true), "run_id", run.run_id);  // then the name: redoable
    std::filesystem::rename(*old, target);
    if (adopted++ == 0) example = old->filename().string() + " -> " + target.filename().string();
  }
  if (adopted > 0)
    std::cout << s.program << ": " << adopted << " complete run(s) made with these options under "
              << "an earlier version's run id renamed to their canonical id, e.g. " << example
              << "\n";
  return adopted;
}

std::optional<std::string> unreadable_result(const SweepPlan& s, const RunSpec& run) {
  return why_unreadable(results_path(s.dir, run.run_id));
}

std::size_t set_aside_unreadable(const SweepPlan& s) {
  std::size_t moved = 0;
  for (const auto& run : s.runs) {
    const auto why = unreadable_result(s, run);
    if (!why) continue;
    const auto file = results_path(s.dir, run.run_id);
    auto aside = std::filesystem::path(file.string() + ".unreadable");
    for (int n = 2; std::filesystem::exists(aside) || std::filesystem::is_symlink(aside); ++n)
      aside = file.string() + ".unreadable-" + std::to_string(n);
    std::error_code ec;
    std::filesystem::rename(file, aside, ec);
    if (ec == std::errc::no_such_file_or_directory) continue;  // another sweep set it aside first
    if (ec) throw std::filesystem::filesystem_error("cannot set aside an unreadable result", file, aside, ec);
    std::cerr << s.program << ": " << file.string() << " is not a readable complete result (" << *why
              << "): moved aside to " << aside.filename().string() << "; the run is redone\n";
    ++moved;
  }
  return moved;
}

bool results_folder_writable(const SweepPlan& s) {
  const std::filesystem::path& dir = s.dir;
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
  std::cerr << s.program << ": --results: cannot write into " << dir.string() << "/ ("
            << ec.message() << "); expected a folder this user can create files in\n";
  return false;
}

SweepRecords::SweepRecords(const SweepPlan& s) : by_run(s.runs.size()) {
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    const auto& run = s.runs[i];
    const auto file = results_path(s.dir, run.run_id);
    if (!s.cfg.overwrite && is_complete(s.dir, run.run_id))
      by_run[i] = RunOutcome{.status = RunStatus::complete, .summary = read_summary(file),
                             .message = {}, .file = file};
    else
      todo.push_back(i);
  }
}

void SweepRecords::refresh(const SweepPlan& s) {
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    if (by_run[i] && by_run[i]->status == RunStatus::complete) continue;
    const auto& run = s.runs[i];
    // Only a result made with these options: never one of another configuration.
    if (!is_complete(s.dir, run.run_id) || read_run_hash(results_path(s.dir, run.run_id)) != hash_of(s, run))
      continue;
    try {
      const auto file = results_path(s.dir, run.run_id);
      by_run[i] = RunOutcome{.status = RunStatus::complete, .summary = read_summary(file),
                             .message = "by another process", .file = file};
    } catch (const std::exception&) {  // being replaced right now: left as it was
    }
  }
}

ParallelProgress::ParallelProgress(const SweepPlan& plan, SweepRecords& records, StopFlag& stop,
                                   std::string worker)
    : plan_(plan), records_(records), stop_(stop), worker_(std::move(worker)), todo_(records.todo.size()) {}

std::string ParallelProgress::tag(std::size_t i, int worker) const {
  char text[200];
  std::snprintf(text, sizeof text, "[run %zu/%zu %s | %s %d]", i + 1, plan_.runs.size(),
                plan_.runs[i].run_id.c_str(), worker_.c_str(), worker);
  return text;
}

void ParallelProgress::started(std::size_t i, int worker) {
  ++running_;
  std::printf("%s started\n", tag(i, worker).c_str());
  std::fflush(stdout);
}

void ParallelProgress::finished(std::size_t i, int worker, const RunOutcome& r) {
  --running_;
  ++finished_;
  records_.by_run[i] = r;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::size_t left = todo_ - finished_;
  std::printf("%s %s | %zu/%zu done, %d running, ETA %s\n", tag(i, worker).c_str(),
              describe_outcome(r).c_str(), plan_.runs.size() - left, plan_.runs.size(), running_,
              format_duration(elapsed / static_cast<double>(finished_) * static_cast<double>(left)).c_str());
  std::fflush(stdout);
  if (r.status == RunStatus::interrupted && !stop_.requested) {
    stop_.signal = SIGTERM;  // a worker was stopped: so is the sweep
    stop_.requested = true;
  }
  if (r.status == RunStatus::failed) {
    std::cerr << plan_.program << ": " << r.message << "\n";
    ++failed_;
    stop_.requested = true;
  }
}

std::string stack_key_of(const SweepPlan& s, std::size_t i) {
  const RunSpec& run = s.runs.at(i);
  if (!run.pretrained || !s.cfg.pretrain.reuse) return "";
  return stack_header(run_config(s.cfg, run, s.args.effective)).key;
}

std::vector<StackUse> stack_uses(const SweepPlan& s, bool only_to_do) {
  std::vector<StackUse> out;
  if (!s.cfg.pretrain.reuse) return out;
  for (const auto& run : s.runs) {
    if (!run.pretrained) continue;
    if (only_to_do && !s.cfg.overwrite && is_complete(s.dir, run.run_id)) continue;
    const StackHeader h = stack_header(run_config(s.cfg, run, s.args.effective));
    auto use = std::find_if(out.begin(), out.end(), [&](const StackUse& u) { return u.header.key == h.key; });
    if (use == out.end()) {
      char seed[16];
      std::snprintf(seed, sizeof seed, "s%02llu", static_cast<unsigned long long>(run.seed));
      std::string label = cat(run.arm, " ", run.activation, " w", run.width, " ", seed);
      for (const auto& [key, value] : run.values)  // the scheme's own axes: they decide the stack
        if (key.rfind(cat("pretrain.", run.arm, "."), 0) == 0)
          label += cat(" ", key.substr(run.arm.size() + 10), "=", value);
      out.push_back({h, label});
      use = out.end() - 1;
    }
    use->depth = std::max(use->depth, run.depth);
    use->layers_alone += run.depth;
  }
  return out;
}

std::vector<std::filesystem::path> unused_stacks(const SweepPlan& s) {
  std::vector<std::filesystem::path> out;
  const auto dir = stacks_dir(s.dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::string> used;
  for (const auto& u : stack_uses(s)) used.push_back(u.header.key);
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto dot = name.find('.');
    if (name.empty() || name[0] == '.' || dot == std::string::npos) continue;  // .run_locks
    const std::string rest = name.substr(dot);
    if (rest == ".h5.unreadable") {  // set aside: never used again
      out.push_back(entry.path());
      continue;
    }
    if (rest != ".h5" && rest != ".h5.partial") continue;
    if (std::find(used.begin(), used.end(), name.substr(0, dot)) == used.end())
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t prune_stacks(const SweepPlan& s) {
  std::size_t removed = 0;
  for (const auto& f : unused_stacks(s)) {
    const std::string name = f.filename().string();
    const auto lock = RunLock::try_take(f.parent_path(), name.substr(0, name.find('.')));
    if (!lock) continue;  // another process is writing it
    std::error_code ec;
    if (std::filesystem::remove(f, ec)) ++removed;
  }
  std::cout << s.program << ": --prune-stacks: removed " << removed
            << " stored stack file(s) no run of this grid uses from " << stacks_dir(s.dir).string() << "/\n";
  return removed;
}

namespace {

// --dry-run's account of the stored stacks, for the runs still to do.
void print_stacks(const SweepPlan& s) {
  long alone = 0;
  for (const auto& r : s.runs)
    if (r.pretrained && (s.cfg.overwrite || !is_complete(s.dir, r.run_id))) alone += r.depth;
  if (!s.cfg.pretrain.reuse) {
    if (alone > 0)
      std::cout << "pretraining: " << alone << " layers (--pretrain.reuse=false: every run trains its own)\n";
    return;
  }
  const auto uses = stack_uses(s, true);
  std::ostringstream lines;
  long to_train = 0, reused = 0;
  for (const auto& u : uses) {
    const auto file = s.dir / stack_file_name(u.header.key);
    std::string why;
    const long stored = usable_stack_layers(file, u.header, s.cfg.precision, &why);
    const long have = std::max(0L, stored);
    const long train = std::max(0L, u.depth - have);
    to_train += train;
    reused += u.layers_alone - train;
    lines << "  " << file.string() << "  " << u.label << ": " << u.depth << " layer(s) needed, ";
    if (stored < 0) lines << "damaged (" << why << "), all retrained\n";
    else if (stored == 0) lines << "none stored, " << train << " to train\n";
    else lines << have << " stored" << (train > 0 ? cat(", ", train, " to train") : std::string()) << "\n";
  }
  if (alone > 0)
    std::cout << "pretraining: " << uses.size() << " stored stack(s) in " << stacks_dir(s.dir).string()
            << "/; " << to_train << " layer(s) to train, " << reused << " read from stacks ("
            << alone << " layer pretrainings without reuse)\n"
            << lines.str();
  const auto unused = unused_stacks(s);
  if (!unused.empty()) {
    std::cout << unused.size() << " stored stack file(s) no run of this grid uses"
              << (s.prune_stacks ? " (--prune-stacks would remove them):\n" : " (--prune-stacks removes them):\n");
    for (const auto& f : unused) std::cout << "  " << f.string() << "\n";
  }
}

}  // namespace

void print_skipped(const SweepPlan& s, const SweepRecords& records) {
  const std::size_t skipped = s.runs.size() - records.todo.size();
  if (skipped > 0)
    std::cout << s.program << ": " << skipped << " of " << s.runs.size()
              << " runs complete, skipped (use --overwrite to redo them)\n";
}

bool write_sweep_summary(const SweepPlan& s, const SweepRecords& records) {
  const auto& axes = s.axes;
  const auto table = summarize(s.runs, records.by_run, axes);
  const bool selection = std::any_of(axes.begin(), axes.end(), [](const Axis& a) { return a.searched; });
  // Shards of one grid share the folder: each writes its own summary (tools/analysis/summary
  // merges them).
  std::string csv_name = "summary.csv";
  if (!s.shard.empty()) {
    csv_name = "summary-shard-" + s.shard + ".csv";
    std::replace(csv_name.begin(), csv_name.end(), '/', '-');
  }
  std::cout << "\n" << format_summary(table, selection);
  if (selection)
    std::cout << "model selection: in each group, the setting of the searched axes with the lowest mean "
                 "validation error over its seeds (every setting: "
              << csv_name << ", tools/analysis/summary)\n";
  try {
    write_summary_csv(s.dir / csv_name, table);
  } catch (const std::exception& e) {
    std::cerr << s.program << ": " << e.what() << "\n";
    return false;
  }
  std::cout << "summary: " << (s.dir / csv_name).string() << "\n";
  return true;
}

int stop_status(const SweepPlan& s, const StopFlag& stop) {
  std::cerr << s.program << ": stopped by signal; finished runs are kept, rerun to resume\n";
  return 128 + stop.signal.load();
}

void write_sweep_plan(const SweepPlan& s) {
  std::string name = "sweep_plan.csv";
  if (!s.shard.empty()) {
    name = "sweep_plan-shard-" + s.shard + ".csv";
    std::replace(name.begin(), name.end(), '/', '-');
  }
  const std::filesystem::path path = s.dir / name, tmp = s.dir / ("." + name + ".tmp");
  {
    std::ofstream out(tmp);
    out << "run_id\n";
    for (const RunSpec& r : s.runs) out << r.run_id << "\n";
    require_io(static_cast<bool>(out.flush()), cat("cannot write ", tmp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  require_io(!ec, cat("cannot rename ", tmp.string(), " to ", path.string(), ": ", ec.message()));
}

std::optional<int> begin_sweep(const SweepPlan& s, RunWorker& worker, StopFlag& stop) {
  // Load the first split now, so bad data options or files fail before any file is written.
  try {
    worker.check(s.runs);
  } catch (const std::exception& e) {
    std::cerr << s.program << ": " << e.what() << "\n";
    return 2;
  }
  if (!results_folder_writable(s)) return 2;
  if (stop.arm) stop.arm();
  try {
    adopt_legacy(s);
    set_aside_unreadable(s);
    write_sweep_plan(s);
    if (s.prune_stacks) prune_stacks(s);
  } catch (const std::exception& e) {
    std::cerr << s.program << ": " << e.what() << "\n";
    return 2;
  }
  return std::nullopt;
}

int run_serial(const SweepPlan& s, StopFlag& stop) {
  RunWorker worker(s.cfg, s.args.effective, s.command_line, &stop.requested);
  if (const auto status = begin_sweep(s, worker, stop)) return *status;
  SweepRecords records(s);
  std::cout << s.program << ": " << s.runs.size() << " runs -> " << s.dir.string() << "/ | "
            << blas_kernel_note() << ", " << blas_threads() << " BLAS threads\n";
  print_skipped(s, records);
  SweepProgress progress{.runs_total = s.runs.size(),
                         .runs_done = s.runs.size() - records.todo.size(),
                         .epochs_per_run = s.cfg.finetune.train.epochs};
  try {
    for (const std::size_t i : records.todo) {
      if (stop.requested) break;
      const auto& run = s.runs[i];
      RunOutcome out = worker.run(run, &progress);
      std::printf("[run %zu/%zu %s] %s\n", progress.runs_done + 1, s.runs.size(),
                  run.run_id.c_str(), describe_outcome(out).c_str());
      std::fflush(stdout);
      records.by_run[i] = std::move(out);
      ++progress.runs_done;
    }
  } catch (const std::exception& e) {
    std::cerr << s.program << ": " << e.what() << "\n";
    return 1;
  }
  records.refresh(s);
  if (!write_sweep_summary(s, records)) return 1;
  return stop.requested ? stop_status(s, stop) : 0;
}

}  // namespace lw
