#include "layerwise/io/h5.hpp"

#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "layerwise/core/check.hpp"
#include "layerwise/io/h5_detail.hpp"

namespace lw::h5 {
namespace detail {

// HDF5 prints its error stack on stderr unless told otherwise (per thread in thread-safe builds).
// And HDF5 1.10.8 crashes in its atexit handler (H5F__close_cb) when a file failed to close, as on
// a full disk; our RAII handles close everything, so the handler is not installed.
void quiet() {
  static const bool no_atexit = [] {
    H5dont_atexit();  // before the library initialises; harmless (ignored) after
    return true;
  }();
  (void)no_atexit;
  thread_local bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    done = true;
  }
}

herr_t innermost(unsigned n, const H5E_error2_t* err, void* out) {
  if (n == 0 && err != nullptr && err->desc != nullptr) *static_cast<std::string*>(out) = err->desc;
  return 0;
}

// The innermost message on HDF5's error stack (the actual cause), then the stack is cleared.
std::string reason() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &desc);
  H5Eclear2(H5E_DEFAULT);
  const std::string key = "error message = '";  // file-driver errors carry strerror here
  if (const auto at = desc.find(key); at != std::string::npos) {
    const auto start = at + key.size();
    return desc.substr(start, desc.find('\'', start) - start);
  }
  return desc;
}

[[noreturn]] void fail(const char* func, const std::string& what, const std::string& where) {
  const std::string why = reason();
  throw std::runtime_error(cat("h5::", func, "(): ", what, " (", where, ")", why.empty() ? "" : ": ", why));
}

hid_t check_id(hid_t id, const char* func, const std::string& what, const std::string& where) {
  if (id < 0) fail(func, what, where);
  return id;
}

void check_ok(herr_t status, const char* func, const std::string& what, const std::string& where) {
  if (status < 0) fail(func, what, where);
}

// Owned helper ids (types, spaces, property lists, attributes).
Object own(hid_t id, Object::Closer closer, const char* func, const std::string& what,
           const std::string& where) {
  return Object(check_id(id, func, what, where), closer, "", where);
}

Object scalar_space() { return own(H5Screate(H5S_SCALAR), H5Sclose, "space", "cannot create dataspace", "scalar"); }

Object simple_space(const std::vector<hsize_t>& dims, const hsize_t* maxdims) {
  return own(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims), H5Sclose, "space",
             "cannot create dataspace", "simple");
}

Object string_type(std::size_t size = H5T_VARIABLE) {
  Object t = own(H5Tcopy(H5T_C_S1), H5Tclose, "string_type", "cannot copy type", "C_S1");
  check_ok(H5Tset_size(t.id(), size), "string_type", "cannot set size", "C_S1");
  check_ok(H5Tset_cset(t.id(), H5T_CSET_UTF8), "string_type", "cannot set UTF-8", "C_S1");
  return t;
}

Object bool_type() {  // h5py's representation of numpy.bool_
  Object t = own(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose, "bool_type", "cannot create enum", "bool");
  const std::int8_t no = 0, yes = 1;
  check_ok(H5Tenum_insert(t.id(), "FALSE", &no), "bool_type", "cannot insert", "FALSE");
  check_ok(H5Tenum_insert(t.id(), "TRUE", &yes), "bool_type", "cannot insert", "TRUE");
  return t;
}

hid_t native(Dtype d) {
  switch (d) {
    case Dtype::float32: return H5T_NATIVE_FLOAT;
    case Dtype::float64: return H5T_NATIVE_DOUBLE;
    case Dtype::int64: return H5T_NATIVE_INT64;
  }
  return H5T_NATIVE_DOUBLE;
}

void write_attr_raw(const Object& obj, const std::string& name, hid_t type, hid_t space, const void* buf) {
  quiet();
  const std::string where = cat(obj.where(), "@", name);
  const htri_t there = H5Aexists(obj.id(), name.c_str());
  check_ok(there < 0 ? -1 : 0, "write_attr", "cannot query attribute", where);
  if (there > 0) check_ok(H5Adelete(obj.id(), name.c_str()), "write_attr", "cannot replace attribute", where);
  Object attr = own(H5Acreate2(obj.id(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                    "write_attr", "cannot create attribute", where);
  if (buf != nullptr)  // nullptr: an empty vector, nothing to write
    check_ok(H5Awrite(attr.id(), type, buf), "write_attr", "cannot write attribute", where);
}

struct OpenAttr {
  Object attr, type, space;
  hssize_t n = 0;
  H5T_class_t cls = H5T_NO_CLASS;
  std::string where;
};

OpenAttr open_attr(const Object& obj, const std::string& name) {
  quiet();
  OpenAttr a;
  a.where = cat(obj.where(), "@", name);
  if (!has_attr(obj, name)) throw std::runtime_error(cat("h5::read_attr(): no such attribute (", a.where, ")"));
  a.attr = own(H5Aopen(obj.id(), name.c_str(), H5P_DEFAULT), H5Aclose, "read_attr", "cannot open attribute", a.where);
  a.type = own(H5Aget_type(a.attr.id()), H5Tclose, "read_attr", "cannot get type", a.where);
  a.space = own(H5Aget_space(a.attr.id()), H5Sclose, "read_attr", "cannot get dataspace", a.where);
  a.n = H5Sget_simple_extent_npoints(a.space.id());
  a.cls = H5Tget_class(a.type.id());
  check_ok(a.n < 0 ? -1 : 0, "read_attr", "cannot count elements", a.where);
  return a;
}

template <class T> std::vector<T> read_numbers(const OpenAttr& a) {
  if (a.cls != H5T_INTEGER && a.cls != H5T_FLOAT && a.cls != H5T_ENUM)
    throw std::runtime_error(cat("h5::read_attr(): attribute is not numeric (", a.where, ")"));
  std::vector<T> out(static_cast<std::size_t>(a.n));
  if (a.cls == H5T_ENUM) {  // booleans
    std::vector<std::int8_t> raw(out.size());
    check_ok(H5Aread(a.attr.id(), H5T_NATIVE_INT8, raw.data()), "read_attr", "cannot read", a.where);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(raw[i]);
  } else if (!out.empty()) {
    check_ok(H5Aread(a.attr.id(), native<T>(), out.data()), "read_attr", "cannot read", a.where);
  }
  return out;
}

std::vector<std::string> read_strings(const OpenAttr& a) {
  if (a.cls != H5T_STRING) throw std::runtime_error(cat("h5::read_attr(): attribute is not a string (", a.where, ")"));
  const auto n = static_cast<std::size_t>(a.n);
  std::vector<std::string> out;
  if (H5Tis_variable_str(a.type.id()) > 0) {
    Object mem = string_type();
    std::vector<char*> raw(n, nullptr);
    check_ok(H5Aread(a.attr.id(), mem.id(), raw.data()), "read_attr", "cannot read", a.where);
    for (char* s : raw) out.emplace_back(s != nullptr ? s : "");
    H5Dvlen_reclaim(mem.id(), a.space.id(), H5P_DEFAULT, raw.data());
  } else {
    const std::size_t size = H5Tget_size(a.type.id());
    Object mem = string_type(size);
    std::vector<char> raw(n * size + 1, '\0');
    check_ok(H5Aread(a.attr.id(), mem.id(), raw.data()), "read_attr", "cannot read", a.where);
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(raw.data() + i * size, strnlen(raw.data() + i * size, size));
  }
  return out;
}

template <class T> T only(std::vector<T> v, const std::string& where) {
  if (v.size() != 1) throw std::runtime_error(cat("h5::read_attr(): expected one value, found ", v.size(), " (", where, ")"));
  return std::move(v[0]);
}

}  // namespace detail

using namespace detail;

// ---- Object ----
Object::Object(hid_t id, Closer closer, std::string file, std::string path)
    : id_(id), closer_(closer), file_(std::move(file)), path_(std::move(path)) {}

Object::~Object() {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
}

Object::Object(Object&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_),
      file_(std::move(other.file_)), path_(std::move(other.path_)) {}

Object& Object::operator=(Object&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
    file_ = std::move(other.file_);
    path_ = std::move(other.path_);
  }
  return *this;
}

std::string Object::where() const { return file_.empty() ? path_ : cat(file_, ":", path_); }

std::string Object::child_path(const std::string& name) const {
  if (!name.empty() && name[0] == '/') return name;
  return path_.empty() || path_ == "/" ? "/" + name : path_ + "/" + name;
}

void Object::close() {
  if (id_ < 0) return;
  quiet();
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  check_ok(closer_ != nullptr ? closer_(id) : 0, "close", "cannot close", where());
}

// ---- files ----
Object create_file(const std::filesystem::path& path, Create mode) {
  quiet();
  const unsigned flags = mode == Create::truncate ? H5F_ACC_TRUNC : H5F_ACC_EXCL;
  // Default file-format bounds on purpose: with H5F_LIBVER_LATEST (superblock v3) HDF5 1.10 marks
  // the file "open for writing", and after a crash refuses to open it without h5clear.
  const hid_t id = H5Fcreate(path.c_str(), flags, H5P_DEFAULT, H5P_DEFAULT);
  check_id(id, "create_file", "cannot create file", path.string());
  return Object(id, H5Fclose, path.string(), "/");
}

Object open_file(const std::filesystem::path& path, bool writable) {
  quiet();
  const hid_t id = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  check_id(id, "open_file", "cannot open file", path.string());
  return Object(id, H5Fclose, path.string(), "/");
}

void flush(const Object& obj) {
  quiet();
  check_ok(H5Fflush(obj.id(), H5F_SCOPE_GLOBAL), "flush", "cannot flush", obj.where());
}

// ---- groups ----
Object create_group(const Object& loc, const std::string& name) {
  quiet();
  const std::string path = loc.child_path(name);
  const hid_t id = H5Gcreate2(loc.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  check_id(id, "create_group", "cannot create group", cat(loc.file(), ":", path));
  return Object(id, H5Gclose, loc.file(), path);
}

Object open_group(const Object& loc, const std::string& name) {
  quiet();
  const std::string path = loc.child_path(name);
  const hid_t id = H5Gopen2(loc.id(), name.c_str(), H5P_DEFAULT);
  check_id(id, "open_group", "cannot open group", cat(loc.file(), ":", path));
  return Object(id, H5Gclose, loc.file(), path);
}

Object require_group(const Object& loc, const std::string& name) {
  if (exists(loc, name)) return open_group(loc, name);
  quiet();
  const std::string path = loc.child_path(name);
  Object lcpl = own(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "require_group", "cannot create property list", path);
  check_ok(H5Pset_create_intermediate_group(lcpl.id(), 1), "require_group", "cannot set property", path);
  const hid_t id = H5Gcreate2(loc.id(), name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT);
  check_id(id, "require_group", "cannot create group", cat(loc.file(), ":", path));
  return Object(id, H5Gclose, loc.file(), path);
}

void remove(const Object& loc, const std::string& name) {
  quiet();
  check_ok(H5Ldelete(loc.id(), name.c_str(), H5P_DEFAULT), "remove", "cannot unlink",
           cat(loc.file(), ":", loc.child_path(name)));
}

bool exists(const Object& loc, const std::string& name) {
  quiet();
  if (name.empty() || name == "/") return true;
  std::size_t pos = name[0] == '/' ? 1 : 0;
  while (pos <= name.size()) {
    const std::size_t slash = std::min(name.find('/', pos), name.size());
    const std::string prefix = name.substr(0, slash);
    const htri_t there = H5Lexists(loc.id(), prefix.c_str(), H5P_DEFAULT);
    check_ok(there < 0 ? -1 : 0, "exists", "cannot query link", cat(loc.file(), ":", loc.child_path(prefix)));
    if (there == 0) return false;
    pos = slash + 1;
  }
  return true;
}

// ---- attributes ----
void write_attr(const Object& obj, const std::string& name, double value) {
  write_attr_raw(obj, name, H5T_NATIVE_DOUBLE, scalar_space().id(), &value);
}
void write_attr(const Object& obj, const std::string& name, std::int64_t value) {
  write_attr_raw(obj, name, H5T_NATIVE_INT64, scalar_space().id(), &value);
}
void write_attr(const Object& obj, const std::string& name, bool value) {
  const std::int8_t raw = value ? 1 : 0;
  write_attr_raw(obj, name, bool_type().id(), scalar_space().id(), &raw);
}
void write_attr(const Object& obj, const std::string& name, const std::string& value) {
  const char* raw = value.c_str();
  write_attr_raw(obj, name, string_type().id(), scalar_space().id(), &raw);
}
void write_attr(const Object& obj, const std::string& name, const std::vector<double>& value) {
  write_attr_raw(obj, name, H5T_NATIVE_DOUBLE, simple_space({value.size()}).id(), value.data());
}
void write_attr(const Object& obj, const std::string& name, const std::vector<std::int64_t>& value) {
  write_attr_raw(obj, name, H5T_NATIVE_INT64, simple_space({value.size()}).id(), value.data());
}
void write_attr(const Object& obj, const std::string& name, const std::vector<std::string>& value) {
  std::vector<const char*> raw;
  for (const auto& s : value) raw.push_back(s.c_str());
  write_attr_raw(obj, name, string_type().id(), simple_space({value.size()}).id(), raw.data());
}

bool has_attr(const Object& obj, const std::string& name) {
  quiet();
  const htri_t there = H5Aexists(obj.id(), name.c_str());
  check_ok(there < 0 ? -1 : 0, "has_attr", "cannot query attribute", cat(obj.where(), "@", name));
  return there > 0;
}

std::vector<std::string> attr_names(const Object& obj) {
  quiet();
  H5O_info_t info;
  check_ok(H5Oget_info2(obj.id(), &info, H5O_INFO_NUM_ATTRS), "attr_names", "cannot get info", obj.where());
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    // Creation order is not tracked by default; name order is stable and sufficient.
    const ssize_t len = H5Aget_name_by_idx(obj.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    check_ok(len < 0 ? -1 : 0, "attr_names", "cannot get name", obj.where());
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Aget_name_by_idx(obj.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    names.push_back(std::move(name));
  }
  return names;
}

template <> double read_attr<double>(const Object& obj, const std::string& name) {
  const OpenAttr a = open_attr(obj, name);
  return only(read_numbers<double>(a), a.where);
}
template <> std::int64_t read_attr<std::int64_t>(const Object& obj, const std::string& name) {
  const OpenAttr a = open_attr(obj, name);
  return only(read_numbers<std::int64_t>(a), a.where);
}
template <> bool read_attr<bool>(const Object& obj, const std::string& name) {
  const OpenAttr a = open_attr(obj, name);
  return only(read_numbers<std::int64_t>(a), a.where) != 0;
}
template <> std::string read_attr<std::string>(const Object& obj, const std::string& name) {
  const OpenAttr a = open_attr(obj, name);
  return only(read_strings(a), a.where);
}
template <> std::vector<double> read_attr<std::vector<double>>(const Object& obj, const std::string& name) {
  return read_numbers<double>(open_attr(obj, name));
}
template <> std::vector<std::int64_t> read_attr<std::vector<std::int64_t>>(const Object& obj, const std::string& name) {
  return read_numbers<std::int64_t>(open_attr(obj, name));
}
template <> std::vector<std::string> read_attr<std::vector<std::string>>(const Object& obj, const std::string& name) {
  return read_strings(open_attr(obj, name));
}

}  // namespace lw::h5
