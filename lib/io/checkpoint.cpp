#include "layerwise/io/checkpoint.hpp"

#include <cstdio>

#include "layerwise/core/check.hpp"
#include "layerwise/io/h5.hpp"

namespace lw {
namespace {

constexpr const char* format_name = "layerwise-network";
constexpr std::int64_t format_version = 1;

}  // namespace

std::string layer_group_name(std::size_t l) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "layer_%02zu", l);
  return buf;
}

template <class T>
void write_layer(const h5::Object& g, const DenseLayer<T>& layer) {
  h5::write_attr(g, "activation", to_string(layer.act));
  h5::describe(h5::write_matrix(g, "W", layer.W), "weights", "weights, (fan_out, fan_in)", "1");
  h5::describe(h5::write_vector(g, "b", layer.b), "biases", "biases, (fan_out)", "1");
}

template <class T>
DenseLayer<T> read_layer(const h5::Object& g) {
  return DenseLayer<T>{h5::read_matrix<T>(g, "W"), h5::read_vector<T>(g, "b"),
                       parse_activation(h5::read_attr<std::string>(g, "activation"))};
}

template <class T>
void save_network(const std::filesystem::path& path, const Network<T>& net) {
  check_network(net);
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    h5::Object file = h5::create_file(tmp, h5::Create::truncate);
    h5::write_attr(file, "format", std::string(format_name));
    h5::write_attr(file, "format_version", format_version);
    h5::write_attr(file, "loss", to_string(net.loss));
    h5::write_attr(file, "precision", std::string(precision_name<T>()));
    std::vector<std::int64_t> sizes;
    for (auto s : net.layer_sizes()) sizes.push_back(static_cast<std::int64_t>(s));
    h5::write_attr(file, "layer_sizes", sizes);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      write_layer(h5::create_group(file, layer_group_name(l)), net.layers[l]);
    }
    h5::flush(file);
    file.close();
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  require_io(!ec, cat("save_network(): cannot rename ", tmp.string(), " to ", path.string(), ": ",
                      ec.message()));
}

std::string checkpoint_precision(const std::filesystem::path& path) {
  const h5::Object file = h5::open_file(path);
  require_io(h5::has_attr(file, "format") &&
                 h5::read_attr<std::string>(file, "format") == format_name,
             cat("load_network(): ", path.string(), " is not a layerwise network checkpoint "
                 "(no attribute format = \"", format_name, "\")"));
  return h5::read_attr<std::string>(file, "precision");
}

template <class T>
Network<T> load_network(const std::filesystem::path& path) {
  checkpoint_precision(path);  // checks the format
  const h5::Object file = h5::open_file(path);
  const auto version = h5::read_attr<std::int64_t>(file, "format_version");
  require_io(version == format_version,
             cat("load_network(): ", path.string(), " has format_version ", version,
                 "; this build reads ", format_version));
  const auto sizes = h5::read_attr<std::vector<std::int64_t>>(file, "layer_sizes");
  require_io(sizes.size() >= 2, cat("load_network(): ", path.string(), ": layer_sizes has ",
                                    sizes.size(), " entries (need >= 2)"));
  Network<T> net;
  try {
    net.loss = parse_loss(h5::read_attr<std::string>(file, "loss"));
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      DenseLayer<T> layer = read_layer<T>(h5::open_group(file, layer_group_name(l)));
      require(static_cast<std::int64_t>(layer.fan_in()) == sizes[l] &&
                  static_cast<std::int64_t>(layer.fan_out()) == sizes[l + 1],
              cat(layer_group_name(l), "/W is ", layer.fan_out(), "x", layer.fan_in(),
                  " but layer_sizes says ", sizes[l + 1], "x", sizes[l]));
      net.layers.push_back(std::move(layer));
    }
    check_network(net);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(cat("load_network(): ", path.string(), ": ", e.what()));
  }
  return net;
}

template void write_layer(const h5::Object&, const DenseLayer<float>&);
template void write_layer(const h5::Object&, const DenseLayer<double>&);
template DenseLayer<float> read_layer(const h5::Object&);
template DenseLayer<double> read_layer(const h5::Object&);
template void save_network(const std::filesystem::path&, const Network<float>&);
template void save_network(const std::filesystem::path&, const Network<double>&);
template Network<float> load_network(const std::filesystem::path&);
template Network<double> load_network(const std::filesystem::path&);

}  // namespace lw
