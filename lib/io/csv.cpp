#include "layerwise/io/csv.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>
#include <vector>

#include "layerwise/core/check.hpp"

namespace lw {
namespace {

std::string_view trim(std::string_view f) {
  while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
  while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
  return f;
}

void split_fields(std::string_view line, char delim, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(delim, start);
    out.push_back(trim(line.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

// True and sets v when the whole field is a number (possibly NaN or inf).
bool parse_number(std::string_view f, float& v) {
  if (!f.empty() && f.front() == '+') f.remove_prefix(1);
  const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
  return !f.empty() && ec == std::errc() && end == f.data() + f.size();
}

bool parse_index(const std::string& s, long& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Dataset read_csv(const std::string& path, const CsvOptions& opt) {
  const std::string fn = "read_csv(): ";
  require(opt.header == "auto" || opt.header == "true" || opt.header == "false",
          cat(fn, "header must be auto, true or false (", opt.header, ")"));
  require_input_file("read_csv", path);
  std::ifstream in(path, std::ios::binary);
  require_io(bool(in), cat(fn, "cannot open ", path));

  std::string line;
  std::vector<std::string_view> fields;
  std::vector<std::string> names;        // header names, if any
  std::vector<float> X;                  // row after row = column-major n_features x n
  std::vector<arma::uword> y;
  std::size_t n_fields = 0, label_col = 0, line_no = 0;
  bool first = true;
  arma::uword max_label = 0;
  const auto at = [&](std::size_t col) {
    std::string s = cat(path, ": line ", line_no, ", column ", col + 1);
    if (col < names.size()) s += cat(" (", names[col], ")");
    return s;
  };

  while (std::getline(in, line)) {
    ++line_no;
    // A UTF-8 byte-order mark (spreadsheets write one) is not data: left in, it made a numeric
    // first row look like a header and dropped it.
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    split_fields(line, opt.delimiter, fields);
    if (first) {
      first = false;
      n_fields = fields.size();
      bool numeric = true;
      float v;
      for (auto f : fields) numeric = numeric && parse_number(f, v);
      const bool header = opt.header == "true" || (opt.header == "auto" && !numeric);
      long index = 0;
      if (parse_index(opt.label, index)) {
        const long n = static_cast<long>(n_fields);
        require(index >= -n && index < n, cat(fn, path, ": label column index ", opt.label,
                                              " is outside the ", n_fields, " columns of line ", line_no));
        label_col = static_cast<std::size_t>(index < 0 ? index + n : index);
      } else {
        require(header, cat(fn, path, ": label column '", opt.label,
                            "' is a name but the file has no header (line ", line_no, " is numeric)"));
        std::string known;
        label_col = n_fields;
        for (std::size_t c = 0; c < n_fields; ++c) {
          if (fields[c] == opt.label) label_col = c;
          known += cat(c ? ", " : "", fields[c]);
        }
        require(label_col < n_fields, cat(fn, path, ": no column named '", opt.label,
                                          "' in the header (line ", line_no, "): ", known));
      }
      require_io(n_fields >= 2, cat(fn, at(0), ": expected a label and at least one feature, found ",
                                    n_fields, " field"));
      if (header) {
        for (auto f : fields) names.emplace_back(f);
        continue;
      }
    }
    require_io(fields.size() == n_fields, cat(fn, path, ": line ", line_no, " has ", fields.size(),
                                              " fields, expected ", n_fields));
    for (std::size_t c = 0; c < n_fields; ++c) {
      float v = 0;
      if (fields[c].empty()) throw std::runtime_error(cat(fn, at(c), ": empty field, expected a number"));
      if (!parse_number(fields[c], v))
        throw std::runtime_error(cat(fn, at(c), ": expected a number, found '", fields[c], "'"));
      if (!std::isfinite(v))
        throw std::runtime_error(cat(fn, at(c), ": expected a finite number, found '", fields[c], "'"));
      if (c != label_col) {
        X.push_back(v);
        continue;
      }
      require_io(v >= 0 && v == std::floor(v) && v < 1e9f,
                 cat(fn, at(c), ": expected a non-negative integer label, found '", fields[c], "'"));
      const auto label = static_cast<arma::uword>(v);
      require_io(opt.n_classes == 0 || label < opt.n_classes,
                 cat(fn, at(c), ": label ", label, " is outside the class range [0, ", opt.n_classes, ")"));
      max_label = std::max(max_label, label);
      y.push_back(label);
    }
  }
  require_io(!in.bad(), cat(fn, "cannot read ", path, " after line ", line_no));
  require_io(!y.empty(), cat(fn, path, ": no data rows (", line_no, " lines read)"));

  Dataset d;
  d.X = arma::fmat(X.data(), n_fields - 1, y.size());
  d.y = arma::uvec(y);
  d.n_classes = opt.n_classes > 0 ? opt.n_classes : max_label + 1;
  return d;
}

}  // namespace lw
