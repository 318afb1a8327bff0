#pragma once
// MPI distribution of a sweep: the optional part of the sweep library (experiment/sweep.hpp).
// mpi_sweep.cpp is built, as the library lw_mpi (layerwise::lw_mpi), only when CMake finds MPI
// (it defines LW_HAVE_MPI);
// launcher_rank() is here for every build, so one without MPI can refuse to run under mpirun.
//
// `mpirun -n N depth_sweep ...`: every rank parses the same options; rank 0 is the master. It
// hands out the runs still to do, one at a time, to whichever rank is idle (dynamic: deep and
// pretrained runs take longer) and runs them itself on a worker thread as well, so N ranks train
// N runs at once. Each rank writes its own runs' files (the same files a serial sweep writes, so
// the results folder must be shared by the ranks, as it is on a cluster's file system); rank 0
// prints the progress of the whole sweep and writes the summary.
//
// Messages (MPI_COMM_WORLD): worker -> 0, tag kReport: a RunOutcome (of the run it finished, or none
// for its first request); 0 -> worker, tag kAssign: the index of its next run, or -1 for "stop".
// Only rank 0's main thread calls MPI (MPI_THREAD_FUNNELED); it polls with MPI_Iprobe and sleeps
// in between, so the master costs no core of its own.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "layerwise/experiment/run.hpp"

namespace lw {

// This process's rank as its MPI launcher (mpirun, mpiexec, srun with PMI/PMIx) set it in the
// environment, or -1 when no launcher started it: then the driver stays serial and never
// initialises MPI. Available without MPI, so a build without it can refuse to run under mpirun.
inline int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return -1;
}

// MPI_Init_thread / MPI_Finalize for the process's lifetime.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // The largest of every rank's value (MPI_Allreduce): ranks agree on whether to go on.
  int max_over_ranks(int value) const;
  // Ends every rank of the job at once with this exit status (MPI_Abort).
  [[noreturn]] void abort(int status) const;

 private:
  int rank_ = 0, size_ = 1;
};

struct DistributeHooks {
  // Runs the item on the calling rank (on rank 0: on its worker thread). Must not throw.
  std::function<RunOutcome(std::size_t item)> run;
  // Rank 0 only, on its main thread, in the order things happen:
  std::function<void(std::size_t item, int rank)> started;
  std::function<void(std::size_t item, int rank, const RunOutcome&)> finished;
  // Once set, no further runs are handed out; runs under way finish (or stop themselves).
  std::atomic<bool>* stop = nullptr;
  // Optional, rank 0: the item's group ("" for none). The next item handed out is the first whose
  // group no running item has, or the first left when every one has: runs on one stored stack
  // (stack_store.hpp) then go to one rank after another instead of waiting for each other.
  std::function<std::string(std::size_t item)> group;
};

// Runs each of `items` (the grid positions still to run; read on rank 0 only) exactly once, on
// some rank: hooks.run(item). Returns on every rank once its work is done (after stop: once the
// runs under way have reported).
void distribute_runs(const MpiSession& mpi, const std::vector<std::size_t>& items,
                     const DistributeHooks& hooks);

struct SweepPlan;
struct StopFlag;

// The sweep over the ranks of `mpi`: rank 0 checks the data and folder, hands out the runs still
// to do, prints the progress of the whole sweep and writes the summary; every rank writes its own
// runs' files (the same files a serial sweep writes). Returns the process's exit status.
int run_mpi(const SweepPlan& plan, const MpiSession& mpi, StopFlag& stop);

}  // namespace lw
