#include "layerwise/experiment/job_sweep.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <vector>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/blas_kernel.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/experiment/run_queue.hpp"
#include "layerwise/experiment/worker.hpp"

namespace lw {
namespace {

bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// Exactly n bytes, or false at end of file or on an error.
bool read_all(int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

struct Job {
  pid_t pid = -1;
  int assign = -1, report = -1;  // the sweep's ends: write run indices, read reports
  std::optional<std::size_t> running;
  std::vector<char> pending;  // report bytes read so far
  bool open = true;           // report pipe not at its end
};

void serve(const SweepPlan& s, RunWorker& worker, int number, int assign, int report) {
  for (;;) {
    std::int64_t index = -1;
    if (!read_all(assign, &index, sizeof index) || index < 0) break;
    RunOutcome out;
    try {
      out = worker.run(s.runs.at(static_cast<std::size_t>(index)), nullptr);
    } catch (const std::exception& e) {
      out = RunOutcome{.status = RunStatus::failed,
                       .summary = {},
                       .message = cat("job ", number, ": ", e.what()),
                       .file = {}};
    }
    const std::vector<char> bytes = pack_outcome(index, out);
    const auto size = static_cast<std::uint32_t>(bytes.size());
    if (!write_all(report, &size, sizeof size) || !write_all(report, bytes.data(), bytes.size()))
      break;
  }
}

// A worker: runs the indices it reads until -1 or the end of its pipe, reporting each outcome as
// [uint32 length][pack_outcome bytes]; then ends without unwinding.
[[noreturn]] void work(const SweepPlan& s, RunWorker& worker, int number, int assign, int report) {
  try {
    serve(s, worker, number, assign, report);
  } catch (...) {  // never unwind into the sweep's code: this is a fork of it
    ::_exit(1);
  }
  std::fflush(stdout);
  std::fflush(stderr);
  ::_exit(0);
}

std::string death_of(int status) {
  if (WIFSIGNALED(status)) {
    const char* name = ::sigabbrev_np(WTERMSIG(status));
    return cat("was killed by SIG", name ? name : std::to_string(WTERMSIG(status)).c_str(),
               WTERMSIG(status) == SIGKILL ? " (out of memory, or kill -9?)" : "");
  }
  return cat("ended with status ", WEXITSTATUS(status), " without reporting its run");
}

}  // namespace

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
}

namespace {

// Restores a signal's disposition when it goes out of scope.
struct SignalDisposition {
  int sig;
  void (*old)(int);
  SignalDisposition(int s, void (*handler)(int)) : sig(s), old(std::signal(s, handler)) {}
  ~SignalDisposition() { std::signal(sig, old); }
};

}  // namespace

int run_jobs(const SweepPlan& s, StopFlag& stop) {
  RunWorker worker(s.cfg, s.args.effective, s.command_line, &stop.requested);
  if (const auto status = begin_sweep(s, worker, stop)) return *status;
  SweepRecords records(s);
  const int n_jobs = static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(s.jobs), records.todo.size()));
  std::cout << s.program << ": " << s.runs.size() << " runs -> " << s.dir.string() << "/ | "
            << n_jobs << " jobs, " << blas_kernel_note() << ", " << blas_threads()
            << " BLAS thread(s) each\n";
  print_skipped(s, records);
  std::fflush(stdout);
  std::fflush(stderr);
  ParallelProgress progress(s, records, stop, "job");
  RunQueue queue(records.todo, [&](std::size_t i) { return stack_key_of(s, i); });
  std::vector<Job> jobs(static_cast<std::size_t>(std::max(n_jobs, 0)));
  const pid_t sweep_pid = ::getpid();
  const SignalDisposition pipe_signal(SIGPIPE, SIG_IGN);  // a job that died: EPIPE, not a signal
  const SignalDisposition child_signal(SIGCHLD,
                                       SIG_DFL);  // waitpid must see each job (not so if ignored)
  bool stopped_by_a_run = false, lost_a_job = false;
  const auto finish = [&](std::size_t i, int number, const RunOutcome& out) {
    const bool before = stop.requested;
    progress.finished(i, number, out);
    if (!before && stop.requested) stopped_by_a_run = true;  // not a signal to pass on
  };
  try {
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      int to_job[2], from_job[2];
      require_io(::pipe2(to_job, O_CLOEXEC) == 0 && ::pipe2(from_job, O_CLOEXEC) == 0,
                 cat("--jobs: cannot make a pipe: ", std::strerror(errno)));
      const pid_t pid = ::fork();
      require_io(pid >= 0, cat("--jobs: cannot start job ", k + 1, ": ", std::strerror(errno)));
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != sweep_pid) ::_exit(1);  // the sweep ended before prctl
        for (std::size_t j = 0; j < k; ++j) {      // the other jobs' pipes are not ours
          ::close(jobs[j].assign);
          ::close(jobs[j].report);
        }
        ::close(to_job[1]);
        ::close(from_job[0]);
        work(s, worker, static_cast<int>(k + 1), to_job[0], from_job[1]);
      }
      ::close(to_job[0]);
      ::close(from_job[1]);
      jobs[k].pid = pid;
      jobs[k].assign = to_job[1];
      jobs[k].report = from_job[0];
    }
    const auto hand_out = [&](Job& job, int number) {
      std::optional<std::size_t> next;
      if (!stop.requested) next = queue.take();
      const std::int64_t index = next ? static_cast<std::int64_t>(*next) : -1;
      if (!write_all(job.assign, &index, sizeof index) &&
          next) {  // the job is gone: not handed out
        queue.give_back(*next);
        next.reset();
      }
      job.running = next;
      if (next) progress.started(*next, number);
    };
    for (std::size_t k = 0; k < jobs.size(); ++k) hand_out(jobs[k], static_cast<int>(k + 1));
    bool forwarded = false;
    for (;;) {
      std::vector<pollfd> fds;
      std::vector<std::size_t> which;
      for (std::size_t k = 0; k < jobs.size(); ++k)
        if (jobs[k].open) {
          fds.push_back({.fd = jobs[k].report, .events = POLLIN, .revents = 0});
          which.push_back(k);
        }
      if (fds.empty()) break;
      // A signal to the sweep (Ctrl-C reaches the jobs too; kill -TERM <sweep> does not), not a run
      // that came back interrupted: that stops only the handing out.
      if (stop.requested && stop.signal != 0 && !stopped_by_a_run && !forwarded) {
        forwarded = true;
        for (const Job& job : jobs)
          if (job.open) ::kill(job.pid, stop.signal);
      }
      const int r = ::poll(fds.data(), fds.size(), 200);
      if (r < 0 && errno != EINTR)
        throw std::runtime_error(cat("--jobs: poll: ", std::strerror(errno)));
      for (std::size_t f = 0; r > 0 && f < fds.size(); ++f) {
        if (fds[f].revents == 0) continue;
        Job& job = jobs[which[f]];
        const int number = static_cast<int>(which[f] + 1);
        char buf[4096];
        const ssize_t n = ::read(job.report, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) job.pending.insert(job.pending.end(), buf, buf + n);
        for (;;) {  // every whole report received
          std::uint32_t size = 0;
          if (job.pending.size() < sizeof size) break;
          std::memcpy(&size, job.pending.data(), sizeof size);
          if (job.pending.size() < sizeof size + size) break;
          const std::vector<char> bytes(job.pending.begin() + sizeof size,
                                        job.pending.begin() + sizeof size + size);
          job.pending.erase(job.pending.begin(), job.pending.begin() + sizeof size + size);
          RunOutcome out;
          const auto index = static_cast<std::size_t>(unpack_outcome(bytes, out));
          queue.release(index);
          job.running.reset();
          finish(index, number, out);
          hand_out(job, number);
        }
        if (n <= 0) {  // the job ended: after its -1, or it died
          job.open = false;
          ::close(job.report);
          ::close(job.assign);
          int status = 0;
          while (::waitpid(job.pid, &status, 0) < 0 && errno == EINTR) {
          }
          const bool died = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
          if (died && !job.running) {  // between runs: nothing of it is lost, but say so
            lost_a_job = true;
            std::cerr << s.program << ": job " << number << " (pid " << job.pid << ") "
                      << death_of(status) << "\n";
          }
          if (job.running) {
            const std::size_t i = *job.running;
            job.running.reset();
            queue.release(i);
            finish(i, number,
                   RunOutcome{.status = RunStatus::failed,
                              .summary = {},
                              .message = cat("job ", number, " (pid ", job.pid, ") ",
                                             death_of(status), " during run ", s.runs[i].run_id,
                                             "; its file stays .partial"),
                              .file = {}});
          }
        }
      }
    }
  } catch (const std::exception& e) {  // the sweep's own failure: no job outlives it
    std::cerr << s.program << ": " << e.what() << "\n";
    for (Job& job : jobs)
      if (job.open && job.pid > 0) {
        ::kill(job.pid, SIGKILL);
        while (::waitpid(job.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
      }
    return 1;
  }
  records.refresh(s);
  if (!write_sweep_summary(s, records)) return 1;
  if (progress.failed() > 0 || lost_a_job) return 1;
  if (!stop.requested && queue.left() > 0) {
    std::cerr << s.program << ": " << queue.left()
              << " run(s) not run: every job ended; rerun to do them\n";
    return 1;
  }
  return stop.requested ? stop_status(s, stop) : 0;
}

}  // namespace lw
