// depth_sweep: compares initialisations and greedy layer-wise pretraining across depths.
// Each run of the grid (depth x arm x activation x width x seed) writes one results file under
// results/<experiment>/; at the end a table of test error (mean +- sd over seeds) by arm and depth
// goes to stdout and to summary.csv beside the runs. A rerun skips complete runs and redoes the
// others. Ctrl-C (SIGINT), SIGTERM or SIGHUP stop after the current batch: the run is marked
// interrupted, finished runs are kept, the exit status is 128 + the signal. Bad options exit 2.
// Started by mpirun (or srun), the runs are spread over the ranks; the files are the same as a
// serial sweep's. The program is lib/experiment/sweep_main.hpp (the sweep: sweep.hpp, mpi_sweep.hpp).
#include "layerwise/experiment/sweep_main.hpp"

int main(int argc, char** argv) { return lw::sweep_main(argc, argv); }
