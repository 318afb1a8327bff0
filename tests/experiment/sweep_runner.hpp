#pragma once
// Runs build/bin/depth_sweep as a child process for the experiment tests, and compares results
// files. Output goes to a log file in the test's folder.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lw::test {

struct ProcessResult {
  int exit_code = -1;   // 128 + signal when killed by a signal
  std::string output;   // stdout and stderr
};

// Runs `program args...` to completion.
ProcessResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& log);

// Starts it, waits until `until` exists (polling), then sends `signal` (SIGKILL by default) to
// it, or to the process whom(child) names (e.g. one MPI rank under mpirun). Returns the exit code
// (128 + signal when the signal killed it).
int run_and_kill_when(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& log, const std::filesystem::path& until,
                      double timeout_s, int signal = 9,
                      const std::function<int(int child)>& whom = {},
                      const std::function<bool()>& until_fn = {});

// The same, waiting until `until()` holds (e.g. a line in the log).
int run_and_kill_when(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& log, const std::function<bool()>& until,
                      double timeout_s, int signal = 9);

// The text of a file ("" if missing).
std::string read_text(const std::filesystem::path& file);

// The pid of a running process whose environment holds every one of `entries` ("NAME=value"),
// or -1.
int find_process_with_env(const std::vector<std::string>& entries);

std::string depth_sweep();  // path of build/bin/depth_sweep

// Every numeric dataset of /finetune, /pretrain and /weights (with --log.weights) and the /summary
// test_error of two results files are equal (bitwise); wall times excepted. Returns "" or a description of the first difference.
std::string compare_results(const std::filesystem::path& a, const std::filesystem::path& b);

// Every run file of folder a (stacks/ aside) exists in b, is complete there and equals a's
// (compare_results), as Boost.Test checks; returns how many were compared.
int compare_run_folders(const std::filesystem::path& a, const std::filesystem::path& b);

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir);  // recursive, sorted
// files_in without the stored stacks (stacks/): the runs' files and the sweep's.
std::vector<std::filesystem::path> run_files_in(const std::filesystem::path& dir);

}  // namespace lw::test
