#pragma once
// CSV input: one example per row, one label column, every other column a numeric feature.
//
// The label column is given by a 0-based index ("0" = first, "-1" = last) or, when the file has a
// header, by name. The header is detected when the first non-blank line has a field that is not a
// number (header = "auto"), or forced with "true" / "false". Blank lines are skipped; a trailing
// '\r' is ignored; fields are trimmed of spaces and surrounding double quotes. Features are parsed
// as float32 and must be finite; labels must be non-negative integers. No scaling is applied.
//
// Errors (std::runtime_error) name the file, the line and column (1-based) and what was expected
// versus found: wrong number of fields, a non-numeric, empty or NaN/inf field, a bad label, an empty
// file. Bad options (an unknown label name, a bad header mode) throw std::invalid_argument.
#include <string>

#include "layerwise/io/dataset.hpp"

namespace lw {

struct CsvOptions {
  std::string label = "0";       // label column: index (negative counts from the end) or name
  std::string header = "auto";   // auto | true | false
  char delimiter = ',';
  arma::uword n_classes = 0;     // > 0: every label must be below it; 0: max label + 1
};

Dataset read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace lw
