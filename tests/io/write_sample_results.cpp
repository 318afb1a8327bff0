// lw_write_sample_results DIR [--kill]: writes the sample run of tests/io/results_fixture.hpp to
// DIR/<sample_run_id>.h5 and prints its path; with --kill, writes 3 flushed epochs to
// DIR/killed.h5.partial, then more steps, then dies by SIGKILL. Used by the io_results_h5py tests.
#include <cstring>
#include <exception>
#include <iostream>

#include "io/results_fixture.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || (argc == 3 && std::strcmp(argv[2], "--kill") != 0) || argc > 3) {
    std::cerr << "usage: lw_write_sample_results DIR [--kill]\n";
    return 2;
  }
  try {
    if (argc == 3) lw::test::write_then_kill(argv[1], 2000);
    std::cout << lw::test::write_sample_results(argv[1]).string() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "lw_write_sample_results: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
