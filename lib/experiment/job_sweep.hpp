#pragma once
// A sweep on every core of one machine without MPI: --jobs N (default: the cores this process may
// use) worker processes run N runs at once, each with one BLAS thread unless --threads says
// otherwise. The files are those of a serial sweep with --threads 1, bit for bit.
//
// The sweep's process loads the first split and makes the folder checks, then forks the workers,
// which share that split's memory (copy-on-write: it is read, never written) and load another
// seed's split only when theirs differs. It hands the runs out one at a time over a pipe per worker
// (RunQueue, run_queue.hpp), prints each run's start and end with the sweep's ETA
// (ParallelProgress, sweep.hpp) and writes the summary. Ctrl-C, SIGTERM and SIGHUP stop every
// worker after its batch (runs interrupted); a failed run, or a worker that dies (its run is
// failed, the message names the signal), stops the handing out: runs under way finish, exit 1.
// Workers die with the sweep's process (PR_SET_PDEATHSIG). Linux only.
#include "layerwise/experiment/sweep.hpp"

namespace lw {

// plan.jobs workers (at most one per run still to do); one worker runs run_serial's loop.
int run_jobs(const SweepPlan& plan, StopFlag& stop);

// The cores this process may run on (sched_getaffinity), at least 1.
int usable_cores();

}  // namespace lw
