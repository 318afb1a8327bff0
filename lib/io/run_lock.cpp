#include "layerwise/io/run_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

// FNV-1a 64 of the run id, folded to an offset below 2^40 (collisions: a run waits for another).
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
  ::close(fd);
  require_io(error == EAGAIN || error == EACCES,
             cat("RunLock: cannot lock ", path.string(), " for ", run_id, ": ", std::strerror(error)));
  return std::nullopt;
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases its locks
}

}  // namespace lw
