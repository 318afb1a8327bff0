// gradient_probe.h5: the writer produces the documented layout, read back here with the plain
// HDF5 layer (as tools/analysis/lwresults reads it with h5py).
#include "layerwise/io/probe_file.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "layerwise/io/h5.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

// Distinct values in every field, so a field written under another's name is caught. L = 3.
lw::ProbeRecord sample_record(double base) {
  const auto v = [&](double k) { return std::vector<double>{base + k, base + k + 0.25, base + k + 0.5}; };
  return {.grad_norm_W = v(1),
          .grad_norm_b = v(2),
          .delta_norm = v(3),
          .weight_norm_W = v(4),
          .act_mean = v(5),
          .act_std = v(6),
          .act_saturated = v(7),
          .ratio_first_last = base + 0.125,
          .n_batches = 4,
          .batch_size = 128};
}

void check_record(const lw::h5::Object& f, const std::string& group, const lw::ProbeRecord& r) {
  BOOST_TEST_CONTEXT(group) {
    const lw::h5::Object g = lw::h5::open_group(f, group);
    const std::vector<std::pair<const char*, const std::vector<double>*>> fields{
        {"grad_norm_W", &r.grad_norm_W}, {"grad_norm_b", &r.grad_norm_b},
        {"delta_norm", &r.delta_norm},   {"weight_norm_W", &r.weight_norm_W},
        {"act_mean", &r.act_mean},       {"act_std", &r.act_std},
        {"act_saturated", &r.act_saturated}};
    for (const auto& [name, expected] : fields) {
      const arma::vec stored = lw::h5::read_vector<double>(g, name);
      BOOST_TEST(std::vector<double>(stored.begin(), stored.end()) == *expected,
                 boost::test_tools::per_element());
      BOOST_TEST(!lw::h5::read_attr<std::string>(lw::h5::open_dataset(g, name), "description").empty());
    }
    BOOST_TEST(lw::h5::read_attr<std::string>(lw::h5::open_dataset(g, "act_saturated"), "units") ==
               "fraction");
    BOOST_TEST(!lw::h5::exists(g, "update_ratio"));
    BOOST_TEST(lw::h5::read_attr<double>(g, "ratio_first_last") == r.ratio_first_last);
    BOOST_TEST(lw::h5::read_attr<std::int64_t>(g, "n_batches") == r.n_batches);
    BOOST_TEST(lw::h5::read_attr<std::int64_t>(g, "batch_size") == r.batch_size);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_probe_file)

BOOST_AUTO_TEST_CASE(a_finished_file_has_the_documented_layout) {
  lw::test::TempDir dir;
  const lw::ProbeRecord a = sample_record(10), b = sample_record(20), c = sample_record(30);
  lw::ProbeFile file(dir.path(), {.command_line = "gradient_probe --depths 2", .seed = 7,
                                  .data_checksum = "abc123"});
  file.write_probe("sigmoid", "xavier", 2, a);
  file.write_probe("tanh", "uniform", 12, b);
  file.write_loaded(0, "models/net.h5", 3, c);
  const fs::path path = file.finish();
  BOOST_TEST(path == dir / "gradient_probe.h5");
  BOOST_TEST(!fs::exists(dir / "gradient_probe.h5.partial"));

  const lw::h5::Object f = lw::h5::open_file(path);
  // The root: how lwresults tells a probe file from a run (/probe, no run_id).
  BOOST_TEST(lw::h5::exists(f, "probe"));
  BOOST_TEST(!lw::h5::has_attr(f, "run_id"));
  BOOST_TEST(lw::h5::read_attr<std::string>(f, "command_line") == "gradient_probe --depths 2");
  BOOST_TEST(lw::h5::read_attr<std::int64_t>(f, "seed") == 7);
  BOOST_TEST(lw::h5::read_attr<std::string>(f, "data_checksum") == "abc123");
  for (const char* key : {"created_utc", "toolkit_version", "git_describe", "hdf5_version", "blas_core"})
    BOOST_TEST(lw::h5::has_attr(f, key), key);

  check_record(f, "probe/sigmoid/xavier/depth_02", a);
  check_record(f, "probe/tanh/uniform/depth_12", b);
  check_record(f, "loaded/network_00", c);
  const lw::h5::Object g = lw::h5::open_group(f, "probe/tanh/uniform/depth_12");
  BOOST_TEST(lw::h5::read_attr<std::int64_t>(g, "depth") == 12);
  BOOST_TEST(lw::h5::read_attr<std::string>(g, "arm") == "uniform");
  BOOST_TEST(lw::h5::read_attr<std::string>(g, "activation") == "tanh");
  const lw::h5::Object l = lw::h5::open_group(f, "loaded/network_00");
  BOOST_TEST(lw::h5::read_attr<std::int64_t>(l, "depth") == 3);
  BOOST_TEST(lw::h5::read_attr<std::string>(l, "file") == "models/net.h5");
}

BOOST_AUTO_TEST_CASE(an_unfinished_file_keeps_the_partial_name) {
  lw::test::TempDir dir;
  {
    lw::ProbeFile file(dir.path(), {.command_line = "x", .seed = 1, .data_checksum = ""});
    file.write_probe("sigmoid", "xavier", 1, sample_record(1));
  }
  BOOST_TEST(fs::exists(dir / "gradient_probe.h5.partial"));
  BOOST_TEST(!fs::exists(dir / "gradient_probe.h5"));
  // A new probe replaces the partial one.
  lw::ProbeFile again(dir.path(), {.command_line = "y", .seed = 2, .data_checksum = ""});
  again.finish();
  const lw::h5::Object f = lw::h5::open_file(dir / "gradient_probe.h5");
  BOOST_TEST(lw::h5::read_attr<std::string>(f, "command_line") == "y");
  BOOST_TEST(!lw::h5::exists(f, "probe"));
}

BOOST_AUTO_TEST_CASE(writing_after_finish_is_an_error_naming_the_call) {
  lw::test::TempDir dir;
  lw::ProbeFile file(dir.path(), {});
  file.finish();
  try {
    file.write_probe("sigmoid", "xavier", 1, sample_record(1));
    BOOST_FAIL("no error");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find("ProbeFile::write_probe()") != std::string::npos, e.what());
  }
  BOOST_CHECK_THROW(file.finish(), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_folder_that_does_not_exist_is_an_error_naming_the_file) {
  lw::test::TempDir dir;
  try {
    lw::ProbeFile file(dir / "absent", {});
    BOOST_FAIL("no error");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find((dir / "absent").string()) != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_SUITE_END()
