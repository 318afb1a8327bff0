#include "layerwise/core/isolated.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : cat("signal ", sig);
}

}  // namespace

double read_timeout_s(double fallback) {
  if (const char* v = std::getenv("LW_READ_TIMEOUT")) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end != v && *end == '\0' && s > 0 && std::isfinite(s)) return s;
  }
  return fallback;
}

Isolated run_isolated(const std::function<std::string()>& fn, double timeout_s) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(cat("run_isolated(): pipe: ", std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(cat("run_isolated(): fork: ", std::strerror(e)));
  }
  if (pid == 0) {  // the child: one byte of outcome, then the text
    ::close(fds[0]);
    // A crash ends the child: no handler inherited from the caller (a test framework's, a
    // sanitizer's) may turn it into an exit or a report.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, SIG_DFL);
    // Nor may it outlive the caller (it shares the caller's open files and locks, e.g. a run's
    // lock): it dies with it, and a Ctrl-C ends it at once.
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);  // the caller died before the line above
    std::string message;
    try {
      const std::string text = fn();
      message.assign(1, 'r');
      message += text;
    } catch (const std::exception& e) {
      message.assign(1, 't');
      message += e.what();
    } catch (...) {
      message.assign("tunknown exception");
    }
    write_all(fds[1], message);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string got;
  bool hung = false, eof = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    // Rounded up: a truncated wait would call a child hung up to 1 ms before its deadline.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      hung = true;
      break;
    }
    pollfd p{.fd = fds[0], .events = POLLIN, .revents = 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if ((r < 0 && errno == EINTR) || r == 0) continue;  // r == 0: the deadline, checked above
    if (r < 0) break;  // poll failed: the child is killed, its answer incomplete
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) eof = true;  // the child closed its end: done, or died
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (!eof) ::kill(pid, SIGKILL);  // hung, or the pipe failed: never wait for ever
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (hung) return {Isolated::Outcome::hung, ""};
  if (WIFSIGNALED(status)) return {Isolated::Outcome::crashed, signal_name(WTERMSIG(status))};
  if (got.empty()) return {Isolated::Outcome::crashed, cat("exit status ", WEXITSTATUS(status))};
  return {got[0] == 'r' ? Isolated::Outcome::returned : Isolated::Outcome::threw, got.substr(1)};
}

}  // namespace lw
