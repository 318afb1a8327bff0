// Datasets: fixed 1-D/2-D arrays written from Armadillo, and series growing along axis 0 (h5.hpp).
#include <hdf5_hl.h>

#include <stdexcept>

#include "layerwise/core/check.hpp"
#include "layerwise/io/h5.hpp"
#include "layerwise/io/h5_detail.hpp"

namespace lw::h5 {

using namespace detail;

namespace {

std::vector<hsize_t> dims_of_rank(const Object& ds, std::size_t rank) {
  const auto dims = shape(ds);
  if (dims.size() != rank)
    throw std::runtime_error(cat("h5::read(): expected rank ", rank, ", found ", dims.size(), " (", ds.where(), ")"));
  return dims;
}

template <class T>
Object write_dataset(const Object& loc, const std::string& name, const std::vector<hsize_t>& dims, const T* data) {
  quiet();
  const std::string path = loc.child_path(name);
  const std::string where = cat(loc.file(), ":", path);
  Object space = simple_space(dims);
  const hid_t id = H5Dcreate2(loc.id(), name.c_str(), native<T>(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  Object ds(check_id(id, "write_dataset", "cannot create dataset", where), H5Dclose, loc.file(), path);
  check_ok(H5Dwrite(ds.id(), native<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write_dataset", "cannot write", where);
  return ds;
}

// Armadillo 11's transpose dereferences the null storage of an N x 0 matrix (UBSan: reference
// binding to null pointer), so an empty matrix is reshaped, which is its transpose.
template <class T> arma::Mat<T> transpose(const arma::Mat<T>& m) {
  if (m.n_elem == 0) return arma::Mat<T>(m.n_cols, m.n_rows);
  return m.t();
}
}  // namespace

template <class T> Object write_vector(const Object& loc, const std::string& name, const arma::Col<T>& v) {
  return write_dataset<T>(loc, name, {v.n_elem}, v.memptr());
}

template <class T> Object write_matrix(const Object& loc, const std::string& name, const arma::Mat<T>& m) {
  const arma::Mat<T> row_major = transpose(m);  // column-major storage of M^T == row-major storage of M
  return write_dataset<T>(loc, name, {m.n_rows, m.n_cols}, row_major.memptr());
}

Object open_dataset(const Object& loc, const std::string& name) {
  quiet();
  const std::string path = loc.child_path(name);
  const hid_t id = H5Dopen2(loc.id(), name.c_str(), H5P_DEFAULT);
  check_id(id, "open_dataset", "cannot open dataset", cat(loc.file(), ":", path));
  return Object(id, H5Dclose, loc.file(), path);
}

std::vector<hsize_t> shape(const Object& dataset) {
  quiet();
  Object space = own(H5Dget_space(dataset.id()), H5Sclose, "shape", "cannot get dataspace", dataset.where());
  const int rank = H5Sget_simple_extent_ndims(space.id());
  check_ok(rank, "shape", "cannot get rank", dataset.where());
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check_ok(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), "shape", "cannot get dims", dataset.where());
  return dims;
}

template <class T> arma::Col<T> read_vector(const Object& loc, const std::string& name) {
  const Object ds = open_dataset(loc, name);
  const auto dims = dims_of_rank(ds, 1);
  arma::Col<T> v(dims[0]);
  if (v.n_elem > 0)
    check_ok(H5Dread(ds.id(), native<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.memptr()), "read_vector", "cannot read",
             ds.where());
  return v;
}

template <class T> arma::Mat<T> read_matrix(const Object& loc, const std::string& name) {
  const Object ds = open_dataset(loc, name);
  const auto dims = dims_of_rank(ds, 2);
  arma::Mat<T> transposed(dims[1], dims[0]);
  if (transposed.n_elem > 0)
    check_ok(H5Dread(ds.id(), native<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, transposed.memptr()), "read_matrix",
             "cannot read", ds.where());
  return transpose(transposed);
}

void describe(const Object& dataset, const std::string& long_name, const std::string& description,
              const std::string& units) {
  write_attr(dataset, "long_name", long_name);
  write_attr(dataset, "description", description);
  write_attr(dataset, "units", units);
}

void make_scale(const Object& scale, const std::string& name) {
  quiet();
  check_ok(H5DSset_scale(scale.id(), name.c_str()), "make_scale", "cannot make a dimension scale", scale.where());
}

void attach_scale(const Object& dataset, const Object& scale, unsigned axis) {
  quiet();
  check_ok(H5DSattach_scale(dataset.id(), scale.id(), axis), "attach_scale",
           cat("cannot attach dimension scale ", scale.path(), " to axis ", axis), dataset.where());
}

#define LW_H5_INSTANTIATE(T)                                                                   \
  template Object write_vector<T>(const Object&, const std::string&, const arma::Col<T>&);     \
  template Object write_matrix<T>(const Object&, const std::string&, const arma::Mat<T>&);     \
  template arma::Col<T> read_vector<T>(const Object&, const std::string&);                     \
  template arma::Mat<T> read_matrix<T>(const Object&, const std::string&);
LW_H5_INSTANTIATE(float)
LW_H5_INSTANTIATE(double)
LW_H5_INSTANTIATE(std::int64_t)
#undef LW_H5_INSTANTIATE

// ---- series ----
Series Series::create(const Object& loc, const std::string& name, Dtype dtype, hsize_t n_cols, hsize_t chunk_rows) {
  quiet();
  const std::string path = loc.child_path(name);
  const std::string where = cat(loc.file(), ":", path);
  require(chunk_rows > 0, cat("h5::Series::create(): chunk_rows must be > 0 (", where, ")"));
  std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{chunk_rows};
  if (n_cols > 0) {
    dims.push_back(n_cols);
    maxdims.push_back(n_cols);
    chunk.push_back(n_cols);
  }
  Object space = simple_space(dims, maxdims.data());
  Object dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "Series::create", "cannot create property list", where);
  check_ok(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), "Series::create",
           "cannot set chunking", where);
  check_ok(H5Pset_shuffle(dcpl.id()), "Series::create", "cannot set the shuffle filter", where);
  check_ok(H5Pset_deflate(dcpl.id(), series_gzip_level), "Series::create", "cannot set gzip", where);
  const hid_t id = H5Dcreate2(loc.id(), name.c_str(), native(dtype), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT);
  Series s;
  s.dataset_ = Object(check_id(id, "Series::create", "cannot create dataset", where), H5Dclose, loc.file(), path);
  s.cols_ = n_cols;
  return s;
}

void Series::append_raw(const void* data, hid_t mem_type, std::size_t n_rows) {
  quiet();
  if (n_rows == 0) return;
  const std::string where = dataset_.where();
  require(dataset_.is_open(), cat("h5::Series::append(): series is not open (", where, ")"));
  std::vector<hsize_t> start{rows_}, count{n_rows}, dims{rows_ + n_rows};
  if (cols_ > 0) {
    start.push_back(0);
    count.push_back(cols_);
    dims.push_back(cols_);
  }
  check_ok(H5Dset_extent(dataset_.id(), dims.data()), "Series::append", "cannot extend dataset", where);
  Object file_space = own(H5Dget_space(dataset_.id()), H5Sclose, "Series::append", "cannot get dataspace", where);
  check_ok(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
           "Series::append", "cannot select rows", where);
  Object mem_space = simple_space(count);
  check_ok(H5Dwrite(dataset_.id(), mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, data), "Series::append",
           "cannot write rows", where);
  rows_ += n_rows;
}

void Series::append_rows(const double* data, std::size_t n_rows) { append_raw(data, H5T_NATIVE_DOUBLE, n_rows); }
void Series::append_rows(const std::int64_t* data, std::size_t n_rows) { append_raw(data, H5T_NATIVE_INT64, n_rows); }

void Series::append(const std::vector<double>& row) {
  require(cols_ > 0 && row.size() == cols_, cat("h5::Series::append(): row has ", row.size(), " values, dataset has ",
                                                cols_, " columns (", dataset_.where(), ")"));
  append_rows(row.data(), 1);
}

}  // namespace lw::h5
