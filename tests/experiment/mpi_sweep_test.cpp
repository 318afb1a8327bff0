// depth_sweep under mpirun (built when CMake finds MPI): the same files as a serial sweep, a rank
// that dies fails the sweep and a rerun redoes only the missing runs.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "experiment/sweep_runner.hpp"
#include "layerwise/io/results.hpp"
#include "support/temp_dir.hpp"
#include "support/contains.hpp"

using lw::test::contains;
namespace fs = std::filesystem;
using lw::test::depth_sweep;
using lw::test::run_program;

namespace {

std::vector<std::string> grid(const fs::path& results, long epochs) {
  return {"--results", results.string(), "--experiment", "m", "--depths", "1,2", "--inits",
          "uniform,xavier,dae", "--seeds", "1-2", "--width", "16", "--data.source",
          "bars_stripes", "--data.n_examples", "400", "--finetune.epochs", std::to_string(epochs),
          "--finetune.patience", "0", "--pretrain.dae.epochs", "2", "--log.every", "3"};
}

// mpirun -n ranks depth_sweep args... (root needs --allow-run-as-root; 2 ranks on fewer cores
// need --oversubscribe).
std::vector<std::string> mpi(int ranks, std::vector<std::string> args) {
  std::vector<std::string> out{"-n", std::to_string(ranks), "--oversubscribe"};
  if (geteuid() == 0) out.push_back("--allow-run-as-root");
  out.push_back(depth_sweep());
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

// Every run file of a equals b's; returns how many were compared.
int compare_folders(const fs::path& a, const fs::path& b) { return lw::test::compare_run_folders(a, b); }

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_mpi_sweep)

BOOST_AUTO_TEST_CASE(two_ranks_write_the_files_of_a_serial_sweep) {
  lw::test::TempDir dir;
  auto serial = grid(dir / "serial", 3);
  serial.insert(serial.end(), {"--threads", "1"});
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), serial, dir / "a.txt").exit_code, 0);
  const auto r = run_program(LW_MPIEXEC, mpi(2, grid(dir / "mpi", 3)), dir / "b.txt");
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  BOOST_TEST(contains(r.output, "2 MPI ranks"), r.output);
  BOOST_TEST(contains(r.output, "| rank 1]"), r.output);  // both ranks trained
  BOOST_TEST(contains(r.output, "| rank 0]"), r.output);
  BOOST_TEST(contains(r.output, "12/12 done"), r.output);
  BOOST_TEST(contains(r.output, "test error %"), r.output);  // rank 0's summary table
  BOOST_TEST(compare_folders(dir / "serial/m", dir / "mpi/m") == 12);
  BOOST_TEST(fs::exists(dir / "mpi/m/summary.csv"));
  // A rerun under MPI finds everything complete.
  const auto again = run_program(LW_MPIEXEC, mpi(2, grid(dir / "mpi", 3)), dir / "c.txt");
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(contains(again.output, "12 of 12 runs complete, skipped"), again.output);
}

BOOST_AUTO_TEST_CASE(a_rank_that_dies_fails_the_sweep_and_a_rerun_redoes_the_missing_runs) {
  lw::test::TempDir dir;
  const std::string tag = "LW_TEST_SWEEP=" + dir.path().filename().string();
  // Fixed-length runs long enough for the kill to land while both ranks train.
  const auto args = mpi(2, grid(dir / "res", 400));
  ::putenv(const_cast<char*>(tag.c_str()));
  const int code = lw::test::run_and_kill_when(
      LW_MPIEXEC, args, dir / "a.txt", dir / "res/m/d1-sigmoid-w16-uniform-s02.h5", 120, 9, [&](int) {
        return lw::test::find_process_with_env({tag, "OMPI_COMM_WORLD_RANK=1"});
      });
  ::unsetenv("LW_TEST_SWEEP");
  const auto died = lw::test::run_files_in(dir / "res/m");
  BOOST_TEST(code != 0);
  std::ifstream in(dir / "a.txt");
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(contains(log, "signal 9"), log);
  int complete_before = 0;
  for (const auto& f : died) complete_before += f.extension() == ".h5";
  BOOST_TEST(complete_before < 12);
  const auto rerun = run_program(LW_MPIEXEC, args, dir / "b.txt");
  BOOST_REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.output);
  BOOST_TEST(contains(rerun.output, std::to_string(complete_before) + " of 12 runs complete, skipped"),
             rerun.output);
  // The same files as a serial sweep of the same grid.
  auto serial = grid(dir / "serial", 400);
  serial.insert(serial.end(), {"--threads", "1"});
  BOOST_REQUIRE_EQUAL(run_program(depth_sweep(), serial, dir / "c.txt").exit_code, 0);
  BOOST_TEST(compare_folders(dir / "serial/m", dir / "res/m") == 12);
  for (const auto& f : lw::test::files_in(dir / "res/m"))
    BOOST_TEST(f.extension() != ".partial", f);
}

BOOST_AUTO_TEST_CASE(bad_options_fail_on_every_rank_before_any_file) {
  lw::test::TempDir dir;
  auto args = grid(dir / "res", 3);
  args.insert(args.end(), {"--finetune.learning_rate", "-1"});
  const auto r = run_program(LW_MPIEXEC, mpi(2, args), dir / "a.txt");
  BOOST_TEST(r.exit_code == 2, r.output);
  BOOST_TEST(contains(r.output, "--finetune.learning_rate"), r.output);
  BOOST_TEST(!fs::exists(dir / "res"));
}

BOOST_AUTO_TEST_SUITE_END()
