#include "experiment/sweep_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "layerwise/io/h5.hpp"
#include "layerwise/io/results.hpp"

extern char** environ;

namespace lw::test {
namespace {

// Boost.Test's execution monitor handles SIGCHLD by throwing from the signal handler, which can
// interrupt malloc in this thread and deadlock. While a child runs, SIGCHLD gets its default
// (ignored) disposition; waitpid still reports the child.
class DefaultSigchld {
 public:
  DefaultSigchld() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &saved_);
  }
  ~DefaultSigchld() { sigaction(SIGCHLD, &saved_, nullptr); }
  DefaultSigchld(const DefaultSigchld&) = delete;
  DefaultSigchld& operator=(const DefaultSigchld&) = delete;

 private:
  struct sigaction saved_ {};
};

pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::filesystem::path& log) {
  std::vector<std::string> all{program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addclose(&actions, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("spawn failed: " + program);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Numeric datasets below a group, by path.
void collect(const h5::Object& file, const std::string& group, std::vector<std::string>& out) {
  if (!h5::exists(file, group)) return;
  const h5::Object g = h5::open_group(file, group);
  std::vector<std::string> names;
  H5Literate(
      g.id(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  for (const auto& name : names) out.push_back(group + "/" + name);
}

}  // namespace

std::string depth_sweep() { return std::string(LW_BIN_DIR) + "/depth_sweep"; }

ProcessResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& log) {
  const DefaultSigchld sigchld;
  ProcessResult r;
  r.exit_code = wait_for(spawn(program, args, log));
  r.output = slurp(log);
  return r;
}

std::string read_text(const std::filesystem::path& file) { return slurp(file); }

int run_and_kill_when(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& log, const std::function<bool()>& until,
                      double timeout_s, int signal) {
  return run_and_kill_when(program, args, log, std::filesystem::path(), timeout_s, signal, {},
                           until);
}

int run_and_kill_when(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& log, const std::filesystem::path& until_file,
                      double timeout_s, int signal, const std::function<int(int)>& whom,
                      const std::function<bool()>& until_fn) {
  const DefaultSigchld sigchld;
  const pid_t pid = spawn(program, args, log);
  const auto start = std::chrono::steady_clock::now();
  const auto until = [&] { return until_fn ? until_fn() : std::filesystem::exists(until_file); };
  while (!until()) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > timeout_s)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int target = whom ? whom(pid) : pid;
  if (target <= 0) {  // never kill(-1, ...): that would signal every process
    kill(pid, SIGKILL);
    wait_for(pid);
    throw std::runtime_error("run_and_kill_when: no process to signal was found");
  }
  kill(target, signal);
  return wait_for(pid);
}

int find_process_with_env(const std::vector<std::string>& entries) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream in(e.path() / "environ", std::ios::binary);
    std::vector<std::string> env;
    for (std::string item; std::getline(in, item, '\0');) env.push_back(item);
    if (std::all_of(entries.begin(), entries.end(), [&](const std::string& want) {
          return std::find(env.begin(), env.end(), want) != env.end();
        }))
      return std::stoi(name);
  }
  return -1;
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

int compare_run_folders(const std::filesystem::path& a, const std::filesystem::path& b) {
  int compared = 0;
  for (const auto& f : run_files_in(a)) {
    if (f.extension() != ".h5") continue;
    BOOST_TEST_CONTEXT(f.filename()) {
      BOOST_REQUIRE(std::filesystem::exists(b / f.filename()));
      BOOST_TEST(compare_results(f, b / f.filename()) == "");
      BOOST_TEST(read_status(b / f.filename()).value_or("missing") == "complete");
    }
    ++compared;
  }
  return compared;
}

std::vector<std::filesystem::path> run_files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (auto& f : files_in(dir))
    if (f.parent_path().filename() != "stacks") out.push_back(std::move(f));
  return out;
}

std::string compare_results(const std::filesystem::path& a, const std::filesystem::path& b) {
  const h5::Object fa = h5::open_file(a), fb = h5::open_file(b);
  std::vector<std::string> names;
  collect(fa, "finetune/epochs", names);
  collect(fa, "finetune/steps", names);
  if (h5::exists(fa, "pretrain")) {
    std::vector<std::string> layers;
    collect(fa, "pretrain", layers);
    for (const auto& l : layers) collect(fa, l, names);
  }
  if (h5::exists(fa, "weights")) {  // --log.weights: initial, pretrained, best
    std::vector<std::string> stages, layers;
    collect(fa, "weights", stages);
    for (const auto& st : stages) collect(fa, st, layers);
    for (const auto& l : layers) collect(fa, l, names);
  }
  if (names.empty()) return "no datasets in " + a.string();
  for (const auto& name : names) {
    if (name.find("wall_time") != std::string::npos) continue;
    if (!h5::exists(fb, name)) return name + " missing in " + b.string();
    const h5::Object da = h5::open_dataset(fa, name);
    if (h5::shape(da).size() == 1) {
      const arma::vec x = h5::read_vector<double>(fa, name), y = h5::read_vector<double>(fb, name);
      if (x.n_elem != y.n_elem || std::memcmp(x.memptr(), y.memptr(), x.n_elem * sizeof(double)))
        return name + " differs";
    } else {
      const arma::mat x = h5::read_matrix<double>(fa, name), y = h5::read_matrix<double>(fb, name);
      if (arma::size(x) != arma::size(y) ||
          std::memcmp(x.memptr(), y.memptr(), x.n_elem * sizeof(double)))
        return name + " differs";
    }
  }
  const h5::Object sa = h5::open_group(fa, "summary"), sb = h5::open_group(fb, "summary");
  if (h5::read_attr<double>(sa, "test_error") != h5::read_attr<double>(sb, "test_error"))
    return "summary test_error differs";
  return "";
}

}  // namespace lw::test
