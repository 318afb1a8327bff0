#pragma once
// Helpers shared by the fuzz targets (tests/fuzz/*_fuzz.cpp): the input as a file (our readers take
// paths), gzip in memory, and a check that aborts, so libFuzzer and the replay runner both report
// a broken invariant as a finding.
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace lw::fuzz {

// Writes the bytes to `path` (replacing it); aborts if it cannot.
inline void write_file(const std::string& path, const void* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// A file of this process under the temp folder (one per tag), rewritten for every input and
// removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& tag)
      : path_((std::filesystem::temp_directory_path() /
               ("lw_fuzz_" + tag + "_" + std::to_string(::getpid()))).string()) {}
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& write(const void* data, std::size_t size) {
    write_file(path_, data, size);
    return path_;
  }
  const std::string& write(const std::string& bytes) { return write(bytes.data(), bytes.size()); }

 private:
  std::string path_;
};

// The bytes as one gzip member (fast level: the content, not the compressor, is under test).
inline std::string gzip(const std::uint8_t* data, std::size_t size) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, static_cast<uLong>(size)) + 64, '\0');
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// An invariant of a successful read: a violation is a finding.
inline void expect(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: invariant violated: %s\n", what);
  std::abort();
}

}  // namespace lw::fuzz
