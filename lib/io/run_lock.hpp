#pragma once
// Which process is running which run, so that sweeps sharing a results folder (two started at
// once, shards of a job array, a rerun while a sweep is still going) share the work: a run is
// trained by one process at a time, and its files are written by that process alone.
//
// The lock of a run is an open-file-description lock (fcntl F_OFD_SETLK) on one byte of
// <dir>/.run_locks, at an offset from a hash of the run id. The kernel drops it when the holder
// closes the file or ends, however it ends (a SIGKILL, a crash): a lock never outlives its
// process, and nothing needs cleaning up. Linux only (F_OFD_SETLK, 3.15 and later). On a file
// system that cannot lock (some NFS, CIFS, Lustre mounts) a warning is printed once and runs go
// on unprotected.
#include <filesystem>
#include <optional>
#include <string>

namespace lw {

class RunLock {
 public:
  // Takes the lock of run_id in dir without waiting; nullopt when another holder has it. Throws
  // std::runtime_error naming the file when the lock file cannot be opened.
  static std::optional<RunLock> try_take(const std::filesystem::path& dir, const std::string& run_id);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();  // releases it

 private:
  RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace lw
