#pragma once
// Handing a sweep's runs out to workers that run side by side (MPI ranks, mpi_sweep.hpp; --jobs
// processes, job_sweep.hpp): the queue of runs still to do, and the wire format of a worker's
// report on a run.
//
// The queue hands out runs in grid order, except that a run whose group (its stored stack,
// stack_store.hpp; "" for none) another worker is running waits while any other run is left: runs
// on one stack then go to one worker after another, each extending the stack the last one left,
// instead of waiting for each other's layers.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "layerwise/experiment/run.hpp"

namespace lw {

class RunQueue {
 public:
  // items: positions in the grid; group(item) is called once per item (may be empty).
  RunQueue(std::vector<std::size_t> items, const std::function<std::string(std::size_t)>& group = {});

  std::optional<std::size_t> take();  // the next run, marked running; nullopt when none is left
  void release(std::size_t item);     // a run handed out has finished
  void give_back(std::size_t item);   // a run taken but never started: first again
  std::size_t left() const { return pending_.size(); }

 private:
  std::vector<std::size_t> pending_;
  std::vector<std::string> group_;    // by grid position
  std::vector<std::string> running_;  // groups of the runs handed out and not released
};

// [index (-1: none)] [status] [summary fields] [message bytes]: a RunOutcome without its file.
std::vector<char> pack_outcome(std::int64_t index, const RunOutcome& outcome);
// Fills outcome, returns the index; throws std::runtime_error on a truncated report.
std::int64_t unpack_outcome(const std::vector<char>& bytes, RunOutcome& outcome);

}  // namespace lw
