// The stacks a sweep's runs share: keyed by what decides a layer's numbers, read back instead of
// retrained, extended layer by layer, waited for while another process trains them, and never
// used when damaged or foreign.
#include "layerwise/experiment/stack_store.hpp"
// GCC 12 reports a false -Wrestrict on assigning short literals to std::string at -O3 (PR 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "experiment/sweep_runner.hpp"
#include "layerwise/core/random.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/io/run_lock.hpp"
#include "layerwise/nn/make_network.hpp"
#include "support/contains.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<lw::ConfigEntry> run_config() {
  return {{"data.source", std::string("bars_stripes")}, {"data.n_train", std::int64_t{100}},
          {"precision", std::string("float32")},         {"pretrain_init", std::string("xavier")},
          {"init_scale", 0.0},                            {"finetune.learning_rate", 0.1},
          {"run.depth", std::int64_t{3}},                 {"run.arm", std::string("dae")},
          {"run.activation", std::string("sigmoid")},     {"run.width", std::int64_t{8}},
          {"run.seed", std::int64_t{1}},                  {"pretrain.dae.corruption", 0.25},
          {"pretrain.ae.epochs", std::int64_t{5}}};
}

std::vector<lw::ConfigEntry> with(std::vector<lw::ConfigEntry> entries, const std::string& key,
                                  lw::ConfigValue value) {
  for (auto& e : entries)
    if (e.key == key) e.value = std::move(value);
  return entries;
}

// Layer l of a made-up stack: fan_in 6 below, 4 units; its training one epoch of loss l.
lw::TrainedLayer<float> made_layer(int l) {
  lw::Rng rng(static_cast<std::uint64_t>(10 + l));
  lw::TrainedLayer<float> t{lw::make_layer<float>(l == 0 ? 6 : 4, 4, lw::Activation::sigmoid, "xavier",
                                                  std::nan(""), rng),
                            lw::TrainResult{}, ""};
  t.train.epochs.push_back({.epoch = 0, .train_loss = static_cast<double>(l)});
  return t;
}

struct Trainer {
  int calls = 0;
  std::function<lw::TrainedLayer<float>()> of(int l) {
    return [this, l] {
      ++calls;
      return made_layer(l);
    };
  }
};

// depth 1-3 x (uniform, ae, dae) x seeds 1-2, with the weights in the files; `more` replaces the
// value of an option given here ("--depths", "1") or adds options.
std::vector<std::string> sweep_grid(const fs::path& results, std::vector<std::string> more = {}) {
  std::vector<std::string> args{
      "--results", results.string(), "--experiment", "r", "--depths", "1-3", "--inits", "uniform,ae,dae",
      "--seeds", "1-2", "--width", "12", "--threads", "1", "--jobs", "1", "--data.source", "bars_stripes",
      "--data.n_examples", "300", "--finetune.epochs", "3", "--pretrain.ae.epochs", "2",
      "--pretrain.dae.epochs", "2", "--log.every", "2", "--log.weights"};
  for (std::size_t i = 0; i < more.size(); ++i) {
    const auto at = std::find(args.begin(), args.end(), more[i]);
    if (at != args.end() && i + 1 < more.size() && more[i + 1].rfind("--", 0) != 0) {
      *(at + 1) = more[++i];
    } else {
      args.push_back(more[i]);
    }
  }
  return args;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

int compare_runs(const fs::path& a, const fs::path& b) { return lw::test::compare_run_folders(a, b); }

const lw::StackHeader header{.key = "0123456789abcdef", .key_text = "x=1\n", .scheme = "dae"};

}  // namespace

BOOST_AUTO_TEST_SUITE(experiment_stack_store)

BOOST_AUTO_TEST_CASE(the_key_holds_what_decides_a_layer_and_nothing_about_fine_tuning_or_depth) {
  const auto key = [](const std::vector<lw::ConfigEntry>& c) { return lw::stack_header(c).key; };
  const std::string base = key(run_config());
  BOOST_TEST(base.size() == 16u);
  BOOST_TEST(key(with(run_config(), "run.depth", std::int64_t{5})) == base);
  BOOST_TEST(key(with(run_config(), "finetune.learning_rate", 0.3)) == base);
  BOOST_TEST(key(with(run_config(), "pretrain.ae.epochs", std::int64_t{9})) == base);  // another scheme's
  for (const auto& [k, v] : std::vector<std::pair<std::string, lw::ConfigValue>>{
           {"data.n_train", std::int64_t{200}}, {"precision", std::string("float64")},
           {"pretrain_init", std::string("orthogonal")}, {"init_scale", 0.5},
           {"run.activation", std::string("tanh")}, {"run.width", std::int64_t{9}},
           {"run.seed", std::int64_t{2}}, {"pretrain.dae.corruption", 0.1}})
    BOOST_TEST(key(with(run_config(), k, v)) != base, k);
  const auto h = lw::stack_header(run_config());
  BOOST_TEST(h.scheme == "dae");
  BOOST_TEST(h.key_text.rfind("stack_format=1\ndata.source=bars_stripes\ndata.n_train=100\n", 0) == 0u, h.key_text);
  BOOST_TEST(h.key_text.find("blas_threads=") != std::string::npos);
  BOOST_TEST(h.key_text.find("finetune") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(labeled_examples_decide_only_the_stacks_of_schemes_that_need_labels) {
  const auto key = [](const std::vector<lw::ConfigEntry>& c) { return lw::stack_header(c).key; };
  auto config = run_config();
  config.push_back({"data.n_labeled", std::int64_t{0}});
  const std::string dae = key(config);
  BOOST_TEST(dae == key(run_config()));  // left at 0: not in the key
  BOOST_TEST(key(with(config, "data.n_labeled", std::int64_t{50})) == dae);  // dae sees every example
  auto supervised = with(config, "run.arm", std::string("supervised"));
  const std::string all_labels = key(supervised);
  BOOST_TEST(key(with(supervised, "data.n_labeled", std::int64_t{50})) != all_labels);
  BOOST_TEST(lw::stack_header(with(supervised, "data.n_labeled", std::int64_t{50})).key_text.find("data.n_labeled=50") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_second_store_reads_the_layers_the_first_trained_and_extends_the_stack) {
  lw::test::TempDir dir;
  Trainer trainer;
  {
    lw::StackStore<float> first(dir.path(), header);
    for (int l = 0; l < 2; ++l) BOOST_TEST(first.layer(l, trainer.of(l)).stored_in == "");
    BOOST_TEST(first.trained() == 2);
  }
  BOOST_TEST(trainer.calls == 2);
  BOOST_TEST(lw::stack_file_layers(dir / "stacks/0123456789abcdef.h5") == 2);
  lw::StackStore<float> second(dir.path(), header);
  for (int l = 0; l < 2; ++l) {
    const auto t = second.layer(l, trainer.of(l));
    BOOST_TEST(t.stored_in == "stacks/0123456789abcdef.h5");
    BOOST_TEST(arma::approx_equal(t.layer.W, made_layer(l).layer.W, "absdiff", 0.0f));
    BOOST_TEST(t.train.epochs.at(0).train_loss == static_cast<double>(l));
  }
  BOOST_TEST(trainer.calls == 2);  // nothing retrained
  BOOST_TEST(second.layer(2, trainer.of(2)).stored_in == "");
  BOOST_TEST(trainer.calls == 3);
  BOOST_TEST(second.read() == 2);
  BOOST_TEST(lw::stack_file_layers(dir / "stacks/0123456789abcdef.h5") == 3);
  BOOST_TEST(!fs::exists(dir / "stacks/0123456789abcdef.h5.partial"));
}

BOOST_AUTO_TEST_CASE(a_layer_that_does_not_complete_is_not_stored) {
  lw::test::TempDir dir;
  lw::StackStore<float> store(dir.path(), header);
  const auto t = store.layer(0, [] {
    auto d = made_layer(0);
    d.train.status = lw::TrainStatus::diverged;
    return d;
  });
  BOOST_TEST((t.train.status == lw::TrainStatus::diverged));
  BOOST_TEST(!fs::exists(dir / "stacks/0123456789abcdef.h5"));
}

BOOST_AUTO_TEST_CASE(a_damaged_or_foreign_stack_file_is_retrained_and_replaced) {
  lw::test::TempDir dir;
  fs::create_directories(dir / "stacks");
  const fs::path file = dir / "stacks/0123456789abcdef.h5";
  for (const std::string& bytes : {std::string("\x89HDF\r\n\x1a\n garbage"), std::string()}) {
    if (bytes.empty()) {  // a stack of another key under this name
      auto foreign = header;
      foreign.key = "ffffffffffffffff";
      lw::write_stack_file(file, foreign, std::vector<lw::TrainedLayer<float>>{made_layer(0)});
    } else {
      lw::test::write_file(file, bytes);
    }
    std::string why;
    BOOST_TEST(lw::usable_stack_layers(file, header, "float32", &why) == -1);
    BOOST_TEST(!why.empty());
    Trainer trainer;
    lw::StackStore<float> store(dir.path(), header);
    BOOST_TEST(store.layer(0, trainer.of(0)).stored_in == "");
    BOOST_TEST(trainer.calls == 1);
    BOOST_TEST(lw::stack_file_key(file) == header.key);
    BOOST_TEST(fs::exists(file.string() + ".unreadable"));  // set aside, not deleted
  }
}

BOOST_AUTO_TEST_CASE(a_stack_that_cannot_be_stored_leaves_the_run_going) {
  lw::test::TempDir dir;
  fs::create_directories(dir / "stacks/0123456789abcdef.h5/inside");  // a folder under its name
  Trainer trainer;
  lw::StackStore<float> store(dir.path(), header);
  BOOST_TEST(store.layer(0, trainer.of(0)).stored_in == "");
  BOOST_TEST(fs::is_directory(dir / "stacks/0123456789abcdef.h5.unreadable/inside"));
  BOOST_TEST(lw::stack_file_layers(dir / "stacks/0123456789abcdef.h5") == 1);
  // Where nothing can be written (a read-only folder; not for root), the run still gets its layer.
  if (geteuid() != 0) {
    lw::test::TempDir ro;
    fs::create_directories(ro / "stacks");
    fs::permissions(ro / "stacks", fs::perms::owner_read | fs::perms::owner_exec);
    lw::StackStore<float> stuck(ro.path(), header);
    BOOST_TEST(stuck.layer(0, trainer.of(0)).stored_in == "");
    fs::permissions(ro / "stacks", fs::perms::owner_all);
  }
}

BOOST_AUTO_TEST_CASE(a_layer_another_process_is_training_is_waited_for_not_trained_twice) {
  lw::test::TempDir dir;
  fs::create_directories(dir / "stacks");
  auto held = lw::RunLock::try_take(dir / "stacks", header.key);  // "another process" trains
  BOOST_TEST_REQUIRE(held.has_value());
  Trainer trainer;
  std::atomic<bool> done{false};
  lw::TrainedLayer<float> got;
  std::thread waiter([&] {
    lw::StackStore<float> store(dir.path(), header);
    got = store.layer(0, trainer.of(0));
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  BOOST_TEST(!done);
  lw::write_stack_file(dir / "stacks/0123456789abcdef.h5", header,
                       std::vector<lw::TrainedLayer<float>>{made_layer(0)});
  held.reset();
  waiter.join();
  BOOST_TEST(trainer.calls == 0);
  BOOST_TEST(got.stored_in == "stacks/0123456789abcdef.h5");
}

BOOST_AUTO_TEST_CASE(a_sweep_with_stored_stacks_writes_the_files_of_one_without_bit_for_bit) {
  using lw::test::contains;
  lw::test::TempDir dir;
  const auto plan = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "with", {"--dry-run"}), dir / "p.txt");
  BOOST_TEST(contains(plan.output, "pretraining: 4 stored stack(s) in "), plan.output);
  BOOST_TEST(contains(plan.output, "12 layer(s) to train, 12 read from stacks (24 layer pretrainings without reuse)"),
             plan.output);
  BOOST_TEST(contains(plan.output, "ae sigmoid w12 s01: 3 layer(s) needed, none stored, 3 to train"), plan.output);
  const auto with = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "with"), dir / "a.txt");
  BOOST_TEST_REQUIRE(with.exit_code == 0, with.output);
  const auto without = lw::test::run_program(lw::test::depth_sweep(),
                                             sweep_grid(dir / "without", {"--pretrain.reuse=false"}), dir / "b.txt");
  BOOST_TEST_REQUIRE(without.exit_code == 0, without.output);
  BOOST_TEST(compare_runs(dir / "with/r", dir / "without/r") == 18);
  // Depth 2 reads 1 layer, depth 3 reads 2, for each of 4 stacks; without reuse nothing is read.
  BOOST_TEST(count(with.output, ": stored (stacks/") == 12, with.output);
  BOOST_TEST(count(without.output, ": stored (") == 0);
  BOOST_TEST(!fs::exists(dir / "without/r/stacks"));
  int stacks = 0;
  for (const auto& f : fs::directory_iterator(dir / "with/r/stacks"))
    if (f.path().extension() == ".h5") {
      ++stacks;
      BOOST_TEST(lw::stack_file_layers(f.path()) == 3);
    }
  BOOST_TEST(stacks == 4);
  // Each run file names its stack; a layer says where it came from.
  const lw::h5::Object f = lw::h5::open_file(dir / "with/r/d3-sigmoid-w12-dae-s02.h5");
  const lw::h5::Object p = lw::h5::open_group(f, "pretrain");
  const auto file = lw::h5::read_attr<std::string>(p, "stack_file");
  BOOST_TEST(file == "stacks/" + lw::h5::read_attr<std::string>(p, "stack_key") + ".h5");
  BOOST_TEST(fs::exists(dir / "with/r" / file));
  BOOST_TEST(lw::h5::read_attr<std::string>(lw::h5::open_group(p, "layer_01"), "stored_in") == file);
  BOOST_TEST(lw::h5::read_attr<std::string>(lw::h5::open_group(p, "layer_02"), "stored_in") == "");
  const lw::h5::Object g = lw::h5::open_file(dir / "without/r/d3-sigmoid-w12-dae-s02.h5");
  BOOST_TEST(lw::h5::read_attr<std::string>(lw::h5::open_group(g, "pretrain"), "stack_file") == "");
  // A rerun with --overwrite trains no layer at all: every one is stored.
  const auto again = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "with", {"--overwrite"}),
                                           dir / "c.txt");
  BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
  BOOST_TEST(count(again.output, ": stored (stacks/") == 24, again.output);
  BOOST_TEST(compare_runs(dir / "with/r", dir / "without/r") == 18);
}

BOOST_AUTO_TEST_CASE(a_damaged_stored_stack_is_reported_retrained_and_changes_no_result) {
  using lw::test::contains;
  lw::test::TempDir dir;
  const std::vector<std::string> small{"--depths", "1,2", "--inits", "dae", "--seeds", "1"};
  BOOST_TEST_REQUIRE(lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "a", small), dir / "a.txt").exit_code == 0);
  fs::path stack;
  for (const auto& f : fs::directory_iterator(dir / "a/r/stacks"))
    if (f.path().extension() == ".h5") stack = f.path();
  BOOST_TEST_REQUIRE(!stack.empty());
  fs::create_directories(dir / "b");
  fs::copy(dir / "a/r", dir / "b/r", fs::copy_options::recursive);
  const fs::path damaged = dir / "b/r/stacks" / stack.filename();
  fs::resize_file(damaged, fs::file_size(damaged) / 2);  // a truncated copy
  auto more = small;
  more.push_back("--overwrite");
  const auto dry = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "b", {"--dry-run", "--overwrite"}), dir / "d.txt");
  BOOST_TEST(contains(dry.output, "damaged ("), dry.output);
  const auto r = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "b", more), dir / "b.txt");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  BOOST_TEST(contains(r.output, "layerwise: the stored stack " + damaged.string() + " is not used ("), r.output);
  BOOST_TEST(count(r.output, ": stored (stacks/") == 1, r.output);  // layer 0 retrained by depth 1, read by depth 2
  BOOST_TEST(lw::stack_file_layers(damaged) == 2);
  BOOST_TEST(compare_runs(dir / "a/r", dir / "b/r") == 2);
}

BOOST_AUTO_TEST_CASE(stacks_no_run_of_the_grid_uses_are_listed_and_pruned) {
  using lw::test::contains;
  lw::test::TempDir dir;
  const std::vector<std::string> two{"--depths", "1", "--inits", "dae", "--seeds", "1-2"};
  BOOST_TEST_REQUIRE(lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "a", two), dir / "a.txt").exit_code == 0);
  const std::vector<std::string> one{"--depths", "1", "--inits", "dae", "--seeds", "1"};
  auto dry = one;
  dry.insert(dry.end(), {"--dry-run"});
  const auto listed = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "a", dry), dir / "b.txt");
  BOOST_TEST(listed.exit_code == 0);
  BOOST_TEST(contains(listed.output, "1 stored stack file(s) no run of this grid uses (--prune-stacks removes them):"),
             listed.output);
  auto shard = one;
  shard.insert(shard.end(), {"--prune-stacks", "--shard", "0/2"});
  const auto refused = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "a", shard), dir / "c.txt");
  BOOST_TEST(refused.exit_code == 2);
  BOOST_TEST(contains(refused.output, "--prune-stacks with --shard 0/2"), refused.output);
  auto prune = one;
  prune.push_back("--prune-stacks");
  const auto pruned = lw::test::run_program(lw::test::depth_sweep(), sweep_grid(dir / "a", prune), dir / "d.txt");
  BOOST_TEST_REQUIRE(pruned.exit_code == 0, pruned.output);
  BOOST_TEST(contains(pruned.output, "--prune-stacks: removed 1 stored stack file(s)"), pruned.output);
  int left = 0;
  for (const auto& f : fs::directory_iterator(dir / "a/r/stacks")) left += f.path().extension() == ".h5";
  BOOST_TEST(left == 1);
  // --prune-stacks is an action: the files made with it have the run_hash of those made without.
  BOOST_TEST(!contains(lw::test::read_text(dir / "d.txt"), "other options"));
}

BOOST_AUTO_TEST_SUITE_END()
