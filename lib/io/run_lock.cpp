#include "layerwise/io/run_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

// FNV-1a 64 of the run id, folded to an offset below 2^40. Two run ids of one folder sharing an
// offset (odds about n^2 / 2^41 for n runs) would make one be left to the holder of the other.
off_t offset_of(const std::string& run_id) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char c : run_id) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return static_cast<off_t>(h % (std::uint64_t{1} << 40));
}

}  // namespace

std::optional<RunLock> RunLock::try_take(const std::filesystem::path& dir, const std::string& run_id) {
  const auto path = dir / ".run_locks";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  require_io(!ec, cat("RunLock: cannot create ", dir.string(), ": ", ec.message()));
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  require_io(fd >= 0, cat("RunLock: cannot open ", path.string(), ": ", std::strerror(errno)));
  struct flock range {};
  range.l_type = F_WRLCK;
  range.l_whence = SEEK_SET;
  range.l_start = offset_of(run_id);
  range.l_len = 1;
  if (::fcntl(fd, F_OFD_SETLK, &range) == 0) return RunLock(fd);
  const int error = errno;
  if (error == EAGAIN || error == EACCES) {  // held by another
    ::close(fd);
    return std::nullopt;
  }
  // A file system without locks (some NFS, CIFS, Lustre without flock): go on unlocked, once said.
  static bool warned = false;
  if (!warned) {
    warned = true;
    std::fprintf(stderr, "warning: %s cannot be locked (%s): runs are not protected from a second "
                 "sweep on this folder\n", path.c_str(), std::strerror(error));
  }
  return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases its locks
}

}  // namespace lw
