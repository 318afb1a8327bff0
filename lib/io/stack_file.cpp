#include "layerwise/io/stack_file.hpp"

#include <cstdio>

#include "layerwise/core/check.hpp"
#include "layerwise/core/fault_point.hpp"
#include "layerwise/io/checkpoint.hpp"
#include "layerwise/io/h5.hpp"

namespace lw {
namespace {

constexpr const char* format_name = "layerwise-stack";
constexpr std::int64_t format_version = 1;

struct EpochColumn {
  const char* name;
  double EpochMetrics::*member;
  const char* long_name;
  const char* description;
  const char* units;
};
constexpr EpochColumn epoch_columns[] = {
    {"train_loss", &EpochMetrics::train_loss, "training loss", "the scheme's training loss in this epoch", "1"},
    {"train_error", &EpochMetrics::train_error, "training error", "training error in this epoch (NaN if none)", "fraction"},
    {"valid_loss", &EpochMetrics::valid_loss, "validation loss", "the scheme's loss on the validation set after this epoch", "1"},
    {"valid_error", &EpochMetrics::valid_error, "validation error", "validation error after this epoch (NaN if none)", "fraction"},
    {"wall_time_s", &EpochMetrics::wall_time_s, "wall time", "wall time of this epoch", "s"},
};

h5::Object open_stack(const std::filesystem::path& path) {
  h5::Object file = h5::open_file(path);
  require_io(h5::has_attr(file, "format") && h5::read_attr<std::string>(file, "format") == format_name,
             cat(path.string(), " is not a layerwise stack (no attribute format = \"", format_name, "\")"));
  const auto version = h5::read_attr<std::int64_t>(file, "format_version");
  require_io(version == format_version, cat(path.string(), " has stack format_version ", version,
                                            "; this build reads ", format_version));
  return file;
}

}  // namespace

template <class T>
void write_stack_file(const std::filesystem::path& path, const StackHeader& header,
                      const std::vector<TrainedLayer<T>>& layers) {
  require(!layers.empty(), "write_stack_file(): no layers");
  const std::filesystem::path partial = path.string() + ".partial";
  {
    h5::Object file = h5::create_file(partial, h5::Create::truncate);
    h5::write_attr(file, "format", std::string(format_name));
    h5::write_attr(file, "format_version", format_version);
    h5::write_attr(file, "key", header.key);
    h5::write_attr(file, "key_text", header.key_text);
    h5::write_attr(file, "data_checksum", header.data_checksum);
    h5::write_attr(file, "scheme", header.scheme);
    h5::write_attr(file, "precision", std::string(precision_name<T>()));
    h5::write_attr(file, "n_layers", static_cast<std::int64_t>(layers.size()));
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const TrainedLayer<T>& t = layers[l];
      require(t.train.status == TrainStatus::complete,
              cat("write_stack_file(): layer ", l, " did not complete"));
      const h5::Object g = h5::create_group(file, layer_group_name(l));
      write_layer(g, t.layer);
      h5::write_attr(g, "best_epoch", static_cast<std::int64_t>(t.train.best_epoch));
      h5::write_attr(g, "best_metric", t.train.best_metric);
      h5::write_attr(g, "stopped_early", t.train.stopped_early);
      h5::write_attr(g, "steps", static_cast<std::int64_t>(t.train.steps));
      for (const EpochColumn& c : epoch_columns) {
        arma::vec v(t.train.epochs.size());
        for (std::size_t e = 0; e < t.train.epochs.size(); ++e) v[e] = t.train.epochs[e].*(c.member);
        h5::describe(h5::write_vector(g, c.name, v), c.long_name, c.description, c.units);
      }
    }
    h5::flush(file);
    file.close();
  }
  fault_point("stack");
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  require_io(!ec, cat("cannot rename ", partial.string(), " to ", path.string(), ": ", ec.message()));
}

template <class T>
std::vector<TrainedLayer<T>> read_stack_file(const std::filesystem::path& path,
                                             const StackHeader& header, const std::string& name) {
  const h5::Object file = open_stack(path);
  const auto text = [&](const char* attr) { return h5::read_attr<std::string>(file, attr); };
  require_io(text("key") == header.key && text("key_text") == header.key_text,
             cat(path.string(), " holds the stack of key ", text("key"), ", not ", header.key));
  require_io(header.data_checksum.empty() || text("data_checksum") == header.data_checksum,
             cat(path.string(), " was pretrained on other data (split checksum ", text("data_checksum"),
                 ", not ", header.data_checksum, ")"));
  require_io(text("precision") == precision_name<T>(),
             cat(path.string(), " is a ", text("precision"), " stack, not ", precision_name<T>()));
  require_io(text("scheme") == header.scheme,
             cat(path.string(), " is a stack of scheme ", text("scheme"), ", not ", header.scheme));
  const auto n = h5::read_attr<std::int64_t>(file, "n_layers");
  require_io(n >= 1 && n <= 100000, cat(path.string(), ": n_layers is ", n));
  std::vector<TrainedLayer<T>> out;
  try {
    for (std::size_t l = 0; l < static_cast<std::size_t>(n); ++l) {
      const h5::Object g = h5::open_group(file, layer_group_name(l));
      TrainedLayer<T> t{read_layer<T>(g), TrainResult{}, name};
      require(t.layer.b.n_elem == t.layer.fan_out() && t.layer.fan_out() > 0 &&
                  (l == 0 || t.layer.fan_in() == out.back().layer.fan_out()),
              cat(layer_group_name(l), " is ", t.layer.fan_out(), "x", t.layer.fan_in(), " with ",
                  t.layer.b.n_elem, " biases, on a layer of ", l == 0 ? 0 : out.back().layer.fan_out()));
      require(t.layer.W.is_finite() && t.layer.b.is_finite(), layer_group_name(l) + " has non-finite weights");
      t.train.best_epoch = static_cast<int>(h5::read_attr<std::int64_t>(g, "best_epoch"));
      t.train.best_metric = h5::read_attr<double>(g, "best_metric");
      t.train.stopped_early = h5::read_attr<bool>(g, "stopped_early");
      t.train.steps = static_cast<long>(h5::read_attr<std::int64_t>(g, "steps"));
      for (const EpochColumn& c : epoch_columns) {
        const arma::vec v = h5::read_vector<double>(g, c.name);
        if (t.train.epochs.empty()) t.train.epochs.resize(v.n_elem);
        require(v.n_elem == t.train.epochs.size(),
                cat(layer_group_name(l), "/", c.name, " has ", v.n_elem, " epochs, not ", t.train.epochs.size()));
        for (std::size_t e = 0; e < v.n_elem; ++e) t.train.epochs[e].*(c.member) = v[e];
      }
      for (std::size_t e = 0; e < t.train.epochs.size(); ++e) t.train.epochs[e].epoch = static_cast<int>(e);
      out.push_back(std::move(t));
    }
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(cat(path.string(), ": ", e.what()));
  }
  return out;
}

long stack_file_layers(const std::filesystem::path& path) {
  return static_cast<long>(h5::read_attr<std::int64_t>(open_stack(path), "n_layers"));
}

std::string stack_file_key(const std::filesystem::path& path) {
  return h5::read_attr<std::string>(open_stack(path), "key");
}

template void write_stack_file(const std::filesystem::path&, const StackHeader&,
                               const std::vector<TrainedLayer<float>>&);
template void write_stack_file(const std::filesystem::path&, const StackHeader&,
                               const std::vector<TrainedLayer<double>>&);
template std::vector<TrainedLayer<float>> read_stack_file(const std::filesystem::path&,
                                                          const StackHeader&, const std::string&);
template std::vector<TrainedLayer<double>> read_stack_file(const std::filesystem::path&,
                                                           const StackHeader&, const std::string&);

}  // namespace lw
