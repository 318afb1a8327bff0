#include "layerwise/io/idx.hpp"

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "io/io_test_util.hpp"

using namespace lw::test;

namespace {

struct IdxFiles {
  TempDir dir;
  std::string images = (dir / "images").string(), labels = (dir / "labels").string();
  IdxFiles(std::uint32_t n = 5, std::uint32_t rows = 3, std::uint32_t cols = 4) {
    write_file(images, idx_images(n, rows, cols));
    std::vector<unsigned> y;
    for (std::uint32_t j = 0; j < n; ++j) y.push_back(j % 3);
    write_file(labels, idx_labels(y));
  }
};

void check_pixels(const lw::IdxImages& im, std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  BOOST_TEST(im.rows == rows);
  BOOST_TEST(im.cols == cols);
  BOOST_REQUIRE(im.X.n_rows == rows * cols);
  BOOST_REQUIRE(im.X.n_cols == n);
  for (std::uint32_t j = 0; j < n; ++j)
    for (std::uint32_t r = 0; r < rows; ++r)
      for (std::uint32_t c = 0; c < cols; ++c)
        BOOST_TEST(im.X(r * cols + c, j) == static_cast<float>(test_pixel(j, r, c)) / 255.0f);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_idx)

BOOST_AUTO_TEST_CASE(plain_images_round_trip_one_image_per_column_scaled_by_255) {
  IdxFiles f(5, 3, 4);
  check_pixels(lw::read_idx_images(f.images), 5, 3, 4);
  const lw::IdxImages raw = lw::read_idx_images(f.images, 1.0f);
  BOOST_TEST(raw.X(1 * 4 + 2, 3) == static_cast<float>(test_pixel(3, 1, 2)));
}

BOOST_AUTO_TEST_CASE(gzip_files_are_detected_by_magic_bytes_not_by_name) {
  TempDir dir;
  const std::string images = (dir / "images.plainname").string(), labels = (dir / "labels.gz").string();
  write_file(images, gzip_bytes(idx_images(7, 2, 5)));
  write_file(labels, gzip_bytes(idx_labels({0, 1, 2, 3, 4, 5, 6})));
  const lw::Dataset d = lw::read_idx(images, labels);
  check_pixels(lw::read_idx_images(images), 7, 2, 5);
  BOOST_TEST(d.n_classes == 7u);
  BOOST_TEST(d.image_rows == 2u);
  BOOST_TEST(d.image_cols == 5u);
  BOOST_TEST(d.y[6] == 6u);
  BOOST_TEST(d.X.n_cols == 7u);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_named) {
  TempDir dir;
  const std::string path = (dir / "nope").string();
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(path), std::runtime_error, message_has({path, "no such file"}));
  BOOST_CHECK_EXCEPTION(lw::read_idx_labels(path), std::runtime_error, message_has({path, "no such file"}));
}

BOOST_AUTO_TEST_CASE(an_unreadable_file_is_named) {
  TempDir dir;
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(dir.path().string()), std::runtime_error,
                        message_has({dir.path().string(), "not a regular file"}));
  IdxFiles f;
  std::filesystem::permissions(f.images, std::filesystem::perms::none);
  if (geteuid() == 0) {
    BOOST_TEST_MESSAGE("running as root: chmod 000 does not block reading; checked a directory instead");
  } else {
    BOOST_CHECK_EXCEPTION(lw::read_idx_images(f.images), std::runtime_error, message_has({f.images, "cannot open"}));
  }
}

BOOST_AUTO_TEST_CASE(a_wrong_magic_number_is_reported_with_expected_and_found) {
  IdxFiles f;
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(f.labels), std::runtime_error,
                        message_has({f.labels, "wrong magic number", "byte offset 0", "0x00000803", "0x00000801"}));
  BOOST_CHECK_EXCEPTION(lw::read_idx_labels(f.images), std::runtime_error,
                        message_has({f.images, "wrong magic number", "0x00000801", "found 0x00000803"}));
}

BOOST_AUTO_TEST_CASE(an_empty_file_is_truncated_at_offset_zero) {
  TempDir dir;
  const std::string path = (dir / "empty").string();
  write_file(path, "");
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(path), std::runtime_error,
                        message_has({path, "truncated at byte offset 0", "magic number"}));
}

BOOST_AUTO_TEST_CASE(truncated_data_is_reported_plain_and_gzip) {
  TempDir dir;
  const std::string full = idx_images(6, 4, 4), cut = full.substr(0, full.size() - 20);
  const std::string plain = (dir / "plain").string(), gz = (dir / "gz").string(), gzcut = (dir / "gzcut").string();
  write_file(plain, cut);
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(plain), std::runtime_error,
                        message_has({plain, "truncated", "6 images of 4x4"}));
  write_file(gz, gzip_bytes(cut));  // a complete gzip stream of too little data
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(gz), std::runtime_error,
                        message_has({gz, "truncated at byte offset 92", "6 images of 4x4", "image 4 is incomplete"}));
  const std::string z = gzip_bytes(full);
  write_file(gzcut, z.substr(0, z.size() / 2));  // the gzip stream itself is cut
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(gzcut), std::runtime_error, message_has({gzcut, "byte offset"}));
  write_file(plain, idx_labels({1, 2, 3}).substr(0, 10));
  BOOST_CHECK_EXCEPTION(lw::read_idx_labels(plain), std::runtime_error, message_has({plain, "truncated"}));
}

BOOST_AUTO_TEST_CASE(a_header_declaring_more_than_the_file_can_hold_fails_before_allocating) {
  TempDir dir;
  std::string s;
  put_u32(s, 0x00000803);
  for (int i = 0; i < 3; ++i) put_u32(s, 0xffffffffu);
  const std::string path = (dir / "huge").string(), gz = (dir / "huge.gz").string();
  write_file(path, s);
  write_file(gz, gzip_bytes(s));
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(path), std::runtime_error, message_has({path, "cannot hold"}));
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(gz), std::runtime_error, message_has({gz, "cannot hold"}));
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_data_is_reported_with_the_offset) {
  TempDir dir;
  std::string z = gzip_bytes(idx_images(40, 10, 10));
  for (std::size_t i = z.size() / 2; i < z.size() / 2 + 16; ++i) z[i] = static_cast<char>(z[i] ^ 0x5a);
  const std::string path = (dir / "corrupt").string();
  write_file(path, z);
  BOOST_CHECK_EXCEPTION(lw::read_idx_images(path), std::runtime_error,
                        message_has({path, "(gzip)", "corrupt gzip data at or after byte offset"}));
}

BOOST_AUTO_TEST_CASE(trailing_bytes_after_the_declared_data_are_an_error) {
  TempDir dir;
  const std::string path = (dir / "long").string();
  write_file(path, idx_labels({1, 2}) + "x");
  BOOST_CHECK_EXCEPTION(lw::read_idx_labels(path), std::runtime_error,
                        message_has({path, "unexpected data after byte offset 10"}));
}

BOOST_AUTO_TEST_CASE(images_and_labels_of_different_counts_name_both_files) {
  IdxFiles f(5, 2, 2);
  write_file(f.labels, idx_labels({0, 1, 2, 3}));
  BOOST_CHECK_EXCEPTION(lw::read_idx(f.images, f.labels), std::runtime_error,
                        message_has({f.images, f.labels, "5 images", "4 labels"}));
}

BOOST_AUTO_TEST_CASE(a_label_outside_the_class_range_names_example_and_offset) {
  IdxFiles f(4, 2, 2);
  write_file(f.labels, idx_labels({0, 9, 10, 1}));
  BOOST_CHECK_EXCEPTION(lw::read_idx_labels(f.labels, 10), std::runtime_error,
                        message_has({f.labels, "label 10 of example 2", "byte offset 10", "[0, 10)"}));
  BOOST_CHECK_EXCEPTION(lw::read_idx(f.images, f.labels, 10), std::runtime_error, message_has({f.labels}));
  BOOST_TEST(lw::read_idx(f.images, f.labels).n_classes == 11u);
}

BOOST_AUTO_TEST_SUITE_END()
