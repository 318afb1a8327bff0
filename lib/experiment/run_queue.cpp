#include "layerwise/experiment/run_queue.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace lw {

RunQueue::RunQueue(std::vector<std::size_t> items, const std::function<std::string(std::size_t)>& group)
    : pending_(std::move(items)) {
  const std::size_t n = pending_.empty() ? 0 : *std::max_element(pending_.begin(), pending_.end()) + 1;
  group_.resize(n);
  if (group)
    for (const std::size_t i : pending_) group_[i] = group(i);
}

std::optional<std::size_t> RunQueue::take() {
  if (pending_.empty()) return std::nullopt;
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](std::size_t i) {
    return group_[i].empty() || std::find(running_.begin(), running_.end(), group_[i]) == running_.end();
  });
  if (it == pending_.end()) it = pending_.begin();
  const std::size_t item = *it;
  pending_.erase(it);
  if (!group_[item].empty()) running_.push_back(group_[item]);
  return item;
}

void RunQueue::release(std::size_t item) {
  if (item >= group_.size() || group_[item].empty()) return;
  const auto at = std::find(running_.begin(), running_.end(), group_[item]);
  if (at != running_.end()) running_.erase(at);
}

void RunQueue::give_back(std::size_t item) {
  release(item);
  pending_.insert(pending_.begin(), item);
}

namespace {

template <class V>
void put(std::vector<char>& out, V v) {
  const std::size_t at = out.size();
  out.resize(at + sizeof v);
  std::memcpy(out.data() + at, &v, sizeof v);
}

template <class V>
V take_value(const std::vector<char>& in, std::size_t& at) {
  V v{};
  if (at + sizeof v > in.size()) throw std::runtime_error("unpack_outcome: truncated report");
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

}  // namespace

std::vector<char> pack_outcome(std::int64_t index, const RunOutcome& r) {
  std::vector<char> out;
  out.reserve(64 + r.message.size());
  put(out, index);
  put(out, static_cast<std::int32_t>(r.status));
  put(out, r.summary.best_epoch);
  put(out, r.summary.best_valid_error);
  put(out, r.summary.test_error);
  put(out, r.summary.epochs_run);
  put(out, static_cast<std::int32_t>(r.summary.stopped_early));
  put(out, r.summary.total_wall_time_s);
  out.insert(out.end(), r.message.begin(), r.message.end());
  return out;
}

std::int64_t unpack_outcome(const std::vector<char>& in, RunOutcome& r) {
  std::size_t at = 0;
  const auto index = take_value<std::int64_t>(in, at);
  r.status = static_cast<RunStatus>(take_value<std::int32_t>(in, at));
  r.summary.best_epoch = take_value<std::int64_t>(in, at);
  r.summary.best_valid_error = take_value<double>(in, at);
  r.summary.test_error = take_value<double>(in, at);
  r.summary.epochs_run = take_value<std::int64_t>(in, at);
  r.summary.stopped_early = take_value<std::int32_t>(in, at) != 0;
  r.summary.total_wall_time_s = take_value<double>(in, at);
  r.message.assign(in.begin() + static_cast<std::ptrdiff_t>(at), in.end());
  return index;
}

}  // namespace lw
