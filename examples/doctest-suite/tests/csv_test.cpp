#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "textcalc/csv_reader.h"
#include "textcalc/string_utils.h"

namespace textcalc {
namespace {

TEST_SUITE("csv") {
  TEST_CASE("ParseCsv reads simple rows") {
    std::vector<CsvRow> rows = ParseCsv("a,b\n1,2\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[1][1] == "2");
  }

  TEST_CASE("ParseCsv honours quotes and delimiters") {
    SUBCASE("quoted commas stay in the field") {
      std::vector<CsvRow> rows = ParseCsv("\"x,y\",z\n");
      REQUIRE(rows.size() == 1);
      CHECK(rows[0][0] == "x,y");
    }
    SUBCASE("a custom delimiter") {
      CsvOptions options;
      options.delimiter = ';';
      CHECK(ParseCsv("p;q\n", options)[0].size() == 2);
    }
  }

  TEST_CASE("CsvTable looks columns up by header") {
    CsvTable table = CsvTable::Parse("name,qty\napple,3\npear,5\n");
    CHECK(table.RowCount() == 2);
    CHECK(table.ColumnIndex("qty") == 1u);
  }

  TEST_CASE("CsvTable reports a missing column") {
    CHECK_FALSE(CsvTable::Parse("a\n1\n").ColumnIndex("b").has_value());
  }
}

TEST_SUITE("strings") {
  // A name with the characters doctest's filters treat specially.
  TEST_CASE("Split keeps a,b and *stars* and ?marks") {
    CHECK(Split("a,b,,c", ',').size() == 4);
  }

  TEST_CASE("Trim and case helpers") {
    CHECK(Trim("  x \t") == "x");
    CHECK(ToUpper("abc") == "ABC");
  }

  TEST_CASE("A slow join check doctest skips" * doctest::skip()) {
    CHECK(Join({"a", "b"}, "-") == "a-b");
  }
}

}  // namespace
}  // namespace textcalc
