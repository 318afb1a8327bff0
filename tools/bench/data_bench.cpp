// Benchmark of the data layer: loads all of Fashion-MNIST (train + test, gzip IDX) into float32
// several times and prints the median wall time and the peak resident set size (getrusage
// ru_maxrss) next to the decoded size. Then times load_split with the default (reference) config.
// Target: under 1 s per load on one core, peak memory at most twice the decoded data.
//   usage: lw_data_bench [path=/usr/share/datasets/fashion-mnist] [repetitions=5]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "layerwise/io/data_config.hpp"
#include "layerwise/io/datasets.hpp"
#include "layerwise/io/idx.hpp"

using lw::bench::median;
using lw::bench::peak_rss_mib;

int main(int argc, char** argv) try {
  lw::DataConfig config;
  if (argc > 1) config.path = argv[1];
  const int reps = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const auto file = [&](const char* stem) { return lw::find_idx_file(config.path, stem); };
  const double rss_before = peak_rss_mib();

  std::vector<double> times, cpu_times;
  double decoded_mib = 0;
  for (int r = 0; r < reps; ++r) {
    const lw::bench::Stopwatch watch;
    const lw::Dataset train = lw::read_idx(file("train-images-idx3-ubyte"), file("train-labels-idx1-ubyte"), 10);
    const lw::Dataset test = lw::read_idx(file("t10k-images-idx3-ubyte"), file("t10k-labels-idx1-ubyte"), 10);
    times.push_back(watch.wall());
    cpu_times.push_back(watch.cpu());
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

  const lw::bench::Stopwatch watch;
  const lw::Split s = lw::load_split(config, 1);
  const double t_split = watch.wall();
  std::printf("load_split, default config: %.3f s, %llu/%llu/%llu examples, checksum %s, peak RSS %.1f MiB\n",
              t_split, static_cast<unsigned long long>(s.info.n_train),
              static_cast<unsigned long long>(s.info.n_valid), static_cast<unsigned long long>(s.info.n_test),
              s.info.checksum.c_str(), peak_rss_mib());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "lw_data_bench: %s\n", e.what());
  return 1;
}
