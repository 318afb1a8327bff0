#include "layerwise/io/hdf5_dataset.hpp"

#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "layerwise/core/build_info.hpp"
#include "layerwise/core/check.hpp"
#include "layerwise/core/isolated.hpp"

namespace lw {
namespace {

// Closes an HDF5 handle on scope exit (local on purpose: this reader needs four kinds of handle).
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Handle() { if (id >= 0) close(id); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

// Turns off HDF5's automatic error printing for this scope (errors become exceptions here).
struct QuietHdf5 {
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func, data); }
};

struct Shape {
  std::vector<hsize_t> dims;
  H5T_class_t type_class;
};

std::string dims_text(const std::vector<hsize_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += cat(i ? ", " : "", dims[i]);
  return s + (dims.size() == 1 ? ",)" : ")");
}

}  // namespace

namespace {

Dataset read_here(const std::string& path, const Hdf5Options& opt) {
  const std::string fn = "read_hdf5_dataset(): ";
  require_input_file("read_hdf5_dataset", path);
  QuietHdf5 quiet;
  require_io(H5Fis_hdf5(path.c_str()) > 0, cat(fn, path, ": not an HDF5 file"));
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  require_io(file.id >= 0, cat(fn, "cannot open ", path));

  const auto open = [&](const std::string& name, const char* option) {
    const htri_t exists = H5Lexists(file.id, name.c_str(), H5P_DEFAULT);
    require_io(exists > 0, cat(fn, path, ": no dataset '", name, "' (option data.", option, ")"));
    const hid_t id = H5Dopen2(file.id, name.c_str(), H5P_DEFAULT);
    require_io(id >= 0, cat(fn, path, ": '", name, "' is not a dataset (option data.", option, ")"));
    return id;
  };
  const auto shape = [&](hid_t dset, const std::string& name) {
    Handle space(H5Dget_space(dset), H5Sclose);
    Handle type(H5Dget_type(dset), H5Tclose);
    const int rank = H5Sget_simple_extent_ndims(space.id);
    require_io(rank >= 0 && type.id >= 0, cat(fn, path, ": cannot read the shape of '", name, "'"));
    Shape s{std::vector<hsize_t>(rank), H5Tget_class(type.id)};
    H5Sget_simple_extent_dims(space.id, s.dims.data(), nullptr);
    return s;
  };

  Handle xd(open(opt.x, "h5_x"), H5Dclose);
  Handle yd(open(opt.y, "h5_y"), H5Dclose);
  const Shape xs = shape(xd.id, opt.x), ys = shape(yd.id, opt.y);
  require_io(xs.dims.size() == 2 || xs.dims.size() == 3,
             cat(fn, path, ": dataset '", opt.x, "' has shape ", dims_text(xs.dims),
                 ", expected (n_examples, n_features) or (n_examples, rows, cols)"));
  require_io(xs.type_class == H5T_INTEGER || xs.type_class == H5T_FLOAT,
             cat(fn, path, ": dataset '", opt.x, "' is not of an integer or float type"));
  require_io(ys.dims.size() == 1 || (ys.dims.size() == 2 && ys.dims[1] == 1),
             cat(fn, path, ": dataset '", opt.y, "' has shape ", dims_text(ys.dims),
                 ", expected (n_examples,)"));
  require_io(ys.type_class == H5T_INTEGER,
             cat(fn, path, ": dataset '", opt.y, "' is not of an integer type"));
  const hsize_t n = xs.dims[0];
  require_io(ys.dims[0] == n, cat(fn, path, ": '", opt.x, "' has ", n, " examples but '", opt.y,
                                  "' has ", ys.dims[0], " labels"));

  Dataset d;
  hsize_t n_features = xs.dims[1];
  if (xs.dims.size() == 3) {
    d.image_rows = xs.dims[1];
    d.image_cols = xs.dims[2];
    n_features *= xs.dims[2];
  }
  // A damaged dataspace can claim any size: refuse what this machine could not hold (and what
  // would overflow), before allocating it.
  const double bytes = 4.0 * static_cast<double>(n_features) * static_cast<double>(n) +
                       8.0 * static_cast<double>(n);
  const double ram = physical_memory_bytes();
  require_io(bytes < (ram > 0 ? ram : 1e15),
             cat(fn, path, ": datasets '", opt.x, "' ", dims_text(xs.dims), " and '", opt.y, "' need ", bytes / 1e9,
                 " GB as float32, more than this machine's ", ram / 1e9, " GB (a damaged file?)"));
  d.X.set_size(n_features, n);
  std::vector<std::int64_t> labels(n);
  if (n > 0) {
    require_io(H5Dread(xd.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.X.memptr()) >= 0,
               cat(fn, path, ": cannot read dataset '", opt.x, "' as float32"));
    require_io(H5Dread(yd.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.data()) >= 0,
               cat(fn, path, ": cannot read dataset '", opt.y, "' as int64"));
  }
  for (arma::uword k = 0; k < d.X.n_elem; ++k)
    require_io(std::isfinite(d.X[k]), cat(fn, path, ": dataset '", opt.x, "' has a non-finite value at [",
                                          k / n_features, ", ", k % n_features, "]"));
  d.y.set_size(n);
  std::int64_t max_label = -1;
  for (hsize_t j = 0; j < n; ++j) {
    const std::int64_t v = labels[j];
    const arma::uword limit = opt.n_classes > 0 ? opt.n_classes : max_classes;
    require_io(v >= 0 && static_cast<arma::uword>(v) < limit,
               cat(fn, path, ": dataset '", opt.y, "' [", j, "] = ", v, " is outside the class range [0, ", limit,
                   ")", opt.n_classes > 0 ? "" : " (at most max_classes labels; a damaged file?)"));
    d.y[j] = static_cast<arma::uword>(v);
    max_label = std::max(max_label, v);
  }
  d.n_classes = opt.n_classes > 0 ? opt.n_classes : static_cast<arma::uword>(max_label + 1);
  return d;
}

}  // namespace

Dataset read_hdf5_dataset(const std::string& path, const Hdf5Options& opt) {
  // Read once in a child process first: a corrupt file can crash or hang HDF5 (core/isolated.hpp).
  // A file that the child read is then read here the same way, safely.
  const Isolated probe = run_isolated(
      [&] {
        read_here(path, opt);
        return std::string();
      },
      read_timeout_s(600));
  switch (probe.outcome) {
    case Isolated::Outcome::returned: return read_here(path, opt);
    case Isolated::Outcome::threw: throw std::runtime_error(probe.text);
    case Isolated::Outcome::crashed:
      throw std::runtime_error(cat("read_hdf5_dataset(): ", path, ": corrupt: HDF5 crashed reading it (", probe.text, ")"));
    case Isolated::Outcome::hung: break;
  }
  throw std::runtime_error(cat("read_hdf5_dataset(): ", path, ": corrupt: HDF5 gave no answer in ",
                               read_timeout_s(600), " s reading it (LW_READ_TIMEOUT to wait longer)"));
}

}  // namespace lw
