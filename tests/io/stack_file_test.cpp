// Stored stacks: written whole (.partial then renamed), read back bit for bit, and refused, naming
// the file, when they are not the stack asked for.
#include "layerwise/io/stack_file.hpp"

#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "layerwise/core/random.hpp"
#include "layerwise/io/checkpoint.hpp"
#include "layerwise/nn/make_network.hpp"
#include "support/contains.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Reals = boost::mpl::list<float, double>;
using lw::test::contains;

template <class T>
std::vector<lw::TrainedLayer<T>> sample_stack(std::uint64_t seed) {
  lw::Rng rng(seed);
  std::vector<lw::TrainedLayer<T>> out;
  arma::uword fan_in = 9;
  for (int l = 0; l < 3; ++l) {
    lw::TrainedLayer<T> t{lw::make_layer<T>(fan_in, 6, lw::Activation::tanh, "xavier", std::nan(""), rng),
                          lw::TrainResult{}, ""};
    t.layer.b.randu();
    for (int e = 0; e < 4; ++e)
      t.train.epochs.push_back({.epoch = e, .train_loss = 1.0 / (e + l + 1), .train_error = lw::nan_value,
                                .valid_loss = 0.3 + e, .valid_error = lw::nan_value, .wall_time_s = 0.01 * e});
    t.train.best_epoch = 3;
    t.train.best_metric = 0.125;
    t.train.steps = 40 + l;
    t.train.stopped_early = l == 1;
    out.push_back(std::move(t));
    fan_in = 6;
  }
  return out;
}

const lw::StackHeader header{.key = "00ff00ff00ff00ff", .key_text = "a=1\nb=two\n", .scheme = "dae"};

}  // namespace

BOOST_AUTO_TEST_SUITE(io_stack_file)

BOOST_AUTO_TEST_CASE_TEMPLATE(a_stack_reads_back_bit_for_bit_with_its_training, T, Reals) {
  lw::test::TempDir dir;
  const auto stack = sample_stack<T>(5);
  lw::write_stack_file(dir / "s.h5", header, stack);
  BOOST_TEST(!fs::exists(dir / "s.h5.partial"));
  BOOST_TEST(lw::stack_file_layers(dir / "s.h5") == 3);
  BOOST_TEST(lw::stack_file_key(dir / "s.h5") == header.key);
  const auto back = lw::read_stack_file<T>(dir / "s.h5", header, "stacks/s.h5");
  BOOST_TEST_REQUIRE(back.size() == 3u);
  for (std::size_t l = 0; l < 3; ++l) {
    BOOST_TEST(arma::approx_equal(back[l].layer.W, stack[l].layer.W, "absdiff", T(0)));
    BOOST_TEST(arma::approx_equal(back[l].layer.b, stack[l].layer.b, "absdiff", T(0)));
    BOOST_TEST((back[l].layer.act == lw::Activation::tanh));
    BOOST_TEST(back[l].stored_in == "stacks/s.h5");
    BOOST_TEST(back[l].train.best_epoch == 3);
    BOOST_TEST(back[l].train.best_metric == 0.125);
    BOOST_TEST(back[l].train.steps == 40 + static_cast<long>(l));
    BOOST_TEST(back[l].train.stopped_early == (l == 1));
    BOOST_TEST_REQUIRE(back[l].train.epochs.size() == 4u);
    for (std::size_t e = 0; e < 4; ++e) {
      BOOST_TEST(back[l].train.epochs[e].epoch == static_cast<int>(e));
      BOOST_TEST(back[l].train.epochs[e].train_loss == stack[l].train.epochs[e].train_loss);
      BOOST_TEST(back[l].train.epochs[e].valid_loss == stack[l].train.epochs[e].valid_loss);
      BOOST_TEST(std::isnan(back[l].train.epochs[e].valid_error));
      BOOST_TEST(back[l].train.epochs[e].wall_time_s == stack[l].train.epochs[e].wall_time_s);
    }
  }
}

BOOST_AUTO_TEST_CASE(another_key_precision_scheme_or_no_stack_is_refused_naming_the_file) {
  lw::test::TempDir dir;
  lw::write_stack_file(dir / "s.h5", header, sample_stack<float>(1));
  const auto error = [&](auto read) {
    try {
      read();
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto other = header;
  other.key = "1111111111111111";
  BOOST_TEST(contains(error([&] { lw::read_stack_file<float>(dir / "s.h5", other, "x"); }),
                      (dir / "s.h5").string() + " holds the stack of key 00ff00ff00ff00ff, not 1111111111111111"));
  other = header;
  other.key_text = "a=2\n";  // the same hash of other lines (a collision) is refused too
  BOOST_TEST(contains(error([&] { lw::read_stack_file<float>(dir / "s.h5", other, "x"); }), "holds the stack of key"));
  BOOST_TEST(contains(error([&] { lw::read_stack_file<double>(dir / "s.h5", header, "x"); }),
                      "is a float32 stack, not float64"));
  other = header;
  other.scheme = "ae";
  BOOST_TEST(contains(error([&] { lw::read_stack_file<float>(dir / "s.h5", other, "x"); }),
                      "is a stack of scheme dae, not ae"));
  // Another split's stack (the data changed under the same options); "" does not check.
  auto data = header;
  data.data_checksum = "1234abcd";
  lw::write_stack_file(dir / "d.h5", data, sample_stack<float>(1));
  other = data;
  other.data_checksum = "1234abce";
  BOOST_TEST(contains(error([&] { lw::read_stack_file<float>(dir / "d.h5", other, "x"); }),
                      "was pretrained on other data (split checksum 1234abcd, not 1234abce)"));
  BOOST_TEST(lw::read_stack_file<float>(dir / "d.h5", header, "x").size() == 3u);
  // A network checkpoint is no stack.
  lw::save_network(dir / "net.h5", lw::make_network<float>({.layer_sizes = {3, 2, 2}}, 1));
  BOOST_TEST(contains(error([&] { lw::stack_file_layers(dir / "net.h5"); }), "is not a layerwise stack"));
}

BOOST_AUTO_TEST_CASE(a_stack_without_layers_or_with_a_layer_that_did_not_complete_is_not_written) {
  lw::test::TempDir dir;
  BOOST_CHECK_THROW(lw::write_stack_file<float>(dir / "s.h5", header, {}), std::invalid_argument);
  auto stack = sample_stack<float>(2);
  stack[1].train.status = lw::TrainStatus::diverged;
  BOOST_CHECK_THROW(lw::write_stack_file(dir / "s.h5", header, stack), std::invalid_argument);
  BOOST_TEST(!fs::exists(dir / "s.h5"));
}

BOOST_AUTO_TEST_CASE(a_longer_stack_replaces_a_shorter_one_whole) {
  lw::test::TempDir dir;
  auto stack = sample_stack<float>(3);
  const auto first = std::vector<lw::TrainedLayer<float>>(stack.begin(), stack.begin() + 1);
  lw::write_stack_file(dir / "s.h5", header, first);
  BOOST_TEST(lw::stack_file_layers(dir / "s.h5") == 1);
  lw::write_stack_file(dir / "s.h5", header, stack);
  BOOST_TEST(lw::stack_file_layers(dir / "s.h5") == 3);
  BOOST_TEST(lw::read_stack_file<float>(dir / "s.h5", header, "x").size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
