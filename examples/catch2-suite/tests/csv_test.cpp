#include <catch2/catch.hpp>
#include <string>

#include "textcalc/csv_reader.h"
#include "textcalc/string_utils.h"

namespace textcalc {
namespace {

TEST_CASE("ParseCsv reads simple rows", "[csv]") {
  std::vector<CsvRow> rows = ParseCsv("a,b\n1,2\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][1] == "2");
}

TEST_CASE("ParseCsv honours quotes and delimiters", "[csv]") {
  SECTION("quoted commas stay in the field") {
    std::vector<CsvRow> rows = ParseCsv("\"x,y\",z\n");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][0] == "x,y");
  }
  SECTION("a custom delimiter") {
    CsvOptions options;
    options.delimiter = ';';
    std::vector<CsvRow> rows = ParseCsv("p;q\n", options);
    CHECK(rows[0].size() == 2);
  }
}

TEST_CASE("CsvTable looks columns up by header", "[csv][table]") {
  CsvTable table = CsvTable::Parse("name,qty\napple,3\npear,5\n");
  CHECK(table.RowCount() == 2);
  CHECK(table.ColumnIndex("qty") == 1u);
  CHECK(table.Column("name") == std::vector<std::string>{"apple", "pear"});
}

TEST_CASE("CsvTable reports a missing column", "[csv][table]") {
  CsvTable table = CsvTable::Parse("a\n1\n");
  CHECK_FALSE(table.ColumnIndex("b").has_value());
}

// A name with the characters Catch2's test specs treat specially.
TEST_CASE("Split keeps \"quotes\", commas, [brackets] and *stars*",
          "[strings]") {
  CHECK(Split("a,b,,c", ',').size() == 4);
}

TEST_CASE("Trim and case helpers", "[strings]") {
  CHECK(Trim("  x \t") == "x");
  CHECK(ToUpper("abc") == "ABC");
  CHECK(EqualsIgnoreCase("MiXed", "mixed"));
}

TEST_CASE("A hidden slow check runs only when asked", "[.][slow]") {
  CHECK(Join({"a", "b"}, "-") == "a-b");
}

}  // namespace
}  // namespace textcalc
