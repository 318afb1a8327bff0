#include "io/results_fixture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lw::test {

NetworkInfo sample_network() {
  return {.depth = 2,
          .layer_sizes = {4, 3, 3, 2},
          .activations = {"sigmoid", "sigmoid", "identity"},
          .loss = "softmax_cross_entropy",
          .init = "xavier",
          .pretrain = "dae",
          .precision = "float32"};
}

EpochRow sample_epoch(std::int64_t epoch) {
  const double e = static_cast<double>(epoch);
  return {.epoch = epoch, .train_loss = 1.0 / e, .train_error = 0.5 / e, .valid_loss = 1.1 / e,
          .valid_error = 0.6 / e, .wall_time_s = 0.25, .grad_norm_W_mean = {e, 2 * e, 3 * e}};
}

StepRow sample_step(std::int64_t step, std::int64_t epoch) {
  const double s = static_cast<double>(step);
  const std::vector<double> v{s, s + 0.1, s + 0.2};
  return {.step = step, .epoch = epoch, .batch_loss = 2.0 / (s + 1), .grad_norm_W = v, .grad_norm_b = v,
          .delta_norm = v, .weight_norm_W = v, .update_ratio = v, .act_mean = v, .act_std = v,
          .act_saturated = v};
}

namespace {
void sample_layer(arma::fmat& W, arma::fvec& b, std::size_t l, arma::uword fan_out, arma::uword fan_in) {
  W.set_size(fan_out, fan_in);
  b.set_size(fan_out);
  for (arma::uword i = 0; i < fan_out; ++i) {
    b(i) = static_cast<float>(100 * l + i);
    for (arma::uword j = 0; j < fan_in; ++j) W(i, j) = static_cast<float>(100 * l + 10 * i + j);
  }
}
}  // namespace

std::filesystem::path write_sample_results(const std::filesystem::path& dir) {
  RunFile f(dir, {.run_id = sample_run_id, .experiment = "sample", .seed = 7,
                  .command_line = "lw_write_sample_results"});
  f.write_config({{"finetune.epochs", std::int64_t{3}},
                  {"finetune.learning_rate", 0.1},
                  {"pretrain.enabled", true},
                  {"network.activation", std::string("sigmoid")}});
  f.write_data({.source = "synthetic", .path = "", .n_train = 100, .n_valid = 20, .n_test = 30,
                .n_features = 4, .n_classes = 2, .checksum = "0123abcd"});
  const NetworkInfo net = sample_network();
  f.write_network(net);
  arma::fmat W;
  arma::fvec b;
  for (std::size_t l = 0; l < 3; ++l) {
    sample_layer(W, b, l, static_cast<arma::uword>(net.layer_sizes[l + 1]),
                 static_cast<arma::uword>(net.layer_sizes[l]));
    f.write_weights(WeightStage::initial, l, W, b);
    f.write_weights(WeightStage::best, l, W, b);
  }
  for (std::size_t l = 0; l < 2; ++l) {
    f.begin_pretrain_layer(l, "dae", {{"corruption", 0.25}, {"epochs", std::int64_t{2}}});
    f.append_pretrain_epoch(1, 0.7, 0.75);
    f.append_pretrain_epoch(2, 0.5, 0.55);
    f.end_pretrain_layer(0.5);
    sample_layer(W, b, l, 3, net.layer_sizes[l]);
    f.write_weights(WeightStage::pretrained, l, W, b);
  }
  std::int64_t step = 0;
  for (std::int64_t e = 1; e <= 3; ++e) {
    f.append_step(sample_step(step++, e));
    f.append_step(sample_step(step++, e));
    f.append_epoch(sample_epoch(e));
  }
  f.write_summary({.best_epoch = 3, .best_valid_error = 0.2, .test_error = 0.25, .epochs_run = 3,
                   .stopped_early = false, .total_wall_time_s = 1.5});
  return f.finish(RunStatus::complete);
}

void write_then_kill(const std::filesystem::path& dir, int unflushed_steps) {
  RunFile f(dir, {.run_id = "killed", .experiment = "sample", .seed = 1, .command_line = "kill test"});
  f.write_config({{"finetune.epochs", std::int64_t{10}}});
  f.write_network(sample_network());
  std::int64_t step = 0;
  for (std::int64_t e = 1; e <= 3; ++e) {
    f.append_step(sample_step(step++, e));
    f.append_epoch(sample_epoch(e));  // flushes
  }
  for (int k = 0; k < unflushed_steps; ++k) f.append_step(sample_step(step++, 4));
  std::raise(SIGKILL);
  std::abort();  // not reached
}

StderrCapture::StderrCapture(const std::filesystem::path& file) : file_(file) {
  std::fflush(stderr);
  saved_ = dup(2);
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 2);
  close(fd);
}

StderrCapture::~StderrCapture() { text(); }

std::string StderrCapture::text() {
  if (saved_ >= 0) {
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::ifstream in(file_);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace lw::test
