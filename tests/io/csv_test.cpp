#include "layerwise/io/csv.hpp"

#include <boost/test/unit_test.hpp>

#include "io/io_test_util.hpp"

using namespace lw::test;

namespace {

struct CsvFile {
  TempDir dir;
  std::string path = (dir / "data.csv").string();
  explicit CsvFile(const std::string& text) { write_file(path, text); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(io_csv)

BOOST_AUTO_TEST_CASE(a_headerless_file_round_trips_with_the_label_first) {
  CsvFile f("1, 0.5, 2\n0,-1.25,3e2\r\n\n2,+4,0\n");
  const lw::Dataset d = lw::read_csv(f.path);
  BOOST_REQUIRE(d.X.n_rows == 2u);
  BOOST_REQUIRE(d.X.n_cols == 3u);
  BOOST_TEST(d.X(0, 0) == 0.5f);
  BOOST_TEST(d.X(1, 0) == 2.0f);
  BOOST_TEST(d.X(0, 1) == -1.25f);
  BOOST_TEST(d.X(1, 1) == 300.0f);
  BOOST_TEST(d.X(0, 2) == 4.0f);
  BOOST_TEST((d.y == arma::uvec{1, 0, 2}).eval().min() == 1u);
  BOOST_TEST(d.n_classes == 3u);
  BOOST_TEST(d.image_rows == 0u);
}

// Spreadsheets save CSV with a UTF-8 byte-order mark. Before, it made the numeric first row look
// like a header (lost), and a header name began with an invisible character.
BOOST_AUTO_TEST_CASE(a_byte_order_mark_is_not_data) {
  CsvFile plain("\xEF\xBB\xBF" "1,0.5\n0,2\n");
  const lw::Dataset d = lw::read_csv(plain.path);
  BOOST_REQUIRE(d.X.n_cols == 2u);
  BOOST_TEST(d.X(0, 0) == 0.5f);
  CsvFile named("\xEF\xBB\xBF" "class,x\n1,3\n0,4\n");
  lw::CsvOptions opt;
  opt.label = "class";
  const lw::Dataset e = lw::read_csv(named.path, opt);
  BOOST_REQUIRE(e.X.n_cols == 2u);
  BOOST_TEST(e.y[0] == 1u);
}

BOOST_AUTO_TEST_CASE(the_label_column_can_be_named_or_counted_from_the_end) {
  CsvFile f("a,b,\"class\"\n1,2,0\n3,4,1\n");
  lw::CsvOptions by_name;
  by_name.label = "class";
  lw::CsvOptions last;
  last.label = "-1";
  for (const auto& opt : {by_name, last}) {
    const lw::Dataset d = lw::read_csv(f.path, opt);
    BOOST_REQUIRE(d.X.n_cols == 2u);
    BOOST_TEST(d.X(0, 1) == 3.0f);
    BOOST_TEST(d.X(1, 1) == 4.0f);
    BOOST_TEST(d.y[1] == 1u);
  }
}

BOOST_AUTO_TEST_CASE(a_forced_header_skips_a_numeric_first_row) {
  CsvFile f("0,9,9\n1,2,3\n");
  lw::CsvOptions opt;
  opt.header = "true";
  BOOST_TEST(lw::read_csv(f.path, opt).X.n_cols == 1u);
  opt.header = "false";
  BOOST_TEST(lw::read_csv(f.path, opt).X.n_cols == 2u);
  CsvFile g("label,x\n0,1\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path, opt), std::runtime_error,
                        message_has({g.path, "line 1, column 1", "expected a number, found 'label'"}));
}

BOOST_AUTO_TEST_CASE(a_row_with_the_wrong_number_of_fields_names_the_line) {
  CsvFile f("0,1,2\n1,2,3\n1,2\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(f.path), std::runtime_error,
                        message_has({f.path, "line 3 has 2 fields, expected 3"}));
}

BOOST_AUTO_TEST_CASE(non_numeric_empty_and_nan_fields_name_line_and_column) {
  CsvFile f("y,p,q\n0,1,2\n1,abc,2\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(f.path), std::runtime_error,
                        message_has({f.path, "line 3, column 2 (p)", "found 'abc'"}));
  CsvFile g("0,1,2\n1,2,nan\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path), std::runtime_error,
                        message_has({g.path, "line 2, column 3", "finite", "'nan'"}));
  CsvFile h("0,1,2\n1,,2\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(h.path), std::runtime_error,
                        message_has({h.path, "line 2, column 2", "empty field"}));
}

BOOST_AUTO_TEST_CASE(bad_labels_are_reported) {
  CsvFile f("0,1\n1.5,2\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(f.path), std::runtime_error,
                        message_has({f.path, "line 2, column 1", "non-negative integer label", "'1.5'"}));
  CsvFile g("0,1\n-1,2\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path), std::runtime_error, message_has({g.path, "line 2"}));
  CsvFile h("0,1\n4,2\n");
  lw::CsvOptions opt;
  opt.n_classes = 4;
  BOOST_CHECK_EXCEPTION(lw::read_csv(h.path, opt), std::runtime_error,
                        message_has({h.path, "line 2, column 1", "label 4", "[0, 4)"}));
}

BOOST_AUTO_TEST_CASE(empty_missing_and_unreadable_files_are_named) {
  CsvFile f("");
  BOOST_CHECK_EXCEPTION(lw::read_csv(f.path), std::runtime_error, message_has({f.path, "no data rows"}));
  CsvFile g("a,b\n\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path), std::runtime_error, message_has({g.path, "no data rows"}));
  const std::string missing = (f.dir / "missing.csv").string();
  BOOST_CHECK_EXCEPTION(lw::read_csv(missing), std::runtime_error, message_has({missing, "no such file"}));
  BOOST_CHECK_EXCEPTION(lw::read_csv(f.dir.path().string()), std::runtime_error,
                        message_has({"not a regular file"}));
}

BOOST_AUTO_TEST_CASE(bad_options_are_invalid_arguments) {
  CsvFile f("0,1\n1,2\n");
  lw::CsvOptions opt;
  opt.label = "class";
  BOOST_CHECK_EXCEPTION(lw::read_csv(f.path, opt), std::invalid_argument, message_has({"no header", "'class'"}));
  CsvFile g("y,x\n1,2\n");
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path, opt), std::invalid_argument, message_has({"'class'", "y, x"}));
  opt.label = "5";
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path, opt), std::invalid_argument, message_has({"index 5"}));
  opt.label = "0";
  opt.header = "maybe";
  BOOST_CHECK_EXCEPTION(lw::read_csv(g.path, opt), std::invalid_argument, message_has({"maybe"}));
}

BOOST_AUTO_TEST_SUITE_END()
