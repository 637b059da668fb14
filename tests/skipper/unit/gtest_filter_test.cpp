#include "gtest_filter.h"

#include "gtest/gtest.h"

namespace itr::gtest {
namespace {

TEST(GtestFilter, PositiveAndNegativeParts) {
  EXPECT_TRUE(MatchesFilter("", "A.B"));
  EXPECT_TRUE(MatchesFilter("*", "A.B"));
  EXPECT_TRUE(MatchesFilter("A.*:C.*", "C.D"));
  EXPECT_FALSE(MatchesFilter("A.*-A.B", "A.B"));
  EXPECT_TRUE(MatchesFilter("-A.B", "A.C"));
  EXPECT_FALSE(MatchesFilter("-A.B:A.C", "A.C"));
}

TEST(GtestFilter, ExcludingKeepsTheUserFilter) {
  EXPECT_EQ(FilterExcluding("", {"A.B", "C.D"}), "*-A.B:C.D");
  EXPECT_EQ(FilterExcluding("A.*", {"A.B"}), "A.*-A.B");
  EXPECT_EQ(FilterExcluding("A.*-A.C", {"A.B"}), "A.*-A.C:A.B");
  EXPECT_EQ(FilterExcluding("A.*", {}), "A.*");
  std::string composed = FilterExcluding("A.*-A.C", {"A.B"});
  EXPECT_FALSE(MatchesFilter(composed, "A.B"));
  EXPECT_FALSE(MatchesFilter(composed, "A.C"));
  EXPECT_TRUE(MatchesFilter(composed, "A.D"));
}

}  // namespace
}  // namespace itr::gtest
