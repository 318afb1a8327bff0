#include "layerwise/train/augment.hpp"

#include <armadillo>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "layerwise/core/random.hpp"
#include "layerwise/train/network_objective.hpp"
#include "layerwise/train/train.hpp"
#include "train/train_test_data.hpp"

namespace {

namespace tt = boost::test_tools;

// The image moved by (dy, dx) (down, right), zeros shifted in; pixel (r, c) is feature r*cols + c.
arma::vec shifted(const arma::vec& image, long rows, long cols, long dy, long dx) {
  arma::vec out(image.n_elem, arma::fill::zeros);
  for (long r = 0; r < rows; ++r)
    for (long c = 0; c < cols; ++c) {
      const long sr = r - dy, sc = c - dx;
      if (sr >= 0 && sr < rows && sc >= 0 && sc < cols) out[r * cols + c] = image[sr * cols + sc];
    }
  return out;
}

bool same_bits(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}

// Delegates to a NetworkObjective and records what compute() and evaluate() were given.
class Recording final : public lw::Objective<double> {
 public:
  explicit Recording(lw::NetworkObjective<double>& inner) : inner_(inner) {}
  std::vector<arma::mat> X_seen, Y_seen, evaluated;

  lw::BatchResult compute(const arma::mat& X, const arma::mat& Y) override {
    X_seen.push_back(X);
    Y_seen.push_back(Y);
    return inner_.compute(X, Y);
  }
  lw::BatchResult evaluate(const arma::mat& X, const arma::mat& Y) override {
    evaluated.push_back(X);
    return inner_.evaluate(X, Y);
  }
  std::vector<lw::Parameter<double>> parameters() override { return inner_.parameters(); }
  void after_update() override { inner_.after_update(); }

 private:
  lw::NetworkObjective<double>& inner_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(train_augment)

BOOST_AUTO_TEST_CASE(a_single_pixel_moves_by_the_drawn_shift) {
  // 3x3 image, one bright pixel in the centre; max_shift 1 keeps it inside: exactly one pixel of
  // every augmented image is 1, and over many images it visits all nine places.
  const lw::AugmentConfig c{.max_shift = 1, .image_rows = 3, .image_cols = 3};
  arma::mat X(9, 400, arma::fill::zeros);
  X.row(4).fill(1.0);
  lw::Rng rng = lw::make_rng(1, "augment");
  lw::augment_batch(X, c, rng);
  std::set<arma::uword> places;
  for (arma::uword j = 0; j < X.n_cols; ++j) {
    BOOST_TEST(arma::accu(X.col(j)) == 1.0);
    BOOST_TEST(X.col(j).max() == 1.0);
    places.insert(X.col(j).index_max());
  }
  BOOST_TEST(places.size() == 9u);
}

BOOST_AUTO_TEST_CASE(every_augmented_image_is_a_shift_of_the_original_within_the_bound) {
  // A 3x4 image with distinct pixels (non-square, so rows and columns cannot be confused).
  const long rows = 3, cols = 4, k = 2;
  const arma::vec image = arma::regspace(1, 12);
  const lw::AugmentConfig c{.max_shift = static_cast<int>(k),
                            .image_rows = static_cast<arma::uword>(rows),
                            .image_cols = static_cast<arma::uword>(cols)};
  arma::mat X(12, 2000);
  X.each_col() = image;
  lw::Rng rng = lw::make_rng(2, "augment");
  lw::augment_batch(X, c, rng);
  std::set<std::pair<long, long>> seen;
  bool all_matched = true;
  for (arma::uword j = 0; j < X.n_cols; ++j) {
    bool matched = false;
    for (long dy = -k; dy <= k && !matched; ++dy)
      for (long dx = -k; dx <= k && !matched; ++dx)
        if (arma::approx_equal(X.col(j), shifted(image, rows, cols, dy, dx), "absdiff", 0.0)) {
          matched = true;
          seen.insert({dy, dx});
        }
    all_matched = all_matched && matched;
  }
  BOOST_TEST(all_matched);
  BOOST_TEST(seen.size() == 25u);  // every shift in [-2, 2]^2 occurs
  // A known case: moved down 1 and left 2, by the helper's convention.
  const arma::vec moved = shifted(image, rows, cols, 1, -2);
  const arma::vec expected = {0, 0, 0, 0, 3, 4, 0, 0, 7, 8, 0, 0};
  BOOST_TEST(arma::approx_equal(moved, expected, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(noise_has_the_configured_standard_deviation) {
  const lw::AugmentConfig c{.noise_sd = 0.3};
  arma::mat X(50, 2000, arma::fill::value(2.0));
  lw::Rng rng = lw::make_rng(3, "augment");
  lw::augment_batch(X, c, rng);
  const arma::vec e = arma::vectorise(X) - 2.0;
  BOOST_TEST(arma::mean(e) == 0.0, tt::tolerance(0.002));  // sd of the mean: 0.3 / 316
  BOOST_TEST(arma::stddev(e) == 0.3, tt::tolerance(0.02));
  arma::fmat F(10, 10, arma::fill::zeros);
  lw::augment_batch(F, c, rng);
  BOOST_TEST(arma::accu(arma::abs(F)) > 0.0f);
}

BOOST_AUTO_TEST_CASE(disabled_augmentation_changes_nothing) {
  const lw::AugmentConfig c{};
  BOOST_TEST(!c.enabled());
  BOOST_TEST((lw::AugmentConfig{.noise_sd = 0.1}.enabled()));
  BOOST_TEST((lw::AugmentConfig{.max_shift = 1, .image_rows = 2, .image_cols = 2}.enabled()));
  arma::mat X = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
  const arma::mat before = X;
  lw::Rng rng = lw::make_rng(3, "augment");
  lw::augment_batch(X, c, rng);
  BOOST_TEST(same_bits(X, before));
}

BOOST_AUTO_TEST_CASE(invalid_settings_are_rejected) {
  BOOST_CHECK_THROW(lw::validate(lw::AugmentConfig{.noise_sd = -1}, 9), std::invalid_argument);
  BOOST_CHECK_THROW(lw::validate(lw::AugmentConfig{.max_shift = -1}, 9), std::invalid_argument);
  BOOST_CHECK_THROW(lw::validate(lw::AugmentConfig{.max_shift = 1}, 9), std::invalid_argument);
  BOOST_CHECK_THROW(
      lw::validate(lw::AugmentConfig{.max_shift = 1, .image_rows = 3, .image_cols = 4}, 9),
      std::invalid_argument);
  BOOST_CHECK_NO_THROW(
      lw::validate(lw::AugmentConfig{.max_shift = 1, .image_rows = 3, .image_cols = 3}, 9));
  arma::mat X(10, 2, arma::fill::zeros);
  lw::Rng rng = lw::make_rng(3, "augment");
  const lw::AugmentConfig image3x3{.max_shift = 1, .image_rows = 3, .image_cols = 3};
  BOOST_CHECK_THROW(lw::augment_batch(X, image3x3, rng), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_training_loop_augments_training_batches_only_and_never_labels) {
  // 4x4 images: 12 training examples with distinct pixels, validation examples all negative.
  const arma::uword n = 12, n_valid = 7;
  arma::mat X(16, n), Xv(16, n_valid);
  for (arma::uword j = 0; j < n; ++j) X.col(j) = arma::regspace(1, 16) / 16.0 + j;
  for (arma::uword j = 0; j < n_valid; ++j) Xv.col(j) = -arma::regspace(1, 16) / 16.0 - j;
  arma::mat Y(3, n, arma::fill::zeros), Yv(3, n_valid, arma::fill::zeros);
  for (arma::uword j = 0; j < n; ++j) Y(j % 3, j) = 1;
  for (arma::uword j = 0; j < n_valid; ++j) Yv((j + 1) % 3, j) = 1;
  const arma::mat X0 = X, Y0 = Y, Xv0 = Xv, Yv0 = Yv;

  auto net = lw::test::classifier<double>({16, 8, 3}, lw::Activation::tanh, 5);
  lw::NetworkObjective<double> inner(net, {}, lw::make_rng(5, "finetune/dropout"));
  Recording objective(inner);
  const lw::AugmentConfig aug{.noise_sd = 0.1, .max_shift = 1, .image_rows = 4, .image_cols = 4};
  lw::Rng aug_rng = lw::make_rng(5, "finetune/augment");
  std::vector<arma::mat> hook_saw;
  lw::TrainHooks<double> hooks;
  hooks.augment = [&](arma::mat& Xb) {
    hook_saw.push_back(Xb);
    lw::augment_batch(Xb, aug, aug_rng);
  };
  lw::TrainConfig c;
  c.epochs = 3;
  c.batch_size = 5;
  c.restore_best = false;
  lw::Rng rng = lw::make_rng(5, "finetune/shuffle");
  const auto r = lw::train<double>(objective, {.X = X, .Y = Y, .X_valid = &Xv, .Y_valid = &Yv}, c,
                                   rng, lw::PhaseInfo{"finetune", -1, ""}, hooks);
  BOOST_TEST((r.status == lw::TrainStatus::complete));

  // The hook saw every training batch (3 per epoch) and nothing else.
  BOOST_REQUIRE(hook_saw.size() == 9u);
  BOOST_REQUIRE(objective.X_seen.size() == 9u);
  arma::uword columns = 0;
  for (std::size_t k = 0; k < hook_saw.size(); ++k) {
    columns += hook_saw[k].n_cols;
    for (arma::uword j = 0; j < hook_saw[k].n_cols; ++j) {
      // Before augmentation the column is one of the training examples (never validation)...
      arma::uword match = n;
      for (arma::uword i = 0; i < n; ++i)
        if (arma::approx_equal(hook_saw[k].col(j), X0.col(i), "absdiff", 0.0)) match = i;
      BOOST_REQUIRE(match < n);
      // ...the objective got it changed, with its label untouched.
      BOOST_TEST(!arma::approx_equal(objective.X_seen[k].col(j), X0.col(match), "absdiff", 0.0));
      BOOST_TEST(arma::approx_equal(objective.Y_seen[k].col(j), Y0.col(match), "absdiff", 0.0));
    }
  }
  BOOST_TEST(columns == 3 * n);
  // Validation data reached evaluate() bit for bit, once per epoch, and the caller's matrices
  // are unchanged.
  BOOST_REQUIRE(objective.evaluated.size() == 3u);
  for (const auto& E : objective.evaluated) BOOST_TEST(same_bits(E, Xv0));
  BOOST_TEST(same_bits(Xv, Xv0));
  BOOST_TEST(same_bits(Yv, Yv0));
  BOOST_TEST(same_bits(X, X0));
  BOOST_TEST(same_bits(Y, Y0));
  // The last epoch's validation loss is the clean network's on the clean data.
  lw::NetworkObjective<double> fresh(net, {}, lw::make_rng(0, "unused"));
  BOOST_TEST(fresh.evaluate(Xv0, Yv0).loss == r.epochs.back().valid_loss);
}

BOOST_AUTO_TEST_SUITE_END()
