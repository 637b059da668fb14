// skipper/gtest: the adapter's own GoogleTest semantics (filters, reports).
#include "gtest/gtest.h"
#include "gtest_filter.h"
#include "gtest_output.h"

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

TEST(GtestOutput, ReportFileFollowsGoogleTestsRules) {
  EXPECT_EQ(ReportFileFor("", "t").path, "");
  EXPECT_EQ(ReportFileFor("xml", "t").path, "test_detail.xml");
  EXPECT_EQ(ReportFileFor("xml:out/r.xml", "t").path, "out/r.xml");
  EXPECT_EQ(ReportFileFor("json:dir/", "tests").path, "dir/tests.json");
  EXPECT_EQ(ReportFileFor("json:dir/", "tests").format, ITR_REPORT_GTEST_JSON);
  EXPECT_EQ(ReportFileFor("yaml:x", "t").path, "");
}

}  // namespace
}  // namespace itr::gtest
