#pragma once
// A small RAII layer over the HDF5 C API (1.10). Every call is checked and HDF5's own error-stack
// printing is switched off: a failure is one std::runtime_error naming the call, the file and the
// object path, plus HDF5's innermost reason, e.g.
//   "h5::create_file(): cannot create file (/x/run.h5.partial): unable to open file ... Not a directory"
//
// Layout conventions (README, "The HDF5 results file"):
//   - An Armadillo matrix M (n_rows x n_cols, column-major) is stored with dims (n_rows, n_cols),
//     so NumPy sees M.shape == (n_rows, n_cols) and M[i, j] == M(i, j); a weight matrix W
//     (fan_out x fan_in) reads back in NumPy as shape (fan_out, fan_in).
//   - Strings are variable-length UTF-8 (h5py reads `str`); booleans use h5py's enum
//     {FALSE = 0, TRUE = 1} over int8 (h5py reads numpy.bool_).
//   - Series are chunked, compressed datasets, unlimited along axis 0: 1-D (rows) or 2-D
//     (rows, n_cols).
// Element types: float, double, std::int64_t. Reading converts the stored type to the one asked for.
#include <hdf5.h>

#include <armadillo>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lw::h5 {

// Owns one HDF5 identifier (file, group, dataset) and closes it with the matching H5*close.
// Move-only. Remembers the file name and object path for error messages.
class Object {
 public:
  using Closer = herr_t (*)(hid_t);
  Object() = default;
  Object(hid_t id, Closer closer, std::string file, std::string path);
  ~Object();
  Object(Object&& other) noexcept;
  Object& operator=(Object&& other) noexcept;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  hid_t id() const { return id_; }
  bool is_open() const { return id_ >= 0; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }  // "/" for a file, "/finetune/epochs", ...
  std::string where() const;                         // "file:path", for messages
  std::string child_path(const std::string& name) const;
  void close();  // checked; the destructor closes unchecked

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
  std::string file_, path_;
};

// Files. truncate replaces an existing file; exclusive fails if it exists. Files use HDF5's default
// (1.8-compatible) format, which a reader can open after the writer was killed; data written before
// the last flush() is then intact.
enum class Create { truncate, exclusive };
Object create_file(const std::filesystem::path& path, Create mode);
Object open_file(const std::filesystem::path& path, bool writable = false);
void flush(const Object& obj);  // H5Fflush(H5F_SCOPE_GLOBAL) of the file holding obj

// Groups. `loc` is a file or a group; `name` is relative to it and may contain '/'.
Object create_group(const Object& loc, const std::string& name);
Object open_group(const Object& loc, const std::string& name);
Object require_group(const Object& loc, const std::string& name);  // opens, or creates with parents
bool exists(const Object& loc, const std::string& name);  // every component of name is checked
void remove(const Object& loc, const std::string& name);  // unlinks (the space is not reclaimed)

// Attributes on a file, group or dataset; writing replaces an attribute of the same name.
void write_attr(const Object& obj, const std::string& name, double value);
void write_attr(const Object& obj, const std::string& name, std::int64_t value);
void write_attr(const Object& obj, const std::string& name, bool value);
void write_attr(const Object& obj, const std::string& name, const std::string& value);
void write_attr(const Object& obj, const std::string& name, const std::vector<double>& value);
void write_attr(const Object& obj, const std::string& name, const std::vector<std::int64_t>& value);
void write_attr(const Object& obj, const std::string& name, const std::vector<std::string>& value);
inline void write_attr(const Object& obj, const std::string& name, const char* value) {
  write_attr(obj, name, std::string(value));  // not bool
}
template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, std::int64_t>)
void write_attr(const Object& obj, const std::string& name, I value) {
  write_attr(obj, name, static_cast<std::int64_t>(value));
}

bool has_attr(const Object& obj, const std::string& name);
std::vector<std::string> attr_names(const Object& obj);  // in name order
// T: double, std::int64_t, bool, std::string, std::vector<double>, std::vector<std::int64_t>,
// std::vector<std::string>. Throws if the attribute is missing or its class does not fit T.
template <class T> T read_attr(const Object& obj, const std::string& name);

// Fixed-size datasets written from Armadillo (T: float, double, std::int64_t).
template <class T> Object write_vector(const Object& loc, const std::string& name, const arma::Col<T>& v);
template <class T> Object write_matrix(const Object& loc, const std::string& name, const arma::Mat<T>& m);
Object open_dataset(const Object& loc, const std::string& name);
std::vector<hsize_t> shape(const Object& dataset);
template <class T> arma::Col<T> read_vector(const Object& loc, const std::string& name);  // 1-D
template <class T> arma::Mat<T> read_matrix(const Object& loc, const std::string& name);  // 2-D

// Sets a dataset's `long_name` (a short label, as netCDF/CF readers show it), `description` (what
// it holds, in a sentence) and `units` ("1" for a dimensionless number, "s", "fraction", ...).
void describe(const Object& dataset, const std::string& long_name, const std::string& description,
              const std::string& units);

// Dimension scales (HDF5's high-level H5DS API), which netCDF-4 readers (h5netcdf, xarray) take as
// named dimensions with coordinates: `scale` (a 1-D dataset) becomes the dimension `name`, and
// axis `axis` of `dataset` is attached to it.
void make_scale(const Object& scale, const std::string& name);
void attach_scale(const Object& dataset, const Object& scale, unsigned axis);

// A dataset growing along axis 0: 1-D (rows) when n_cols == 0, else 2-D (rows, n_cols).
// Chunked (chunk_rows x n_cols), unlimited rows, starting empty; compressed: byte shuffle, then
// gzip (deflate) level series_gzip_level.
inline constexpr unsigned series_gzip_level = 4;
enum class Dtype { float32, float64, int64 };
class Series {
 public:
  Series() = default;
  static Series create(const Object& loc, const std::string& name, Dtype dtype, hsize_t n_cols,
                       hsize_t chunk_rows = 256);

  // Appends n_rows rows from a row-major buffer of n_rows * max(n_cols, 1) values.
  void append_rows(const double* data, std::size_t n_rows);
  void append_rows(const std::int64_t* data, std::size_t n_rows);
  void append(double value) { append_rows(&value, 1); }  // 1-D
  void append(std::int64_t value) { append_rows(&value, 1); }  // 1-D
  void append(const std::vector<double>& row);  // 2-D: row.size() == n_cols

  const Object& dataset() const { return dataset_; }
  hsize_t rows() const { return rows_; }
  hsize_t cols() const { return cols_; }
  void close() { dataset_.close(); }

 private:
  void append_raw(const void* data, hid_t mem_type, std::size_t n_rows);
  Object dataset_;
  hsize_t cols_ = 0, rows_ = 0;
};

}  // namespace lw::h5
