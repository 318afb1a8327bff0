// depth_sweep: compares initialisations and greedy layer-wise pretraining across depths.
// Each run of the grid (depth x arm x activation x width x seed) writes one results file under
// results/<experiment>/; at the end a table of test error (mean +- sd over seeds) by arm and depth
// goes to stdout and to summary.csv beside the runs. A rerun skips complete runs and redoes the
// others. Ctrl-C (SIGINT) or SIGTERM stop after the current batch: the run is marked interrupted,
// finished runs are kept, the exit status is 130 or 143. Bad options exit with status 2.
// Started by mpirun (or srun), the runs are spread over the ranks; the files are the same as a
// serial sweep's. The sweep itself is lib/experiment/sweep.hpp (and mpi_sweep.hpp).
#include <csignal>
#include <iostream>

#include "experiment/mpi_sweep.hpp"
#include "experiment/sweep.hpp"

namespace {

lw::StopFlag stop;

extern "C" void on_signal(int sig) {
  stop.signal = sig;
  stop.requested = true;
}

// Installed by the sweep once its checks passed (StopFlag::arm).
void catch_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

const char* usage =
    "Usage: depth_sweep [--config FILE] [options]\n"
    "       mpirun -n N depth_sweep [--config FILE] [options]\n"
    "Trains every run of the grid depths x inits x activations x widths x seeds and writes one\n"
    "HDF5 results file per run under <results>/<experiment>/<run_id>.h5, then a summary table.\n"
    "Run ids name every axis: d3-sigmoid-w500-xavier-s02. A rerun skips complete runs.\n"
    "Under mpirun (or srun) rank 0 hands the runs out to idle ranks, each with 1 BLAS thread\n"
    "unless --threads says otherwise; the results folder must be shared by the ranks.\n"
    "Examples:\n"
    "  depth_sweep --config experiments/configs/quick.ini\n"
    "  depth_sweep --config experiments/configs/fm_depth.ini --dry-run\n"
    "  depth_sweep --depths 1-3 --inits uniform,xavier,dae --seeds 1-2 --data.n_train 5000\n"
    "  mpirun -n 2 depth_sweep --config experiments/configs/quick.ini\n";

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
  lw::SweepPlan plan;
  // Options and the BLAS kernel (which may re-execute the process) come before MPI_Init.
  if (auto status = lw::prepare_sweep(argc, argv, plan, talk, under_mpi, usage)) return *status;
  stop.arm = catch_signals;
#ifdef LW_HAVE_MPI
  if (under_mpi) {
    lw::MpiSession mpi(argc, argv);
    int status = -1;  // go on
    if (mpi.rank() == 0) status = lw::check_folder(plan).value_or(-1);
    status = mpi.max_over_ranks(status);
    if (status >= 0) return status;
    return lw::run_mpi(plan, mpi, stop);
  }
#endif
  if (auto status = lw::check_folder(plan)) return *status;
  return lw::run_serial(plan, stop);
}
