#pragma once
// Runs a function in a forked child process, so that what crashes or hangs inside it takes the
// child down, not the caller. For reading files that may be corrupt: Debian 12's HDF5 (1.10.8)
// does not always raise on a damaged file, it can dereference garbage (SIGSEGV) or loop for ever
// on a corrupt heap; the sweep judges the results files it finds with this before reading them
// itself (experiment/sweep.hpp, unreadable_result).
//
// The child runs fn, sends its text back through a pipe and ends with _exit (no destructors, no
// atexit handlers, no buffered output flushed twice). fn must touch nothing that other threads
// could hold locked at the fork (only the calling thread may be inside HDF5). Linux/POSIX only.
#include <functional>
#include <string>

namespace lw {

struct Isolated {
  enum class Outcome { returned, threw, crashed, hung };
  Outcome outcome = Outcome::crashed;
  std::string text;  // returned: fn's result; threw: what(); crashed: "SIGSEGV", ...; hung: ""
};

// fn() in a child; after timeout_s seconds without an answer the child is killed (hung).
Isolated run_isolated(const std::function<std::string()>& fn, double timeout_s);

// How long a reader may take before it counts as hung: LW_READ_TIMEOUT (seconds, > 0) if set and
// valid, else `fallback`.
double read_timeout_s(double fallback);

}  // namespace lw
