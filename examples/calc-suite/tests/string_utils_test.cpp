#include "textcalc/string_utils.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace textcalc {
namespace {

using Parts = std::vector<std::string>;

TEST(StringUtils, TrimRemovesSurroundingWhitespaceOnly) {
  EXPECT_EQ(Trim("  \t hello world \r\n"), "hello world");
  EXPECT_EQ(TrimLeft("  x  "), "x  ");
  EXPECT_EQ(TrimRight("  x  "), "  x");
  EXPECT_EQ(Trim("no-blanks"), "no-blanks");
}

TEST(StringUtils, TrimOfBlankTextIsEmpty) {
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\n\v\f\r "), "");
}

TEST(StringUtils, CaseConversionOnlyTouchesAsciiLetters) {
  EXPECT_EQ(ToLower("MiXeD 123_Case!"), "mixed 123_case!");
  EXPECT_EQ(ToUpper("MiXeD 123_Case!"), "MIXED 123_CASE!");
}

TEST(StringUtils, EqualsIgnoreCaseComparesLengthAndLetters) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Type", "content-type"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abd"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abcd"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
}

TEST(StringUtils, SplitKeepsEmptyFieldsByDefault) {
  EXPECT_EQ(Split("a,,b,", ','), (Parts{"a", "", "b", ""}));
  EXPECT_EQ(Split("", ','), (Parts{""}));
  EXPECT_EQ(Split("single", ','), (Parts{"single"}));
}

TEST(StringUtils, SplitCanSkipEmptyFields) {
  EXPECT_EQ(Split("/usr//local/bin/", '/', EmptyFields::kSkip),
            (Parts{"usr", "local", "bin"}));
  EXPECT_TRUE(Split("", ',', EmptyFields::kSkip).empty());
}

TEST(StringUtils, JoinIsTheInverseOfSplit) {
  for (const std::string text : {"a,b,c", ",lead", "trail,", ",,", ""}) {
    EXPECT_EQ(Join(Split(text, ','), ","), text) << "text: " << text;
  }
  EXPECT_EQ(Join({"x", "y", "z"}, " + "), "x + y + z");
  EXPECT_EQ(Join({}, ", "), "");
}

TEST(StringUtils, ReplaceAllReplacesNonOverlappingOccurrences) {
  EXPECT_EQ(ReplaceAll("a-b-c", "-", " - "), "a - b - c");
  EXPECT_EQ(ReplaceAll("aaaa", "aa", "b"), "bb");
  EXPECT_EQ(ReplaceAll("nothing here", "xyz", "!"), "nothing here");
}

TEST(StringUtils, ReplaceAllWithEmptyPatternIsANoOp) {
  EXPECT_EQ(ReplaceAll("unchanged", "", "x"), "unchanged");
}

}  // namespace
}  // namespace textcalc
