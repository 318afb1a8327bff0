#pragma once
// The whole depth_sweep program as one call, for experiments/depth_sweep.cpp and for a sweep
// program of your own that links your schemes, initializers or data sources with the library:
//   #include <layerwise/experiment/sweep_main.hpp>
//   int main(int argc, char** argv) { return lw::sweep_main(argc, argv, "my_sweep"); }
// --jobs processes on this machine (default: one per core; experiment/job_sweep.hpp), serial with
// --jobs 1, or spread over MPI ranks when started by mpirun (or srun) and linked with
// layerwise::lw_mpi, which defines LW_HAVE_MPI (this header is compiled in your main, so the
// choice is yours). Options, resume, signals and exit statuses are depth_sweep's (README).
#include <iostream>
#include <string>

#include "layerwise/experiment/job_sweep.hpp"
#include "layerwise/experiment/mpi_sweep.hpp"
#include "layerwise/experiment/sweep.hpp"

namespace lw {

inline int sweep_main(int argc, char** argv, const std::string& program = "depth_sweep") {
  const int launcher = launcher_rank();  // -1: not started by an MPI launcher
  const bool under_mpi = launcher >= 0, talk = launcher <= 0;
#ifndef LW_HAVE_MPI
  if (under_mpi) {
    if (talk)
      std::cerr << program << ": started by an MPI launcher, but built without MPI (install "
                   "libopenmpi-dev and rebuild, linking layerwise::lw_mpi), or run shards with "
                   "--shard k/n instead\n";
    return 2;
  }
#endif
  SweepPlan plan;
  plan.program = program;
  // Options and the BLAS kernel (which may re-execute the process) come before MPI_Init.
  if (auto status = prepare_sweep(argc, argv, plan, talk, under_mpi, sweep_usage(program)))
    return *status;
  StopFlag& stop = signal_stop_flag();
#ifdef LW_HAVE_MPI
  if (under_mpi) {
    MpiSession mpi(argc, argv);
    int status = -1;  // go on
    if (mpi.rank() == 0) status = check_folder(plan).value_or(-1);
    status = mpi.max_over_ranks(status);
    if (status >= 0) return status;
    return run_mpi(plan, mpi, stop);
  }
#endif
  if (auto status = check_folder(plan)) return *status;
  if (plan.jobs > 1) return run_jobs(plan, stop);
  return run_serial(plan, stop);
}

}  // namespace lw
