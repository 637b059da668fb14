#include "textcalc/csv_reader.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace textcalc {
namespace {

using Rows = std::vector<CsvRow>;

TEST(CsvReader, ParsesSimpleRows) {
  EXPECT_EQ(ParseCsv("a,b,c\n1,2,3"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReader, TrailingNewlineDoesNotAddARow) {
  EXPECT_EQ(ParseCsv("x\ny\n"), (Rows{{"x"}, {"y"}}));
  EXPECT_TRUE(ParseCsv("").empty());
}

TEST(CsvReader, KeepsEmptyFieldsAndEmptyLines) {
  EXPECT_EQ(ParseCsv(",a,\n\nb"), (Rows{{"", "a", ""}, {""}, {"b"}}));
}

TEST(CsvReader, QuotedFieldsMayContainDelimitersAndNewlines) {
  EXPECT_EQ(ParseCsv("\"Smith, Jane\",\"line one\nline two\"\n"),
            (Rows{{"Smith, Jane", "line one\nline two"}}));
}

TEST(CsvReader, DoubledQuoteIsAnEscapedQuote) {
  EXPECT_EQ(ParseCsv(R"("she said ""hi""","""")"),
            (Rows{{"she said \"hi\"", "\""}}));
  // An empty quoted field is distinct from no field at all.
  EXPECT_EQ(ParseCsv("\"\""), (Rows{{""}}));
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsLiteral) {
  EXPECT_EQ(ParseCsv("5'11\",ok"), (Rows{{"5'11\"", "ok"}}));
}

TEST(CsvReader, HandlesCrLfLineEndings) {
  EXPECT_EQ(ParseCsv("a,b\r\n\"c\r\nd\",e\r\n"),
            (Rows{{"a", "b"}, {"c\r\nd", "e"}}));
}

TEST(CsvReader, SupportsCustomDelimiterAndQuote) {
  CsvOptions options;
  options.delimiter = ';';
  options.quote = '\'';
  EXPECT_EQ(ParseCsv("name;note\n'O''Brien';'a;b'", options),
            (Rows{{"name", "note"}, {"O'Brien", "a;b"}}));
}

TEST(CsvReader, TrimUnquotedPreservesWhitespaceInsideQuotes) {
  CsvOptions options;
  options.trim_unquoted = true;
  EXPECT_EQ(ParseCsv("  a  ,  \" b \"  ,c\n", options),
            (Rows{{"a", " b ", "c"}}));
}

TEST(CsvReader, UnterminatedQuoteReportsTheLineItStartedOn) {
  try {
    ParseCsv("ok\n\"never\nclosed");
    FAIL() << "expected CsvError";
  } catch (const CsvError& error) {
    EXPECT_EQ(error.line(), 2u);
  }
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  EXPECT_THROW(ParseCsv("\"a\"b,c"), CsvError);
}

TEST(CsvTable, LooksUpColumnsByHeaderName) {
  const CsvTable table = CsvTable::Parse("id,name\n1,ann\n2,bob\n");
  EXPECT_EQ(table.RowCount(), 2u);
  EXPECT_EQ(table.ColumnIndex("name"), 1u);
  EXPECT_FALSE(table.ColumnIndex("email").has_value());
  EXPECT_EQ(table.Column("name"), (std::vector<std::string>{"ann", "bob"}));
  EXPECT_EQ(table.Row(1), (CsvRow{"2", "bob"}));
  EXPECT_THROW(table.Column("email"), std::out_of_range);
}

TEST(CsvTable, RejectsRowsWithTheWrongWidth) {
  // The bad row starts on line 4 because the quoted field spans two lines.
  try {
    CsvTable::Parse("a,b\n\"multi\nline\",1\nonly-one\n");
    FAIL() << "expected CsvError";
  } catch (const CsvError& error) {
    EXPECT_EQ(error.line(), 4u);
    EXPECT_STREQ(error.what(), "line 4: row has 1 fields, expected 2");
  }
  EXPECT_THROW(CsvTable::Parse(""), CsvError);
}

}  // namespace
}  // namespace textcalc
