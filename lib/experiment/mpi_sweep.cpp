#include "layerwise/experiment/mpi_sweep.hpp"

#include <mpi.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <algorithm>
#include <thread>
#include <iostream>
#include <vector>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/experiment/run_queue.hpp"
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

void send_report(std::int64_t index, const RunOutcome& report) {
  const auto buf = pack_outcome(index, report);
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
  std::mutex mutex;  // guards queue and events
  RunQueue queue(items, hooks.group);
  std::vector<Event> events;
  std::atomic<bool> local_finished{false};
  auto take = [&]() -> std::optional<std::size_t> {
    std::lock_guard lock(mutex);
    if (hooks.stop && *hooks.stop) return std::nullopt;
    return queue.take();
  };
  auto release = [&](std::size_t item) { queue.release(item); };  // under mutex
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
      const std::int64_t done = unpack_outcome(buf, report);
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
      worker.check(s.runs);
    } catch (const std::exception& e) {
      std::cerr << s.program << ": " << e.what() << "\n";
      status = 2;
    }
    if (status == 0 && !results_folder_writable(s)) status = 2;
    if (status == 0) {
      try {
        adopt_legacy(s);
        set_aside_unreadable(s);
        write_sweep_plan(s);
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
  std::optional<ParallelProgress> report;
  if (master) report.emplace(s, *records, stop, "rank");
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
  hooks.started = [&](std::size_t i, int rank) { report->started(i, rank); };
  hooks.finished = [&](std::size_t i, int rank, const RunOutcome& r) { report->finished(i, rank, r); };
  distribute_runs(mpi, todo, hooks);
  if (!master) return 0;
  records->refresh(s);
  if (!write_sweep_summary(s, *records)) return 1;
  if (report->failed() > 0) return 1;
  return stop.requested ? stop_status(s, stop) : 0;
}

}  // namespace lw
