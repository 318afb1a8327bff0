// The split protocol (io/split.hpp): carve_split's test / valid / train carving, the shuffle, the
// defaults, the errors naming the option; and standardize with training statistics only.
// Examples are numbered: column j of a pool has X(0, j) = first + j, so every check says which
// example landed where.
#include "layerwise/io/split.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "layerwise/core/random.hpp"

namespace {

// n examples with ids first .. first + n - 1: X(0, j) = id, X(1, j) = -id, y(j) = id % 3.
lw::Dataset numbered(arma::uword n, arma::uword first = 0) {
  lw::Dataset d;
  d.X.set_size(2, n);
  d.y.set_size(n);
  for (arma::uword j = 0; j < n; ++j) {
    d.X(0, j) = static_cast<float>(first + j);
    d.X(1, j) = -static_cast<float>(first + j);
    d.y(j) = (first + j) % 3;
  }
  d.n_classes = 3;
  d.image_rows = 1;
  d.image_cols = 2;
  return d;
}

std::vector<int> ids(const lw::Dataset& d) {
  std::vector<int> out;
  for (arma::uword j = 0; j < d.X.n_cols; ++j) out.push_back(static_cast<int>(d.X(0, j)));
  return out;
}

std::vector<int> range(int first, int count) {
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(first + i);
  return out;
}

// Labels and the second feature still belong to the example's id.
bool columns_consistent(const lw::Dataset& d) {
  if (d.y.n_elem != d.X.n_cols || d.X.n_rows != 2) return false;
  for (arma::uword j = 0; j < d.X.n_cols; ++j) {
    const auto id = static_cast<arma::uword>(d.X(0, j));
    if (d.X(1, j) != -d.X(0, j) || d.y(j) != id % 3) return false;
  }
  return true;
}

lw::DataConfig config(arma::uword n_train, std::int64_t n_valid, arma::uword n_test) {
  lw::DataConfig c;
  c.n_train = n_train;
  c.n_valid = n_valid;
  c.n_test = n_test;
  return c;
}

lw::Split carve(lw::Dataset pool, std::optional<lw::Dataset> test, const lw::DataConfig& c,
                std::optional<arma::uword> default_n_valid = std::nullopt, std::uint64_t seed = 1) {
  lw::Rng rng = lw::make_rng(seed, "test/split");
  return lw::carve_split(std::move(pool), std::move(test), c, default_n_valid, rng);
}

std::string error_of(lw::Dataset pool, std::optional<lw::Dataset> test, const lw::DataConfig& c,
                     std::optional<arma::uword> default_n_valid = std::nullopt) {
  try {
    carve(std::move(pool), std::move(test), c, default_n_valid);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(io_split)

BOOST_AUTO_TEST_CASE(with_a_test_file_test_is_its_first_n_test_valid_the_last_n_valid_train_the_first_n_train) {
  const lw::Split s = carve(numbered(20), numbered(8, 100), config(10, 4, 5));
  BOOST_TEST(ids(s.test) == range(100, 5));
  BOOST_TEST(ids(s.valid) == range(16, 4));
  BOOST_TEST(ids(s.train) == range(0, 10));
  for (const lw::Dataset* d : {&s.train, &s.valid, &s.test}) BOOST_TEST(columns_consistent(*d));
}

BOOST_AUTO_TEST_CASE(zero_counts_take_everything_there_is) {
  // n_train = 0: all that remains after validation; n_test = 0: the whole test file.
  const lw::Split s = carve(numbered(20), numbered(8, 100), config(0, 4, 0));
  BOOST_TEST(ids(s.test) == range(100, 8));
  BOOST_TEST(ids(s.valid) == range(16, 4));
  BOOST_TEST(ids(s.train) == range(0, 16));
  // n_valid = 0: no validation set, every example trains.
  const lw::Split none = carve(numbered(20), numbered(8, 100), config(0, 0, 0));
  BOOST_TEST(none.valid.X.n_cols == 0u);
  BOOST_TEST(none.valid.X.n_rows == 2u);  // still the data's features
  BOOST_TEST(none.valid.y.n_elem == 0u);
  BOOST_TEST(ids(none.train) == range(0, 20));
}

BOOST_AUTO_TEST_CASE(without_a_test_file_the_test_set_is_carved_from_the_end_before_validation) {
  const lw::Split s = carve(numbered(20), std::nullopt, config(0, 3, 4));
  BOOST_TEST(ids(s.test) == range(16, 4));
  BOOST_TEST(ids(s.valid) == range(13, 3));
  BOOST_TEST(ids(s.train) == range(0, 13));
  for (const lw::Dataset* d : {&s.train, &s.valid, &s.test}) BOOST_TEST(columns_consistent(*d));
}

BOOST_AUTO_TEST_CASE(defaults_are_twenty_percent_or_the_source_default_for_validation) {
  // No test file, n_test = 0: 20% of 20 = 4; n_valid = -1 with no source default: round(0.2 * 16) = 3.
  const lw::Split d = carve(numbered(20), std::nullopt, config(0, -1, 0));
  BOOST_TEST(ids(d.test) == range(16, 4));
  BOOST_TEST(ids(d.valid) == range(13, 3));
  BOOST_TEST(ids(d.train) == range(0, 13));
  // The source's default (10000 for IDX sets) when it has one.
  const lw::Split src = carve(numbered(20), numbered(5, 100), config(0, -1, 0), arma::uword{6});
  BOOST_TEST(ids(src.valid) == range(14, 6));
  BOOST_TEST(ids(src.train) == range(0, 14));
  // An explicit n_valid beats the source default.
  const lw::Split mine = carve(numbered(20), numbered(5, 100), config(0, 2, 0), arma::uword{6});
  BOOST_TEST(ids(mine.valid) == range(18, 2));
  // 20% rounds to nearest: 0.2 * 13 = 2.6 -> 3 carved for test.
  const lw::Split odd = carve(numbered(13), std::nullopt, config(0, 0, 0));
  BOOST_TEST(ids(odd.test) == range(10, 3));
}

BOOST_AUTO_TEST_CASE(valid_fraction_rounds_to_the_nearest_example_of_the_pool) {
  lw::DataConfig c = config(0, -1, 0);
  c.valid_fraction = 0.25;  // of the 10 examples: 2.5 -> 3 (half away from zero)
  const lw::Split s = carve(numbered(10), numbered(2, 100), c, arma::uword{1});
  BOOST_TEST(ids(s.valid) == range(7, 3));
  BOOST_TEST(ids(s.train) == range(0, 7));
  c.valid_fraction = 0.1;  // of what is left after a carved test set: 0.1 * 16 = 1.6 -> 2
  const lw::Split t = carve(numbered(20), std::nullopt, c);
  BOOST_TEST(ids(t.test) == range(16, 4));
  BOOST_TEST(ids(t.valid) == range(14, 2));
}

BOOST_AUTO_TEST_CASE(labels_classes_and_the_image_shape_follow_every_part) {
  const lw::Split s = carve(numbered(12), std::nullopt, config(5, 3, 2));
  for (const lw::Dataset* d : {&s.train, &s.valid, &s.test}) {
    BOOST_TEST(d->n_classes == 3u);
    BOOST_TEST(d->image_rows == 1u);
    BOOST_TEST(d->image_cols == 2u);
    BOOST_TEST(columns_consistent(*d));
  }
  BOOST_TEST(ids(s.train) == range(0, 5));
  BOOST_TEST(ids(s.valid) == range(7, 3));
  BOOST_TEST(ids(s.test) == range(10, 2));
}

BOOST_AUTO_TEST_CASE(shuffling_permutes_the_training_file_with_the_rng_and_leaves_the_test_file) {
  lw::DataConfig c = config(0, 4, 3);
  c.shuffle = true;
  lw::Rng rng = lw::make_rng(9, "test/split");
  lw::Rng same = lw::make_rng(9, "test/split");
  const lw::Split s = lw::carve_split(numbered(20), numbered(6, 100), c, std::nullopt, rng);
  const arma::uvec order = lw::permutation(20, same);  // what the shuffle must have drawn
  std::vector<int> expected;
  for (arma::uword j = 0; j < 20; ++j) expected.push_back(static_cast<int>(order(j)));
  BOOST_TEST(ids(s.train) == std::vector<int>(expected.begin(), expected.begin() + 16));
  BOOST_TEST(ids(s.valid) == std::vector<int>(expected.begin() + 16, expected.end()));
  BOOST_TEST(ids(s.test) == range(100, 3));  // the test file is never shuffled
  BOOST_TEST(rng.next_u64() == same.next_u64());  // the caller's rng was advanced by the draw
  BOOST_TEST(columns_consistent(s.train));
  BOOST_TEST(columns_consistent(s.valid));
  BOOST_TEST(ids(s.train) != range(0, 16));  // it did move something
  // Without shuffle the rng is not used.
  lw::Rng untouched = lw::make_rng(9, "test/split");
  lw::carve_split(numbered(20), std::nullopt, config(0, 4, 3), std::nullopt, untouched);
  BOOST_TEST(untouched.next_u64() == lw::make_rng(9, "test/split").next_u64());
}

BOOST_AUTO_TEST_CASE(the_largest_possible_requests_are_accepted) {
  const lw::Split a = carve(numbered(10), numbered(4, 100), config(0, 9, 4));  // one left to train
  BOOST_TEST(ids(a.train) == range(0, 1));
  BOOST_TEST(ids(a.test) == range(100, 4));
  const lw::Split b = carve(numbered(10), std::nullopt, config(7, 0, 3));  // n_train = all left
  BOOST_TEST(ids(b.train) == range(0, 7));
  const lw::Split c = carve(numbered(10), std::nullopt, config(0, 0, 9));
  BOOST_TEST(ids(c.train) == range(0, 1));
}

BOOST_AUTO_TEST_CASE(a_test_request_larger_than_the_test_file_names_data_n_test) {
  const std::string e = error_of(numbered(20), numbered(8, 100), config(0, 2, 9));
  BOOST_TEST(e == "carve_split(): data.n_test = 9 exceeds the 8 examples of the test file");
}

BOOST_AUTO_TEST_CASE(a_carved_test_set_must_leave_something_of_the_training_file) {
  const std::string e = error_of(numbered(20), std::nullopt, config(0, 0, 20));
  BOOST_TEST(e == "carve_split(): data.n_test = 20 leaves nothing of the 20 examples of the training file");
  BOOST_TEST(error_of(numbered(20), std::nullopt, config(0, 0, 25)) ==
             "carve_split(): data.n_test = 25 leaves nothing of the 20 examples of the training file");
}

BOOST_AUTO_TEST_CASE(validation_must_leave_something_to_train_on_and_names_data_n_valid) {
  const std::string e = error_of(numbered(20), numbered(5, 100), config(0, 20, 0));
  BOOST_TEST(e == "carve_split(): data.n_valid = 20 leaves nothing for training of the 20 examples available");
  // The source default counts as data.n_valid too (10000 for an IDX set of 30 examples).
  const std::string d = error_of(numbered(30), numbered(5, 100), config(0, -1, 0), arma::uword{10000});
  BOOST_TEST(d.find("data.n_valid = 10000") != std::string::npos, d);
  // After a carved test set: 16 remain.
  const std::string t = error_of(numbered(20), std::nullopt, config(0, 16, 4));
  BOOST_TEST(t.find("data.n_valid = 16 leaves nothing for training of the 16 examples") != std::string::npos, t);
}

BOOST_AUTO_TEST_CASE(a_training_request_larger_than_what_is_left_names_data_n_train) {
  const std::string e = error_of(numbered(20), std::nullopt, config(14, 3, 4));
  BOOST_TEST(e == "carve_split(): data.n_train = 14 exceeds the 13 examples left after 3 for validation");
}

BOOST_AUTO_TEST_CASE(standardize_uses_the_training_mean_and_population_sd_for_every_part) {
  lw::Split s;
  s.train.X = {{1, 2, 3, 6}, {5, 5, 5, 5}, {-2, 0, 0, 2}};  // 3 features x 4 examples
  s.valid.X = {{4, 0}, {5, 7}, {1, -1}};
  s.test.X = arma::fmat(3, 1, arma::fill::zeros);
  // Feature 0: mean 3, population sd sqrt(((4 + 1 + 0 + 9) / 4)) = sqrt(3.5);
  // feature 1: constant 5 (sd 0: only centred); feature 2: mean 0, sd sqrt(8 / 4) = sqrt(2).
  const double m[3] = {3, 5, 0}, sd[3] = {std::sqrt(3.5), 1.0, std::sqrt(2.0)};
  const arma::fmat train = s.train.X, valid = s.valid.X, test = s.test.X;
  lw::standardize(s);
  const auto expect = [&](const arma::fmat& before, const arma::fmat& after, const char* part) {
    BOOST_TEST_REQUIRE(after.n_rows == before.n_rows);
    BOOST_TEST_REQUIRE(after.n_cols == before.n_cols);
    for (arma::uword i = 0; i < before.n_rows; ++i)
      for (arma::uword j = 0; j < before.n_cols; ++j)
        BOOST_TEST(std::abs(after(i, j) - (before(i, j) - m[i]) / sd[i]) < 1e-6,
                   part << " (" << i << ", " << j << ") = " << after(i, j));
  };
  expect(train, s.train.X, "train");
  expect(valid, s.valid.X, "valid");
  expect(test, s.test.X, "test");
  BOOST_TEST(s.valid.X(1, 1) == 2.0f);  // the constant feature: 7 - 5, not scaled
}

BOOST_AUTO_TEST_CASE(standardize_refuses_an_empty_training_set_and_mismatched_features) {
  lw::Split empty;
  empty.train.X.set_size(3, 0);
  BOOST_CHECK_EXCEPTION(lw::standardize(empty), std::invalid_argument, [](const std::invalid_argument& e) {
    return std::string(e.what()) == "standardize(): the training set is empty";
  });
  lw::Split bad;
  bad.train.X = arma::fmat(2, 4, arma::fill::ones);
  bad.valid.X = arma::fmat(2, 1, arma::fill::ones);
  bad.test.X = arma::fmat(3, 1, arma::fill::ones);
  BOOST_CHECK_EXCEPTION(lw::standardize(bad), std::invalid_argument, [](const std::invalid_argument& e) {
    return std::string(e.what()) == "standardize(): 3 features, expected 2";
  });
}

BOOST_AUTO_TEST_SUITE_END()
