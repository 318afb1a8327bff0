#include "layerwise/experiment/stack_store.hpp"

#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "layerwise/core/blas.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/core/isolated.hpp"
#include "layerwise/io/run_lock.hpp"
#include "layerwise/pretrain/scheme.hpp"

namespace lw {
namespace {

const ConfigEntry* find_entry(const std::vector<ConfigEntry>& entries, const std::string& key) {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

}  // namespace

StackHeader stack_header(const std::vector<ConfigEntry>& run_config, const std::string& data_checksum) {
  const ConfigEntry* arm = find_entry(run_config, "run.arm");
  require(arm && std::holds_alternative<std::string>(arm->value),
          "stack_header(): the run config has no run.arm");
  const std::string scheme = std::get<std::string>(arm->value);
  std::vector<ConfigEntry> lines{{"stack_format", std::int64_t{1}}};
  // Pretraining sees every training example, unless the scheme needs labels (labeled.hpp): only
  // then does data.n_labeled decide its layers (and, left at 0, it stays out of older keys).
  const bool needs_labels = has_scheme(scheme) && find_scheme(scheme).needs_labels;
  for (const auto& e : run_config)
    if (e.key.rfind("data.", 0) == 0 &&
        (e.key != "data.n_labeled" || (needs_labels && e.value != ConfigValue(std::int64_t{0}))))
      lines.push_back(e);
  for (const char* key : {"precision", "pretrain_init", "init_scale"})  // absent: the default
    if (const ConfigEntry* e = find_entry(run_config, key)) lines.push_back(*e);
  lines.push_back({"blas_core", blas_core()});
  lines.push_back({"blas_threads", static_cast<std::int64_t>(blas_threads())});
  lines.push_back(*arm);
  const std::string own = "pretrain." + scheme + ".";
  for (const auto& e : run_config)
    if (e.key.rfind(own, 0) == 0) lines.push_back(e);
  for (const char* key : {"run.activation", "run.width", "run.seed"}) {
    const ConfigEntry* e = find_entry(run_config, key);
    require(e != nullptr, cat("stack_header(): the run config has no ", key));
    lines.push_back(*e);
  }
  StackHeader h;
  h.key = config_hash(lines);
  for (const auto& e : lines) h.key_text += e.key + "=" + format_value(e.value) + "\n";
  h.scheme = scheme;
  h.data_checksum = data_checksum;
  return h;
}

std::filesystem::path stacks_dir(const std::filesystem::path& experiment_dir) {
  return experiment_dir / "stacks";
}

std::string stack_file_name(const std::string& key) { return "stacks/" + key + ".h5"; }

long usable_stack_layers(const std::filesystem::path& path, const StackHeader& header,
                         const std::string& precision, std::string* why) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  if (ec || !std::filesystem::exists(status)) return 0;
  const auto refuse = [&](const std::string& text) {
    if (why) *why = text;
    return -1L;
  };
  if (!std::filesystem::is_regular_file(status)) return refuse("not a regular file");
  const Isolated judged = run_isolated(
      [&] {
        return std::to_string(precision == "float64" ? read_stack_file<double>(path, header, "").size()
                                                     : read_stack_file<float>(path, header, "").size());
      },
      read_timeout_s(600));
  switch (judged.outcome) {
    case Isolated::Outcome::returned: return std::stol(judged.text);
    case Isolated::Outcome::threw: return refuse(judged.text);
    case Isolated::Outcome::crashed: return refuse(cat("corrupt: HDF5 crashed reading it (", judged.text, ")"));
    case Isolated::Outcome::hung: return refuse("corrupt: reading it did not end");
  }
  return refuse("unknown");
}

template <class T>
StackStore<T>::StackStore(std::filesystem::path experiment_dir, StackHeader header,
                          const std::atomic<bool>* stop)
    : dir_(stacks_dir(experiment_dir)), path_(experiment_dir / stack_file_name(header.key)),
      header_(std::move(header)), stop_(stop) {}

template <class T>
void StackStore<T>::refresh() {
  loaded_.clear();
  std::string why;
  const long n = usable_stack_layers(path_, header_, std::is_same_v<T, float> ? "float32" : "float64", &why);
  if (n > 0) {
    try {
      loaded_ = read_stack_file<T>(path_, header_, file_name());
      return;
    } catch (const std::exception& e) {
      why = e.what();
    }
  }
  if (n == 0) return;
  refused_ = true;
  if (!warned_) {
    warned_ = true;
    std::cerr << "layerwise: the stored stack " << path_.string() << " is not used (" << why
              << "); it is set aside as " << path_.filename().string()
              << ".unreadable and its layers are trained again\n";
  }
}

template <class T>
void StackStore<T>::store(const std::vector<TrainedLayer<T>>& stack) {
  try {
    if (refused_) {  // set aside, never deleted (as a damaged results file)
      std::filesystem::rename(path_, path_.string() + ".unreadable");
      refused_ = false;
    }
    write_stack_file(path_, header_, stack);
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(path_.string() + ".partial", ec);
    std::cerr << "layerwise: cannot store the stack " << path_.string() << " (" << e.what()
              << "); the run goes on, and later runs train these layers again\n";
  }
}

template <class T>
TrainedLayer<T> StackStore<T>::layer(int l, const std::function<TrainedLayer<T>()>& train) {
  require(l >= 0 && static_cast<std::size_t>(l) == held_.size(),
          cat("StackStore::layer(): layer ", l, " asked for after ", held_.size(), " layers"));
  const auto hand_out = [&](TrainedLayer<T> t) {
    held_.push_back(t);
    return t;
  };
  const auto stored = [&]() -> std::optional<TrainedLayer<T>> {
    if (static_cast<std::size_t>(l) >= loaded_.size()) return std::nullopt;
    ++read_;
    return hand_out(loaded_[static_cast<std::size_t>(l)]);
  };
  if (auto t = stored()) return *t;
  refresh();
  if (auto t = stored()) return *t;

  std::filesystem::create_directories(dir_);
  std::optional<RunLock> lock;
  for (;;) {  // another process may be training this layer: wait for it
    if (auto got = RunLock::try_take(dir_, header_.key)) {
      lock.emplace(std::move(*got));
      break;
    }
    if (stop_ && *stop_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (lock) {
    refresh();
    if (auto t = stored()) return *t;
  }
  TrainedLayer<T> t = train();
  if (t.train.status != TrainStatus::complete) return t;  // not stored, not handed on
  ++trained_;
  std::vector<TrainedLayer<T>> stack = held_;
  stack.push_back(t);
  if (lock) store(stack);  // only the lock's holder writes
  loaded_ = std::move(stack);
  return hand_out(std::move(t));
}

template class StackStore<float>;
template class StackStore<double>;

}  // namespace lw
