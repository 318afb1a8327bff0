#pragma once
// The data types every experiment uses.
//
// One example per column: X is n_features x n_examples (float32), y holds n_examples labels in
// [0, n_classes). image_rows/image_cols give the image shape when the features are the pixels of
// an image in row-major order (pixel (r, c) is feature r * image_cols + c), and are 0 otherwise;
// augmentation (shifts) reads them.
#include <armadillo>
#include <cstdint>
#include <string>

namespace lw {

struct Dataset {
  arma::fmat X;                                   // n_features x n_examples
  arma::uvec y;                                   // n_examples, values in [0, n_classes)
  arma::uword n_classes = 0;
  arma::uword image_rows = 0, image_cols = 0;     // 0 when not image data

  arma::uword n_examples() const { return X.n_cols; }
  arma::uword n_features() const { return X.n_rows; }
};

// What was loaded, as recorded in the results file under /data.
struct DataInfo {
  std::string source, path;
  arma::uword n_train = 0, n_valid = 0, n_test = 0, n_features = 0, n_classes = 0;
  std::string checksum;                           // 8 hex digits, CRC-32 of the split (split_checksum)
  arma::uword n_labeled = 0;  // the training examples fine-tuning saw (data.n_labeled); 0: n_train
};

struct Split {
  Dataset train, valid, test;
  DataInfo info;
};

// Y(c, j) = 1 if y(j) == c else 0: n_classes x n_examples. Throws if a label is >= n_classes.
arma::fmat one_hot(const arma::uvec& y, arma::uword n_classes);

// Columns [first, first + count) of d (X and y), keeping n_classes and the image shape.
Dataset take_columns(const Dataset& d, arma::uword first, arma::uword count);
// Shrinks d to its first n examples in place, without copying X (the memory peak of a split is
// then the pool plus the validation and test copies, not twice the training set); the pages of
// the dropped columns are returned to the system.
void keep_leading_columns(Dataset& d, arma::uword n);

// The most classes a dataset may have: a label beyond it is a wrong column or a damaged file (one
// label of 10^6 would otherwise build a network of 10^6 outputs without a word).
inline constexpr arma::uword max_classes = 10000;

// Throws std::invalid_argument naming `what` unless X and y agree in length, n_classes is in
// [1, max_classes], every label is in [0, n_classes), and image_rows * image_cols == n_features
// for image data.
void check_dataset(const Dataset& d, const std::string& what);

// Throws std::runtime_error "fn(): cannot open <path>: no such file | not a regular file" unless
// path names an existing regular file (input readers call it before opening).
void require_input_file(const std::string& fn, const std::string& path);

// CRC-32 (zlib) over the shapes, X's bytes and the labels of train, valid and test, as 8 hex digits.
// A pure function of the data: equal splits give equal checksums on any run.
std::string split_checksum(const Split& s);

}  // namespace lw
