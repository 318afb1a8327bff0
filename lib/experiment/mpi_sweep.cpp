#include "layerwise/experiment/mpi_sweep.hpp"

#include <mpi.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <algorithm>
#include <thread>
#include <iostream>
#include <vector>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/experiment/sweep.hpp"
#include "layerwise/experiment/worker.hpp"
#include "layerwise/instrument/console.hpp"

namespace lw {
namespace {

constexpr int kReport = 1, kAssign = 2;

void check_mpi(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw std::runtime_error(std::string(what) + ": " + std::string(text, len));
}

template <class V>
void put(std::vector<char>& out, V v) {
  const auto* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

template <class V>
V take_value(const std::vector<char>& in, std::size_t& at) {
  V v{};
  if (at + sizeof v > in.size()) throw std::runtime_error("distribute_runs: truncated report");
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

// [index (-1: none)] [status] [summary fields] [message bytes]
std::vector<char> pack(std::int64_t index, const RunOutcome& r) {
  std::vector<char> out;
  put(out, index);
  put(out, static_cast<std::int32_t>(r.status));
  put(out, r.summary.best_epoch);
  put(out, r.summary.best_valid_error);
  put(out, r.summary.test_error);
  put(out, r.summary.epochs_run);
  put(out, static_cast<std::int32_t>(r.summary.stopped_early));
  put(out, r.summary.total_wall_time_s);
  out.insert(out.end(), r.message.begin(), r.message.end());
  return out;
}

std::int64_t unpack(const std::vector<char>& in, RunOutcome& r) {
  std::size_t at = 0;
  const auto index = take_value<std::int64_t>(in, at);
  r.status = static_cast<RunStatus>(take_value<std::int32_t>(in, at));
  r.summary.best_epoch = take_value<std::int64_t>(in, at);
  r.summary.best_valid_error = take_value<double>(in, at);
  r.summary.test_error = take_value<double>(in, at);
  r.summary.epochs_run = take_value<std::int64_t>(in, at);
  r.summary.stopped_early = take_value<std::int32_t>(in, at) != 0;
  r.summary.total_wall_time_s = take_value<double>(in, at);
  r.message.assign(in.begin() + static_cast<std::ptrdiff_t>(at), in.end());
  return index;
}

void send_report(std::int64_t index, const RunOutcome& report) {
  const auto buf = pack(index, report);
  check_mpi(MPI_Send(buf.data(), static_cast<int>(buf.size()), MPI_BYTE, 0, kReport,
                     MPI_COMM_WORLD),
            "MPI_Send (report to rank 0)");
}

void worker_loop(const DistributeHooks& hooks) {
  send_report(-1, RunOutcome{});  // ready
  for (;;) {
    std::int64_t index = -1;
    check_mpi(MPI_Recv(&index, 1, MPI_INT64_T, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              "MPI_Recv (assignment from rank 0)");
    if (index < 0) return;
    send_report(index, hooks.run(static_cast<std::size_t>(index)));
  }
}

struct Event {
  bool finished;
  std::size_t index;
  RunOutcome report;
};

void master_loop(const MpiSession& mpi, const std::vector<std::size_t>& items,
                 const DistributeHooks& hooks) {
  std::mutex mutex;  // guards pending, running_groups and events
  std::vector<std::size_t> pending = items;
  std::vector<std::string> groups(items.empty() ? 0 : *std::max_element(items.begin(), items.end()) + 1);
  if (hooks.group)
    for (const std::size_t i : items) groups[i] = hooks.group(i);
  std::multiset<std::string> running_groups;
  std::vector<Event> events;
  std::atomic<bool> local_finished{false};
  auto take = [&]() -> std::optional<std::size_t> {
    std::lock_guard lock(mutex);
    if ((hooks.stop && *hooks.stop) || pending.empty()) return std::nullopt;
    auto it = std::find_if(pending.begin(), pending.end(), [&](std::size_t i) {
      return groups[i].empty() || running_groups.count(groups[i]) == 0;
    });
    if (it == pending.end()) it = pending.begin();
    const std::size_t item = *it;
    pending.erase(it);
    if (!groups[item].empty()) running_groups.insert(groups[item]);
    return item;
  };
  auto release = [&](std::size_t item) {  // under mutex
    if (item >= groups.size() || groups[item].empty()) return;
    const auto at = running_groups.find(groups[item]);
    if (at != running_groups.end()) running_groups.erase(at);
  };
  std::thread local([&] {
    while (const auto index = take()) {
      {
        std::lock_guard lock(mutex);
        events.push_back({false, *index, {}});
      }
      RunOutcome report = hooks.run(*index);
      std::lock_guard lock(mutex);
      release(*index);
      events.push_back({true, *index, std::move(report)});
    }
    local_finished = true;
  });

  int remote_active = mpi.size() - 1;
  for (;;) {
    bool busy = false;
    int flag = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, kReport, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag) {
      busy = true;
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      std::vector<char> buf(static_cast<std::size_t>(count));
      const int source = status.MPI_SOURCE;
      check_mpi(MPI_Recv(buf.data(), count, MPI_BYTE, source, kReport, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE),
                "MPI_Recv (report)");
      RunOutcome report;
      const std::int64_t done = unpack(buf, report);
      if (done >= 0) {
        {
          std::lock_guard lock(mutex);
          release(static_cast<std::size_t>(done));
        }
        hooks.finished(static_cast<std::size_t>(done), source, report);
      }
      const auto index = take();
      const std::int64_t assign = index ? static_cast<std::int64_t>(*index) : -1;
      if (index) hooks.started(*index, source);
      else --remote_active;
      check_mpi(MPI_Send(&assign, 1, MPI_INT64_T, source, kAssign, MPI_COMM_WORLD),
                "MPI_Send (assignment)");
    }
    const bool local_over = local_finished;  // read before draining: no event can follow it
    std::vector<Event> drained;
    {
      std::lock_guard lock(mutex);
      drained.swap(events);
    }
    for (const auto& e : drained) {
      busy = true;
      if (e.finished) hooks.finished(e.index, 0, e.report);
      else hooks.started(e.index, 0);
    }
    if (remote_active == 0 && local_over && drained.empty()) break;
    if (!busy) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  local.join();
}

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  check_mpi(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

int MpiSession::max_over_ranks(int value) const {
  int out = value;
  check_mpi(MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

void MpiSession::abort(int status) const {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);
}

void distribute_runs(const MpiSession& mpi, const std::vector<std::size_t>& items,
                     const DistributeHooks& hooks) {
  if (mpi.rank() == 0) master_loop(mpi, items, hooks);
  else worker_loop(hooks);
}

int run_mpi(const SweepPlan& s, const MpiSession& mpi, StopFlag& stop) {
  const bool master = mpi.rank() == 0;
  RunWorker worker(s.cfg, s.args.effective, s.command_line, &stop.requested);
  std::optional<SweepRecords> records;
  int status = 0;
  if (master) {
    try {
      worker.load(s.runs.front().seed);
    } catch (const std::exception& e) {
      std::cerr << s.program << ": " << e.what() << "\n";
      status = 2;
    }
    if (status == 0 && !results_folder_writable(s)) status = 2;
    if (status == 0) {
      try {
        adopt_legacy(s);
        set_aside_unreadable(s);
        if (s.prune_stacks) prune_stacks(s);
        records.emplace(s);
      } catch (const std::exception& e) {
        std::cerr << s.program << ": " << e.what() << "\n";
        status = 2;
      }
    }
  }
  if (mpi.max_over_ranks(status) != 0) return 2;
  if (stop.arm) stop.arm();
  if (master) {
    std::cout << s.program << ": " << s.runs.size() << " runs -> " << s.dir.string() << "/ | "
              << mpi.size() << " MPI ranks, " << blas_kernel_note() << ", " << blas_threads()
              << " BLAS threads each\n";
    print_skipped(s, *records);
    std::fflush(stdout);
  }
  const std::vector<std::size_t> todo = master ? records->todo : std::vector<std::size_t>{};
  // Items are positions in the grid, which every rank expanded the same way.
  const auto started = std::chrono::steady_clock::now();
  std::size_t finished = 0, failed = 0;
  int running = 0;
  DistributeHooks hooks;
  hooks.stop = &stop.requested;
  hooks.group = [&](std::size_t i) { return stack_key_of(s, i); };
  hooks.run = [&](std::size_t i) {
    try {
      return worker.run(s.runs[i], nullptr);
    } catch (const std::exception& e) {
      return RunOutcome{.status = RunStatus::failed, .summary = {},
                        .message = "rank " + std::to_string(mpi.rank()) + ": " + e.what(),
                        .file = {}};
    }
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
  hooks.finished = [&](std::size_t i, int rank, const RunOutcome& r) {
    --running;
    ++finished;
    records->by_run[i] = r;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::size_t left = todo.size() - finished;
    std::printf("%s %s | %zu/%zu done, %d running, ETA %s\n", tag(i, rank).c_str(),
                describe_outcome(r).c_str(), s.runs.size() - left, s.runs.size(), running,
                format_duration(elapsed / static_cast<double>(finished) *
                                static_cast<double>(left))
                    .c_str());
    std::fflush(stdout);
    if (r.status == RunStatus::interrupted && !stop.requested) {
      stop.signal = SIGTERM;  // a rank was stopped: so is the sweep
      stop.requested = true;
    }
    if (r.status == RunStatus::failed) {
      std::cerr << s.program << ": " << r.message << "\n";
      ++failed;
      stop.requested = true;
    }
  };
  distribute_runs(mpi, todo, hooks);
  if (!master) return 0;
  records->refresh(s);
  if (!write_sweep_summary(s, *records)) return 1;
  if (failed > 0) return 1;
  return stop.requested ? stop_status(s, stop) : 0;
}

}  // namespace lw
