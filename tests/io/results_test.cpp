#include "layerwise/io/results.hpp"

#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <csignal>

#include "layerwise/core/check.hpp"
#include "layerwise/io/h5.hpp"
#include "io/results_fixture.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"

namespace h5 = lw::h5;
namespace fs = std::filesystem;

using lw::test::error_of;

namespace {

enum class Kind { int64, float32, float64, string, boolean };

// Checks type and shape with the C API directly. dims empty = scalar.
void check_type(hid_t type, Kind kind, const std::string& what) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  switch (kind) {
    case Kind::int64: BOOST_TEST((cls == H5T_INTEGER && size == 8), what); break;
    case Kind::float32: BOOST_TEST((cls == H5T_FLOAT && size == 4), what); break;
    case Kind::float64: BOOST_TEST((cls == H5T_FLOAT && size == 8), what); break;
    case Kind::boolean: BOOST_TEST((cls == H5T_ENUM && H5Tget_nmembers(type) == 2), what); break;
    case Kind::string:
      BOOST_TEST((cls == H5T_STRING && H5Tis_variable_str(type) > 0 && H5Tget_cset(type) == H5T_CSET_UTF8), what);
      break;
  }
}

std::vector<hsize_t> dims_of(hid_t space) {
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

void check_attr(const h5::Object& obj, const std::string& name, Kind kind, std::vector<hsize_t> dims = {}) {
  const std::string what = obj.path() + "@" + name;
  BOOST_TEST_REQUIRE(H5Aexists(obj.id(), name.c_str()) > 0, what << " exists");
  const h5::Object a(H5Aopen(obj.id(), name.c_str(), H5P_DEFAULT), H5Aclose, "", what);
  const h5::Object t(H5Aget_type(a.id()), H5Tclose, "", what);
  const h5::Object s(H5Aget_space(a.id()), H5Sclose, "", what);
  check_type(t.id(), kind, what);
  BOOST_TEST(dims_of(s.id()) == dims, what << " shape");
}

void check_dataset(const h5::Object& loc, const std::string& name, Kind kind, std::vector<hsize_t> dims) {
  const std::string what = loc.path() + "/" + name;
  BOOST_TEST_REQUIRE(h5::exists(loc, name), what << " exists");
  const h5::Object d(H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT), H5Dclose, "", what);
  const h5::Object t(H5Dget_type(d.id()), H5Tclose, "", what);
  const h5::Object s(H5Dget_space(d.id()), H5Sclose, "", what);
  check_type(t.id(), kind, what);
  BOOST_TEST(dims_of(s.id()) == dims, what << " shape");
  check_attr(d, "description", Kind::string);
}

herr_t collect_datasets(hid_t, const char* name, const H5O_info_t* info, void* out) {
  if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_results)

BOOST_AUTO_TEST_CASE(a_complete_run_has_every_path_shape_and_type_of_schema_2) {
  lw::test::TempDir dir;
  const fs::path file = lw::test::write_sample_results(dir.path());
  BOOST_TEST(file == dir / (std::string(lw::test::sample_run_id) + ".h5"));
  BOOST_TEST(!fs::exists(dir / (std::string(lw::test::sample_run_id) + ".h5.partial")));
  const h5::Object f = h5::open_file(file);

  for (const char* s : {"run_id", "experiment", "status", "created_utc", "command_line", "toolkit_version",
                        "git_describe", "armadillo_version", "blas", "blas_core", "hdf5_version", "boost_version",
                        "compiler", "build_type", "host"})
    check_attr(f, s, Kind::string);
  for (const char* s : {"schema_version", "seed", "blas_threads"}) check_attr(f, s, Kind::int64);
  BOOST_TEST(h5::read_attr<std::int64_t>(f, "schema_version") == 4);
  BOOST_TEST(h5::read_attr<std::string>(f, "status") == "complete");
  BOOST_TEST(h5::read_attr<std::string>(f, "run_id") == lw::test::sample_run_id);
  BOOST_TEST(h5::read_attr<std::int64_t>(f, "seed") == 7);
  BOOST_TEST(h5::read_attr<std::int64_t>(f, "blas_threads") >= 1);
  BOOST_TEST(h5::read_attr<std::string>(f, "created_utc").size() == 20u);

  const h5::Object config = h5::open_group(f, "config");
  check_attr(config, "finetune.epochs", Kind::int64);
  check_attr(config, "finetune.learning_rate", Kind::float64);
  check_attr(config, "pretrain.enabled", Kind::boolean);
  check_attr(config, "network.activation", Kind::string);
  check_attr(config, "config_hash", Kind::string);
  BOOST_TEST(h5::read_attr<std::string>(config, "config_hash").size() == 16u);

  const h5::Object data = h5::open_group(f, "data");
  for (const char* s : {"source", "path", "checksum"}) check_attr(data, s, Kind::string);
  for (const char* s : {"n_train", "n_valid", "n_test", "n_features", "n_classes"}) check_attr(data, s, Kind::int64);

  const h5::Object net = h5::open_group(f, "network");
  check_attr(net, "depth", Kind::int64);
  check_attr(net, "layer_sizes", Kind::int64, {4});
  check_attr(net, "activations", Kind::string, {3});
  for (const char* s : {"loss", "init", "pretrain", "precision"}) check_attr(net, s, Kind::string);

  for (const char* l : {"pretrain/layer_00", "pretrain/layer_01"}) {
    const h5::Object g = h5::open_group(f, l);
    check_attr(g, "scheme", Kind::string);
    check_attr(g, "corruption", Kind::float64);
    check_attr(g, "epochs", Kind::int64);
    check_attr(g, "wall_time_s", Kind::float64);
    check_dataset(g, "epoch", Kind::int64, {2});
    check_dataset(g, "loss", Kind::float64, {2});
    check_dataset(g, "valid_loss", Kind::float64, {2});
    BOOST_TEST(h5::read_vector<double>(g, "valid_loss")(1) == 0.55);
  }
  BOOST_TEST(!h5::exists(f, "pretrain/layer_02"));

  const h5::Object epochs = h5::open_group(f, "finetune/epochs");
  check_dataset(epochs, "epoch", Kind::int64, {3});
  for (const char* s : {"train_loss", "train_error", "valid_loss", "valid_error", "wall_time_s"})
    check_dataset(epochs, s, Kind::float64, {3});
  check_dataset(epochs, "grad_norm_W_mean", Kind::float64, {3, 3});
  BOOST_TEST(h5::read_attr<std::string>(h5::open_dataset(epochs, "wall_time_s"), "units") == "s");
  BOOST_TEST(h5::read_attr<std::string>(h5::open_dataset(epochs, "valid_error"), "units") == "fraction");
  const arma::mat g = h5::read_matrix<double>(epochs, "grad_norm_W_mean");
  BOOST_TEST(g(2, 1) == 6.0);  // epoch 3, layer 1
  BOOST_TEST(h5::read_vector<double>(epochs, "valid_error")(1) == 0.3);

  const h5::Object steps = h5::open_group(f, "finetune/steps");
  check_dataset(steps, "step", Kind::int64, {6});
  check_dataset(steps, "epoch", Kind::int64, {6});
  check_dataset(steps, "batch_loss", Kind::float64, {6});
  for (const char* s : {"grad_norm_W", "grad_norm_b", "delta_norm", "weight_norm_W", "update_ratio", "act_mean",
                        "act_std", "act_saturated"})
    check_dataset(steps, s, Kind::float64, {6, 3});
  BOOST_TEST(h5::read_matrix<double>(steps, "delta_norm")(4, 2) == 4.0 + 0.2);
  BOOST_TEST(h5::read_vector<std::int64_t>(steps, "epoch")(5) == 3);

  const std::vector<hsize_t> sizes{4, 3, 3, 2};
  for (const char* stage : {"initial", "pretrained", "best"}) {
    for (std::size_t l = 0; l < (std::string(stage) == "pretrained" ? 2u : 3u); ++l) {
      const h5::Object g = h5::open_group(f, lw::cat("weights/", stage, "/layer_0", l));
      check_dataset(g, "W", Kind::float32, {sizes[l + 1], sizes[l]});  // (fan_out, fan_in)
      check_dataset(g, "b", Kind::float32, {sizes[l + 1]});
      std::vector<float> raw(sizes[l + 1] * sizes[l]);  // row-major, as NumPy reads it
      const h5::Object d = h5::open_dataset(g, "W");
      BOOST_REQUIRE(H5Dread(d.id(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) >= 0);
      for (hsize_t i = 0; i < sizes[l + 1]; ++i)
        for (hsize_t j = 0; j < sizes[l]; ++j) BOOST_TEST(raw[i * sizes[l] + j] == 100.0f * l + 10 * i + j);
    }
  }

  const h5::Object summary = h5::open_group(f, "summary");
  for (const char* s : {"best_epoch", "epochs_run"}) check_attr(summary, s, Kind::int64);
  for (const char* s : {"best_valid_error", "test_error", "total_wall_time_s"}) check_attr(summary, s, Kind::float64);
  check_attr(summary, "stopped_early", Kind::boolean);

  std::vector<std::string> datasets;  // every dataset carries a long_name, description and units
  BOOST_REQUIRE(H5Ovisit2(f.id(), H5_INDEX_NAME, H5_ITER_INC, collect_datasets, &datasets, H5O_INFO_BASIC) >= 0);
  // pretrain 2 layers x 3; epochs 7 + layer; steps 11 + layer (version 4); weights 8 layers x 2
  BOOST_TEST(datasets.size() == 2 * 3 + 7 + 1 + 11 + 1 + 2 * 8u);
  for (const auto& d : datasets)
    for (const char* a : {"long_name", "description", "units"})
      BOOST_TEST(H5Aexists_by_name(f.id(), d.c_str(), a, H5P_DEFAULT) > 0, d << "@" << a);
}

BOOST_AUTO_TEST_CASE(pretrain_layer_options_go_under_their_own_keys_never_dotted_ones) {
  lw::test::TempDir dir;
  lw::RunFile f(dir.path(), {.run_id = "r1", .experiment = "t", .seed = 1, .command_line = ""});
  const std::string e = error_of([&] {
    f.begin_pretrain_layer(0, "dae", {{"pretrain.dae.corruption", std::string("0.25")}});
  });
  BOOST_TEST(e.find("not a dotted one (pretrain.dae.corruption)") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(a_run_is_partial_until_complete_and_other_endings_never_look_complete) {
  lw::test::TempDir dir;
  for (const auto status : {lw::RunStatus::diverged, lw::RunStatus::failed, lw::RunStatus::interrupted}) {
    lw::RunFile f(dir.path(), {.run_id = "r1", .experiment = "t", .seed = 1, .command_line = ""});
    BOOST_TEST(f.path() == dir / "r1.h5.partial");
    BOOST_TEST(lw::read_status(dir / "r1.h5.partial").value_or("-") == std::string("running"));
    BOOST_TEST(f.finish(status) == dir / "r1.h5.partial");
    BOOST_TEST(!fs::exists(dir / "r1.h5"));
    BOOST_TEST(lw::read_status(dir / "r1.h5.partial").value_or("-") == lw::to_string(status));
    BOOST_TEST(!lw::is_complete(dir.path(), "r1"));
    BOOST_CHECK_THROW(f.flush(), std::invalid_argument);  // finished
  }
  {
    lw::RunFile f(dir.path(), {.run_id = "r2", .experiment = "t", .seed = 1, .command_line = ""});
  }  // destroyed unfinished: failed
  BOOST_TEST(lw::read_status(dir / "r2.h5.partial").value_or("-") == std::string("failed"));
  {
    lw::RunFile f(dir.path(), {.run_id = "r3", .experiment = "t", .seed = 1, .command_line = ""});
    BOOST_CHECK_THROW(f.finish(lw::RunStatus::complete), std::invalid_argument);  // nothing written
    BOOST_CHECK_THROW(f.finish(lw::RunStatus::running), std::invalid_argument);
  }
  lw::test::write_sample_results(dir.path());
  BOOST_TEST(lw::is_complete(dir.path(), lw::test::sample_run_id));
  BOOST_TEST(!lw::read_status(dir / "nothing.h5").has_value());
  lw::test::write_file(dir / "junk.h5", "not hdf5");
  BOOST_TEST(!lw::read_status(dir / "junk.h5").has_value());
  const auto listed = lw::list_results(dir.path());
  BOOST_REQUIRE(listed.size() == 5u);
  BOOST_TEST(listed[0].run_id == "junk");
  BOOST_TEST(listed[0].status == "unreadable");
  BOOST_TEST(listed[1].run_id == "r1");
  BOOST_TEST(listed[1].status == "interrupted");
  BOOST_TEST(listed[4].run_id == lw::test::sample_run_id);
  BOOST_TEST(listed[4].status == "complete");
}

// A running run can be read while it is written (io/results.hpp, "Live reading"): the writer's
// HDF5 file is hidden and stays open; after each flush a consistent copy is published as the
// .partial. A reader opens the .partial mid-run, sees every flushed epoch and none of the rows not yet flushed, keeps its view while the
// writer goes on, and the writer is never blocked by it.
BOOST_AUTO_TEST_CASE(a_reader_opens_the_partial_mid_run_and_sees_every_flushed_epoch) {
  lw::test::TempDir dir;
  const fs::path partial = dir / "live.h5.partial", writing = dir / ".live.h5.writing";
  lw::RunFile f(dir.path(), {.run_id = "live", .experiment = "t", .seed = 1, .command_line = ""});
  f.write_network(lw::test::sample_network());
  BOOST_TEST(fs::exists(writing));
  BOOST_TEST(f.path() == partial);
  const auto epochs_in = [&](const h5::Object& file) {
    return h5::read_vector<std::int64_t>(file, "finetune/epochs/epoch").n_elem;
  };
  const auto steps_in = [&](const h5::Object& file) {
    return h5::read_vector<std::int64_t>(file, "finetune/steps/step").n_elem;
  };
  f.append_step(lw::test::sample_step(0, 1));
  f.append_step(lw::test::sample_step(1, 1));
  f.append_epoch(lw::test::sample_epoch(1));
  f.append_step(lw::test::sample_step(2, 2));  // held: not flushed yet
  {
    const h5::Object reader = h5::open_file(partial);  // mid-epoch 2
    BOOST_TEST(h5::read_attr<std::string>(reader, "status") == "running");
    BOOST_TEST(epochs_in(reader) == 1u);
    BOOST_TEST(steps_in(reader) == 2u);
    // The reader holds the file open while the writer goes on: neither blocks the other.
    f.append_epoch(lw::test::sample_epoch(2));
    f.append_epoch(lw::test::sample_epoch(3));
    BOOST_TEST(epochs_in(reader) == 1u);  // its own view, whole
    const h5::Object again = h5::open_file(partial);
    BOOST_TEST(epochs_in(again) == 3u);
    BOOST_TEST(steps_in(again) == 3u);
  }
  // Whatever a reader holds, the run finishes under its final name and leaves nothing behind.
  const h5::Object holding = h5::open_file(partial);
  f.write_config({});
  f.write_data({});
  f.write_summary({});
  BOOST_TEST(f.finish(lw::RunStatus::complete) == dir / "live.h5");
  BOOST_TEST(!fs::exists(partial));
  BOOST_TEST(!fs::exists(writing));
  BOOST_TEST(epochs_in(holding) == 3u);
  BOOST_TEST(epochs_in(h5::open_file(dir / "live.h5")) == 3u);
  BOOST_TEST(lw::read_status(dir / "live.h5").value_or("-") == "complete");
  BOOST_TEST(lw::list_results(dir.path()).size() == 1u);
}

// A writer killed mid-run leaves the copy of its last flush, which every reader opens; the next
// writer of that run removes the killed one's hidden file.
BOOST_AUTO_TEST_CASE(a_killed_writer_leaves_a_partial_every_reader_opens_and_a_rerun_clears_its_file) {
  lw::test::TempDir dir;
  const fs::path partial = dir / "k.h5.partial", writing = dir / ".k.h5.writing";
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    lw::RunFile f(dir.path(), {.run_id = "k", .experiment = "t", .seed = 1, .command_line = ""});
    f.write_network(lw::test::sample_network());
    f.append_epoch(lw::test::sample_epoch(1));
    f.append_epoch(lw::test::sample_epoch(2));
    f.append_step(lw::test::sample_step(0, 3));
    ::kill(::getpid(), SIGKILL);
  }
  int wstatus = 0;
  BOOST_REQUIRE(::waitpid(child, &wstatus, 0) == child);
  BOOST_TEST(WIFSIGNALED(wstatus));
  BOOST_TEST(fs::exists(writing));
  const h5::Object reader = h5::open_file(partial);  // no h5clear, no special mode
  BOOST_TEST(h5::read_attr<std::string>(reader, "status") == "running");
  BOOST_TEST(h5::read_vector<std::int64_t>(reader, "finetune/epochs/epoch").n_elem == 2u);
  {
    lw::RunFile again(dir.path(), {.run_id = "k", .experiment = "t", .seed = 1, .command_line = ""});
    again.finish(lw::RunStatus::interrupted);
  }
  BOOST_TEST(!fs::exists(writing));
  BOOST_TEST(lw::read_status(partial).value_or("-") == "interrupted");
}

// Step rows are held in memory and written in blocks: every row must still arrive, in order,
// whether the file is finished, or destroyed unfinished (an exception unwinding).
BOOST_AUTO_TEST_CASE(step_rows_arrive_in_order_across_blocks_at_finish_and_when_unwinding) {
  lw::test::TempDir dir;
  const std::int64_t n = 600;  // more than two blocks of 256 rows
  for (const bool finished : {true, false}) {
    const std::string id = finished ? "finished" : "unwound";
    {
      lw::RunFile f(dir.path(), {.run_id = id, .experiment = "t", .seed = 1, .command_line = ""});
      f.write_network(lw::test::sample_network());
      for (std::int64_t s = 0; s < n; ++s) {
        f.append_step(lw::test::sample_step(s, 1 + s / 250));
        if (s == 299) f.append_epoch(lw::test::sample_epoch(1));  // writes what is held, mid-block
      }
      if (finished) f.finish(lw::RunStatus::interrupted);
    }
    const fs::path file = dir / (id + ".h5.partial");
    BOOST_TEST(lw::read_status(file).value_or("-") == (finished ? "interrupted" : "failed"));
    const h5::Object f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, file.string(), "/");
    BOOST_REQUIRE(f.id() >= 0);
    const auto step = h5::read_vector<std::int64_t>(f, "finetune/steps/step");
    const auto epoch = h5::read_vector<std::int64_t>(f, "finetune/steps/epoch");
    const arma::vec loss = h5::read_vector<double>(f, "finetune/steps/batch_loss");
    const arma::mat act = h5::read_matrix<double>(f, "finetune/steps/act_std");
    BOOST_REQUIRE(step.n_elem == static_cast<arma::uword>(n));
    BOOST_REQUIRE(epoch.n_elem == step.n_elem);
    BOOST_REQUIRE(loss.n_elem == step.n_elem);
    BOOST_REQUIRE((act.n_rows == step.n_elem && act.n_cols == 3u));
    for (std::int64_t s = 0; s < n; ++s) {
      const auto r = static_cast<arma::uword>(s);
      BOOST_TEST(step(r) == s);
      BOOST_TEST(epoch(r) == 1 + s / 250);
      BOOST_TEST(loss(r) == 2.0 / (static_cast<double>(s) + 1));
      BOOST_TEST(act(r, 2) == static_cast<double>(s) + 0.2);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_complete_result_is_never_replaced_unless_asked) {
  lw::test::TempDir dir;
  const fs::path file = lw::test::write_sample_results(dir.path());
  const lw::RunHeader header{.run_id = lw::test::sample_run_id, .experiment = "again", .seed = 2, .command_line = ""};
  std::string message;
  try {
    lw::RunFile f(dir.path(), header);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  BOOST_TEST(message.find(file.string()) != std::string::npos, message);
  BOOST_TEST(lw::is_complete(dir.path(), lw::test::sample_run_id));
  BOOST_TEST(!fs::exists(dir / (std::string(lw::test::sample_run_id) + ".h5.partial")));
  lw::RunFile f(dir.path(), header, /*overwrite=*/true);
  BOOST_TEST(!fs::exists(file));
  BOOST_TEST(lw::read_status(f.path()).value_or("-") == std::string("running"));
}

BOOST_AUTO_TEST_CASE(an_unwritable_folder_gives_an_error_naming_the_file_and_no_hdf5_stack) {
  lw::test::TempDir dir;
  lw::test::write_file(dir / "plain", "a file, not a folder");
  std::string message, printed;
  {
    lw::test::StderrCapture capture(dir / "stderr.txt");
    try {
      lw::RunFile f(dir / "plain" / "sub", {.run_id = "r", .experiment = "t", .seed = 1, .command_line = ""});
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
    try {  // the folder exists but the file name is taken by a folder: HDF5 itself fails
      fs::create_directories(dir / "r.h5.partial");
      lw::RunFile f(dir.path(), {.run_id = "r", .experiment = "t", .seed = 1, .command_line = ""});
    } catch (const std::runtime_error& e) {
      message += "\n" + std::string(e.what());
    }
    printed = capture.text();
  }
  BOOST_TEST_MESSAGE(message);
  BOOST_TEST(message.find((dir / "plain" / "sub" / "r.h5.partial").string()) != std::string::npos, message);
  BOOST_TEST(message.find((dir / "r.h5.partial").string() + ")") != std::string::npos, message);
  BOOST_TEST(printed.empty(), "stderr: " << printed);
}

BOOST_AUTO_TEST_CASE(rows_must_have_one_value_per_layer) {
  lw::test::TempDir dir;
  lw::RunFile f(dir.path(), {.run_id = "r", .experiment = "t", .seed = 1, .command_line = ""});
  BOOST_CHECK_THROW(f.append_epoch(lw::test::sample_epoch(1)), std::invalid_argument);  // no network yet
  f.write_network(lw::test::sample_network());
  lw::StepRow step = lw::test::sample_step(0, 1);
  step.act_std.pop_back();
  BOOST_CHECK_THROW(f.append_step(step), std::invalid_argument);
  lw::EpochRow epoch = lw::test::sample_epoch(1);
  epoch.grad_norm_W_mean.push_back(1);
  BOOST_CHECK_THROW(f.append_epoch(epoch), std::invalid_argument);
  BOOST_CHECK_THROW(f.write_weights(lw::WeightStage::best, 0, arma::fmat(4, 3), arma::fvec(3)), std::invalid_argument);
  BOOST_CHECK_THROW(f.write_config({{"a", 1.0}, {"a", 2.0}}), std::invalid_argument);
  BOOST_CHECK_THROW(lw::RunFile(dir.path(), {.run_id = "../up", .experiment = "t", .seed = 1, .command_line = ""}),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(config_hash_depends_on_keys_values_and_order) {
  const std::vector<lw::ConfigEntry> a{{"x", std::int64_t{1}}, {"y", 0.1}, {"z", true}, {"w", std::string("s")}};
  auto b = a;
  b[1].value = 0.1000000001;
  auto c = a;
  std::swap(c[0], c[1]);
  BOOST_TEST(lw::config_hash(a) == lw::config_hash(a));
  BOOST_TEST(lw::config_hash(a) != lw::config_hash(b));
  BOOST_TEST(lw::config_hash(a) != lw::config_hash(c));
  BOOST_TEST(lw::config_hash({}) == "cbf29ce484222325");  // FNV-1a offset basis
}

BOOST_AUTO_TEST_CASE(a_killed_run_keeps_every_flushed_epoch) {
  lw::test::TempDir dir;
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      lw::test::write_then_kill(dir.path(), 2000);
    } catch (...) {
      _exit(3);
    }
  }
  int wstatus = 0;
  BOOST_REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  BOOST_TEST(WIFSIGNALED(wstatus));
  BOOST_TEST(WTERMSIG(wstatus) == SIGKILL);
  const fs::path partial = dir / "killed.h5.partial";
  BOOST_REQUIRE(fs::exists(partial));
  // Plain C API, as a reader in another process would.
  const hid_t f = H5Fopen(partial.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  BOOST_REQUIRE(f >= 0);
  {
    const h5::Object file(f, H5Fclose, partial.string(), "/");
    BOOST_TEST(h5::read_attr<std::string>(file, "status") == "running");
    const h5::Object d(H5Dopen2(f, "/finetune/epochs/epoch", H5P_DEFAULT), H5Dclose, "", "epoch");
    BOOST_REQUIRE(d.id() >= 0);
    const h5::Object s(H5Dget_space(d.id()), H5Sclose, "", "");
    hsize_t rows = 0;
    H5Sget_simple_extent_dims(s.id(), &rows, nullptr);
    BOOST_TEST(rows >= 3u);
    std::vector<std::int64_t> epochs(rows);
    BOOST_REQUIRE(H5Dread(d.id(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, epochs.data()) >= 0);
    for (std::size_t e = 0; e < 3; ++e) BOOST_TEST(epochs[e] == static_cast<std::int64_t>(e + 1));
    const arma::mat g = h5::read_matrix<double>(file, "finetune/epochs/grad_norm_W_mean");
    BOOST_TEST(g(2, 2) == 9.0);
    BOOST_TEST(h5::read_vector<std::int64_t>(file, "finetune/steps/step").n_elem >= 3u);
  }
  BOOST_TEST(lw::list_results(dir.path()).at(0).status == "running");
}

BOOST_AUTO_TEST_SUITE_END()
