// Benchmark of the data layer: loads all of Fashion-MNIST (train + test, gzip IDX) into float32
// several times and prints the median wall time and the peak resident set size (getrusage
// ru_maxrss) next to the decoded size. Then times load_split with the default (reference) config.
// Target: under 1 s per load on one core, peak memory at most twice the decoded data.
//   usage: lw_data_bench [path=/usr/share/datasets/fashion-mnist] [repetitions=5]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "io/data_config.hpp"
#include "io/datasets.hpp"
#include "io/idx.hpp"

namespace {

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;   // Linux reports KiB
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) try {
  lw::DataConfig config;
  if (argc > 1) config.path = argv[1];
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  using clock = std::chrono::steady_clock;
  const auto file = [&](const char* stem) { return lw::find_idx_file(config.path, stem); };
  const double rss_before = peak_rss_mib();

  std::vector<double> times, cpu_times;
  double decoded_mib = 0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = clock::now();
    const std::clock_t c0 = std::clock();
    const lw::Dataset train = lw::read_idx(file("train-images-idx3-ubyte"), file("train-labels-idx1-ubyte"), 10);
    const lw::Dataset test = lw::read_idx(file("t10k-images-idx3-ubyte"), file("t10k-labels-idx1-ubyte"), 10);
    times.push_back(std::chrono::duration<double>(clock::now() - t0).count());
    cpu_times.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    decoded_mib = (train.X.n_elem + test.X.n_elem) * sizeof(float) / (1024.0 * 1024.0);
  }
  const double rss_load = peak_rss_mib();
  std::printf("read_idx, train + test from %s (%d runs)\n", config.path.c_str(), reps);
  std::printf("  median wall time   %.3f s  (min %.3f, max %.3f)\n", median(times),
              *std::min_element(times.begin(), times.end()), *std::max_element(times.begin(), times.end()));
  std::printf("  median CPU time    %.3f s  (process time; wall time includes waiting on a busy machine)\n",
              median(cpu_times));
  std::printf("  decoded float32    %.1f MiB\n", decoded_mib);
  std::printf("  peak RSS           %.1f MiB  (%.2fx decoded; %.1f MiB before loading)\n", rss_load,
              rss_load / decoded_mib, rss_before);

  const auto t0 = clock::now();
  const lw::Split s = lw::load_split(config, 1);
  const double t_split = std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("load_split, default config: %.3f s, %llu/%llu/%llu examples, checksum %s, peak RSS %.1f MiB\n",
              t_split, static_cast<unsigned long long>(s.info.n_train),
              static_cast<unsigned long long>(s.info.n_valid), static_cast<unsigned long long>(s.info.n_test),
              s.info.checksum.c_str(), peak_rss_mib());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "lw_data_bench: %s\n", e.what());
  return 1;
}
