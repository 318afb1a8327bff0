#pragma once
// Internal to lib/io/h5*.cpp: checked-call helpers shared by the HDF5 layer's source files.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "layerwise/io/h5.hpp"

namespace lw::h5::detail {

void quiet();  // switch off HDF5's error-stack printing for this thread (idempotent, cheap)
// Throw "h5::func(): what (where): <HDF5's innermost reason>" if id/status is negative.
hid_t check_id(hid_t id, const char* func, const std::string& what, const std::string& where);
void check_ok(herr_t status, const char* func, const std::string& what, const std::string& where);
// A checked, owned helper id (type, dataspace, property list, attribute).
Object own(hid_t id, Object::Closer closer, const char* func, const std::string& what, const std::string& where);
Object simple_space(const std::vector<hsize_t>& dims, const hsize_t* maxdims = nullptr);
hid_t native(Dtype dtype);

template <class T> hid_t native() {
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else {
    static_assert(std::is_same_v<T, std::int64_t>);
    return H5T_NATIVE_INT64;
  }
}

}  // namespace lw::h5::detail
