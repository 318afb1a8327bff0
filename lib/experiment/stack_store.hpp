#pragma once
// Pretrained stacks shared by the runs of a sweep (pretrain/greedy.hpp LayerCache): a run's first
// layers are those of every deeper run of the same stack key, so each distinct layer is pretrained
// once and read back by the other runs, bit for bit what they would have trained.
//
// Where: <experiment folder>/stacks/<key>.h5 (io/stack_file.hpp), one file per stack, holding as
// many layers as the deepest run so far needed; a deeper run extends it by its missing layers
// (each written as a new file, <key>.h5.partial then renamed: readers see a whole stack or none).
//
// The key: config_hash (core/config_value.hpp) of these "option=value" lines, in this order,
// stored in the file as key_text and checked on every read:
//   stack_format=1
//   every data.* option of the run's /config   the split, hence the pool pretraining sees; but
//                                              data.n_labeled only for a scheme that needs
//                                              labels, and then only when not 0 (labeled.hpp)
//   precision, pretrain_init, init_scale       the layers' arithmetic and initial encoders
//   blas_core, blas_threads                    the kernel and threads of the products (the bits
//                                              of a product may depend on both)
//   run.arm, then every pretrain.<arm>.* option (typed as declared), run.activation, run.width,
//   run.seed
// Nothing about fine-tuning (learning rate, dropout, patience, output layer, labeled examples)
// and not the depth: the runs of a learning-rate or labeled-examples axis share their stacks.
// The split's checksum is stored beside the key and checked on reading: a stack of data that
// changed under the same options is refused. The toolkit's version is not in it (as for run_hash).
//
// Concurrency: a process trains a missing layer holding the stack's lock (io/run_lock.hpp, in
// stacks/.run_locks), so no two processes (MPI ranks, shards, a rerun beside a sweep) train one
// layer at once; the other waits for the file, and a killed holder frees the lock and leaves at
// most a .partial, which the next writer replaces. Only the lock's holder writes. A stack file
// that is damaged, foreign (another key, data, format or precision) or no file is reported once on
// stderr, set aside as <key>.h5.unreadable and retrained, never used; it is read whole in a child
// process first (core/isolated.hpp), as a damaged HDF5 file can crash a reader. A stack that
// cannot be written (a full disk) is reported and the run goes on without storing it.
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "layerwise/core/config_value.hpp"
#include "layerwise/io/stack_file.hpp"
#include "layerwise/pretrain/greedy.hpp"

namespace lw {

// The stack header (key, key_text, scheme) of a pretrained run, from its run_config (run.hpp), and
// the split's checksum (io/dataset.hpp; "" when the data is not loaded: then not checked).
StackHeader stack_header(const std::vector<ConfigEntry>& run_config, const std::string& data_checksum = "");

std::filesystem::path stacks_dir(const std::filesystem::path& experiment_dir);  // <dir>/stacks
std::string stack_file_name(const std::string& key);                           // stacks/<key>.h5

// How many layers of the stack `header` (in `precision`, "float32" or "float64") the file at
// `path` holds: read whole (read_stack_file, every check) in a child process first. 0 when there
// is none; -1 with `why` set when it is damaged, foreign or no stack.
long usable_stack_layers(const std::filesystem::path& path, const StackHeader& header,
                         const std::string& precision, std::string* why = nullptr);

template <class T>
class StackStore final : public LayerCache<T> {
 public:
  // stop: while waiting for another process's layer, a stop request ends the wait (the layer is
  // then trained here, and training sees the stop).
  StackStore(std::filesystem::path experiment_dir, StackHeader header,
             const std::atomic<bool>* stop = nullptr);

  TrainedLayer<T> layer(int l, const std::function<TrainedLayer<T>()>& train) override;

  const StackHeader& header() const { return header_; }
  std::string file_name() const { return stack_file_name(header_.key); }  // relative
  int trained() const { return trained_; }  // layers this store trained (and stored)
  int read() const { return read_; }        // layers it handed out from the file

 private:
  void refresh();  // loaded_ = the file's layers (none if missing, damaged or foreign)
  void store(const std::vector<TrainedLayer<T>>& stack);  // under the lock; never throws

  std::filesystem::path dir_, path_;
  StackHeader header_;
  const std::atomic<bool>* stop_;
  std::vector<TrainedLayer<T>> loaded_;  // the file's layers when last read
  std::vector<TrainedLayer<T>> held_;    // layers 0.. handed out so far
  int trained_ = 0, read_ = 0;
  bool warned_ = false, refused_ = false;  // refused_: the file there is damaged or foreign
};

}  // namespace lw
