#pragma once
// Fault injection for the crash tests: named points in the code where a process can be made to
// die as `kill -9` would kill it, deterministically, at the n-th time it passes the point.
//
//   LW_KILL_AT=<point>:<n>   the n-th call of fault_point("<point>") (n >= 1) raises SIGKILL
//
// Without LW_KILL_AT (the normal case) a call costs one test of a cached flag. A malformed value
// is reported on stderr once and ignored. The points (see their callers):
//   flush     RunFile: rows handed to HDF5, before H5Fflush (every epoch end, every layer end)
//   rename    RunFile::finish: status complete written and the file closed, before the rename
//   summary   write_summary_csv: the .tmp written and closed, before its rename
//   stack     write_stack_file: the .partial written and closed, before its rename
#include <optional>
#include <string>
#include <string_view>

namespace lw {

void fault_point(std::string_view point);

struct KillAt {
  std::string point;
  long n = 0;  // >= 1
};
// LW_KILL_AT's value parsed; nullopt if malformed (empty point, n missing, not a number, < 1).
std::optional<KillAt> parse_kill_at(std::string_view text);

}  // namespace lw
