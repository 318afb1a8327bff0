#include "layerwise/io/probe_file.hpp"

#include <algorithm>
#include <cstdio>

#include "layerwise/core/build_info.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/io/h5.hpp"

namespace lw {
namespace {

void write_record(const h5::Object& g, const ProbeRecord& r) {
  const auto put = [&](const char* name, const std::vector<double>& v, const char* what,
                       const char* units) {
    std::string long_name = name;  // grad_norm_W -> "grad norm W"
    std::replace(long_name.begin(), long_name.end(), '_', ' ');
    h5::describe(h5::write_vector(g, name, arma::vec(v)), long_name, what, *units != '\0' ? units : "1");
  };
  put("grad_norm_W", r.grad_norm_W, "per layer: ||dL/dW||_F, mean over the batches", "");
  put("grad_norm_b", r.grad_norm_b, "per layer: ||dL/db||_2, mean over the batches", "");
  put("delta_norm", r.delta_norm,
      "per layer: ||dL/dz||_F / sqrt(batch), the back-propagated error, mean over the batches", "");
  put("weight_norm_W", r.weight_norm_W, "per layer: ||W||_F", "");
  put("act_mean", r.act_mean, "per layer: mean of the layer's output", "");
  put("act_std", r.act_std, "per layer: standard deviation of the layer's output", "");
  put("act_saturated", r.act_saturated, "per layer: fraction of saturated units", "fraction");
  h5::write_attr(g, "ratio_first_last", r.ratio_first_last);
  h5::write_attr(g, "n_batches", r.n_batches);
  h5::write_attr(g, "batch_size", r.batch_size);
}

std::string numbered(const char* prefix, std::size_t n) {
  char name[48];
  std::snprintf(name, sizeof name, "%s_%02zu", prefix, n);
  return name;
}

}  // namespace

struct ProbeFile::Impl {
  std::filesystem::path partial, final_path;
  h5::Object file;
  bool finished = false;

  void require_open(const char* func) const {
    require(!finished, cat("ProbeFile::", func, "(): file already finished (", final_path.string(), ")"));
  }
};

ProbeFile::ProbeFile(const std::filesystem::path& dir, const ProbeHeader& header)
    : impl_(std::make_unique<Impl>()) {
  impl_->final_path = dir / probe_file_name;
  impl_->partial = dir / (std::string(probe_file_name) + ".partial");
  impl_->file = h5::create_file(impl_->partial, h5::Create::truncate);
  const h5::Object& f = impl_->file;
  for (const auto& [k, v] : build_info_fields(build_info())) h5::write_attr(f, k, v);
  h5::write_attr(f, "command_line", header.command_line);
  h5::write_attr(f, "created_utc", utc_now());
  h5::write_attr(f, "seed", header.seed);
  h5::write_attr(f, "data_checksum", header.data_checksum);
}

ProbeFile::~ProbeFile() = default;
ProbeFile::ProbeFile(ProbeFile&&) noexcept = default;
ProbeFile& ProbeFile::operator=(ProbeFile&&) noexcept = default;

void ProbeFile::write_probe(const std::string& activation, const std::string& arm,
                            std::int64_t depth, const ProbeRecord& record) {
  impl_->require_open("write_probe");
  const h5::Object g = h5::require_group(
      impl_->file, "probe/" + activation + "/" + arm + "/" +
                       numbered("depth", static_cast<std::size_t>(depth)));
  h5::write_attr(g, "depth", depth);
  h5::write_attr(g, "arm", arm);
  h5::write_attr(g, "activation", activation);
  write_record(g, record);
}

void ProbeFile::write_loaded(std::size_t index, const std::string& file, std::int64_t depth,
                             const ProbeRecord& record) {
  impl_->require_open("write_loaded");
  const h5::Object g = h5::require_group(impl_->file, "loaded/" + numbered("network", index));
  h5::write_attr(g, "depth", depth);
  h5::write_attr(g, "file", file);
  write_record(g, record);
}

std::filesystem::path ProbeFile::finish() {
  impl_->require_open("finish");
  impl_->file.close();
  impl_->finished = true;
  std::filesystem::rename(impl_->partial, impl_->final_path);
  return impl_->final_path;
}

}  // namespace lw
