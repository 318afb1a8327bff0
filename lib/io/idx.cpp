#include "layerwise/io/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

constexpr std::uint32_t image_magic = 0x00000803, label_magic = 0x00000801;
constexpr std::uint64_t max_deflate_ratio = 1032;  // deflate cannot expand data more than this

std::string hex32(std::uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// A file read through zlib's gz* interface: gzip data is inflated, anything else is read as is.
// Counts the bytes delivered (the offset in the decompressed stream) for error messages.
class IdxStream {
 public:
  IdxStream(const char* fn, const std::string& path) : fn_(fn), path_(path) {
    require_input_file(fn, path);
    std::error_code ec;
    file_size_ = std::filesystem::file_size(path, ec);
    file_ = gzopen(path.c_str(), "rb");
    require_io(file_ != nullptr, cat(fn_, "(): cannot open ", path, ": ", std::strerror(errno)));
    gzbuffer(file_, 1u << 18);
  }
  ~IdxStream() { if (file_) gzclose(file_); }
  IdxStream(const IdxStream&) = delete;
  IdxStream& operator=(const IdxStream&) = delete;

  // gzerror() prefixes the path; drop it, where() names the file already.
  std::string zlib_message(const char* msg) const {
    std::string m = msg ? msg : "unknown zlib error";
    if (m.rfind(path_ + ": ", 0) == 0) m.erase(0, path_.size() + 2);
    return m;
  }

  std::string where() const { return cat(fn_, "(): ", path_, gzip() ? " (gzip)" : ""); }
  bool gzip() const { return !gzdirect(file_); }
  std::uint64_t offset() const { return offset_; }

  // Upper bound on the bytes still to come: exact for plain files, the deflate limit for gzip.
  std::uint64_t max_remaining() {
    if (gzdirect(file_)) return file_size_ > offset_ ? file_size_ - offset_ : 0;
    return max_deflate_ratio * file_size_;
  }

  // Reads up to n bytes; fewer only at the end of the data. Throws on corrupt or unreadable data.
  std::size_t read_some(void* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const unsigned ask = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
      const int r = gzread(file_, static_cast<char*>(buf) + got, ask);
      if (r < 0) {
        int code = 0;
        const char* msg = gzerror(file_, &code);
        // zlib decodes ahead into its own buffer, so the fault lies at or after this offset.
        throw std::runtime_error(cat(where(), code == Z_ERRNO ? ": cannot read at byte offset "
                                                              : ": corrupt gzip data at or after byte offset ",
                                     offset_ + got, ": ",
                                     code == Z_ERRNO ? std::strerror(errno) : zlib_message(msg)));
      }
      if (r == 0) {
        int code = 0;
        const char* msg = gzerror(file_, &code);  // a truncated gzip stream reports Z_BUF_ERROR
        if (code != Z_OK)
          throw std::runtime_error(cat(where(), ": corrupt or truncated gzip data at byte offset ",
                                       offset_ + got, ": ", zlib_message(msg)));
        break;
      }
      got += static_cast<std::size_t>(r);
    }
    offset_ += got;
    return got;
  }

  // Reads up to n bytes (fewer only at the end of the data) into a buffer that grows with the data
  // actually delivered, so a gzip header claiming more than its stream inflates to fails at the
  // true end of the data instead of allocating what it claims. Up to 256 MiB is reserved on the
  // header's word alone (no regrowth copies for ordinary files).
  std::vector<unsigned char> read_growing(std::uint64_t n) {
    std::vector<unsigned char> out;
    out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(n, std::uint64_t{256} << 20)));
    std::size_t size = 0;
    while (size < n) {
      const auto next = static_cast<std::size_t>(
          std::min<std::uint64_t>(n, std::max<std::uint64_t>(2 * size, 1u << 20)));
      out.resize(next);
      size += read_some(out.data() + size, next - size);
      if (size < next) break;
    }
    out.resize(size);
    return out;
  }

  void read_exact(void* buf, std::size_t n, const std::string& what) {
    const std::uint64_t start = offset_;
    const std::size_t got = read_some(buf, n);
    require_io(got == n, cat(where(), ": truncated at byte offset ", start + got, ": expected ",
                             what, " (", n, " bytes from offset ", start, "), found ", got, " bytes"));
  }

  std::uint32_t read_u32(const std::string& what) {
    unsigned char b[4];
    read_exact(b, 4, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  }

  void expect_magic(std::uint32_t expected, const char* meaning) {
    const std::uint32_t found = read_u32("the magic number");
    require_io(found == expected, cat(where(), ": wrong magic number at byte offset 0: expected ",
                                      hex32(expected), " (", meaning, "), found ", hex32(found)));
  }

  void expect_end() {
    char c;
    const std::uint64_t at = offset_;
    require_io(read_some(&c, 1) == 0,
               cat(where(), ": unexpected data after byte offset ", at, ": the header declares ",
                   at, " bytes in all"));
  }

 private:
  const char* fn_;
  std::string path_;
  gzFile file_ = nullptr;
  std::uint64_t offset_ = 0, file_size_ = 0;
};

}  // namespace

IdxImages read_idx_images(const std::string& path, float divisor) {
  IdxStream in("read_idx_images", path);
  in.expect_magic(image_magic, "unsigned-byte images, 3 dimensions");
  const std::uint64_t n = in.read_u32("the image count");
  const std::uint64_t rows = in.read_u32("the row count"), cols = in.read_u32("the column count");
  require_io(rows > 0 && cols > 0,
             cat(in.where(), ": image size ", rows, "x", cols, " at byte offset 8 must be positive"));
  // rows * cols < 2^64, but n * rows * cols can wrap: compare by division.
  const std::uint64_t image_bytes = rows * cols, room = in.max_remaining();
  require_io(n <= room / image_bytes,
             cat(in.where(), ": truncated: the header declares ", n, " images of ", rows, "x", cols,
                 " (", n, " x ", image_bytes, " bytes from byte offset 16) but the file cannot hold"
                 " that many (at most ", room, " bytes follow)"));
  const std::uint64_t pixels = n * image_bytes;
  const auto truncated = [&](std::uint64_t found) {
    return std::runtime_error(cat(in.where(), ": truncated at byte offset ", 16 + found, ": expected ",
                                  n, " images of ", rows, "x", cols, " (", 16 + pixels, " bytes), found ",
                                  16 + found, " bytes (image ", found / image_bytes, " is incomplete)"));
  };

  IdxImages out;
  out.rows = rows;
  out.cols = cols;
  std::array<float, 256> table;
  for (int v = 0; v < 256; ++v) table[v] = static_cast<float>(v) / divisor;
  if (in.gzip()) {  // the inflated size is known only at the end: the bytes first, then the matrix
    const std::vector<unsigned char> bytes = in.read_growing(pixels);
    if (bytes.size() < pixels) throw truncated(bytes.size());
    out.X.set_size(image_bytes, n);
    std::transform(bytes.begin(), bytes.end(), out.X.memptr(),
                   [&](unsigned char v) { return table[v]; });
  } else {  // the header was checked against the file size: stream into the matrix
    out.X.set_size(image_bytes, n);
    std::vector<unsigned char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(pixels, 1u << 20)));
    float* dst = out.X.memptr();
    std::uint64_t done = 0;
    while (done < pixels) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), pixels - done));
      const std::size_t got = in.read_some(chunk.data(), want);
      if (got < want) throw truncated(done + got);
      for (std::size_t i = 0; i < got; ++i) dst[i] = table[chunk[i]];
      dst += got;
      done += got;
    }
  }
  in.expect_end();
  return out;
}

arma::uvec read_idx_labels(const std::string& path, arma::uword n_classes) {
  IdxStream in("read_idx_labels", path);
  in.expect_magic(label_magic, "unsigned-byte labels, 1 dimension");
  const std::uint64_t n = in.read_u32("the label count");
  require_io(n <= in.max_remaining(),
             cat(in.where(), ": truncated: the header declares ", n, " labels from byte offset 8 but the"
                 " file cannot hold that many (at most ", in.max_remaining(), " bytes follow)"));
  const std::vector<unsigned char> bytes = in.read_growing(n);
  require_io(bytes.size() == n,
             cat(in.where(), ": truncated at byte offset ", 8 + bytes.size(), ": expected ", n,
                 " labels (", n, " bytes from offset 8), found ", bytes.size(), " bytes"));
  in.expect_end();
  arma::uvec y(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    require_io(n_classes == 0 || bytes[i] < n_classes,
               cat(in.where(), ": label ", int{bytes[i]}, " of example ", i, " at byte offset ",
                   8 + i, " is outside the class range [0, ", n_classes, ")"));
    y[i] = bytes[i];
  }
  return y;
}

Dataset read_idx(const std::string& images_path, const std::string& labels_path,
                 arma::uword n_classes) {
  Dataset d;
  d.y = read_idx_labels(labels_path, n_classes);
  IdxImages images = read_idx_images(images_path);
  require_io(images.X.n_cols == d.y.n_elem,
             cat("read_idx(): images file ", images_path, " holds ", images.X.n_cols,
                 " images but labels file ", labels_path, " holds ", d.y.n_elem, " labels"));
  d.X = std::move(images.X);
  d.image_rows = images.rows;
  d.image_cols = images.cols;
  d.n_classes = n_classes > 0 ? n_classes : (d.y.n_elem ? d.y.max() + 1 : 0);
  return d;
}

}  // namespace lw
