#pragma once
// Helpers for the tests of lib/io data readers: IDX bytes, gzip files and message predicates.
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace lw::test {

inline void put_u32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
}

// Pixel value of image j at (r, c): a fixed pseudo-random byte, so compression cannot hide corruption.
inline unsigned char test_pixel(std::uint32_t j, std::uint32_t r, std::uint32_t c) {
  std::uint32_t h = (j * 73856093u) ^ (r * 19349663u) ^ (c * 83492791u);
  h ^= h >> 13;
  h *= 0x5bd1e995u;
  return static_cast<unsigned char>(h >> 24);
}

inline std::string idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  std::string s;
  put_u32(s, 0x00000803);
  put_u32(s, n);
  put_u32(s, rows);
  put_u32(s, cols);
  for (std::uint32_t j = 0; j < n; ++j)
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t c = 0; c < cols; ++c) s.push_back(static_cast<char>(test_pixel(j, r, c)));
  return s;
}

inline std::string idx_labels(const std::vector<unsigned>& labels) {
  std::string s;
  put_u32(s, 0x00000801);
  put_u32(s, static_cast<std::uint32_t>(labels.size()));
  for (unsigned v : labels) s.push_back(static_cast<char>(v));
  return s;
}

inline std::string gzip_bytes(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip_bytes: deflateInit2 failed");
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip_bytes: deflate failed");
  out.resize(z.total_out);
  return out;
}

// A predicate for BOOST_CHECK_EXCEPTION: what() contains every one of the parts.
inline auto message_has(std::initializer_list<std::string> parts) {
  std::vector<std::string> want(parts);
  return [want](const std::exception& e) {
    const std::string what = e.what();
    for (const auto& p : want)
      if (what.find(p) == std::string::npos) {
        std::cerr << "message lacks '" << p << "': " << what << "\n";
        return false;
      }
    return true;
  };
}

}  // namespace lw::test
