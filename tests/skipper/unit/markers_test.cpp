// skipper/markers: the datadog_itr_unskippable markers.
#include "gtest/gtest.h"
#include "skipper/markers/unskippable.h"

DATADOG_ITR_UNSKIPPABLE(MarkedSuite, MarkedTest);
DATADOG_ITR_UNSKIPPABLE_SUITE(WholeSuite);

namespace itr::skipper {
namespace {

TEST(Wildcards, FollowGoogleTestFilterSyntax) {
  EXPECT_TRUE(WildcardMatch("*", "A.B"));
  EXPECT_TRUE(WildcardMatch("A.*", "A.B"));
  EXPECT_TRUE(WildcardMatch("*/Suite.Case/?", "Inst/Suite.Case/3"));
  EXPECT_FALSE(WildcardMatch("*/Suite.Case/?", "Inst/Suite.Case/12"));
  EXPECT_FALSE(WildcardMatch("A.B", "A.BC"));
}

TEST(Markers, BaseNamesDropInstantiationAndIndex) {
  EXPECT_EQ(BaseSuiteName("Inst/Suite"), "Suite");
  EXPECT_EQ(BaseSuiteName("Suite/0"), "Suite");
  EXPECT_EQ(BaseSuiteName("Suite"), "Suite");
  EXPECT_EQ(BaseSuiteName("Prefix/Suite/0"), "Suite");  // TYPED_TEST_P
  EXPECT_EQ(BaseTestName("Case/3"), "Case");
}

TEST(Markers, MacrosMarkATestAndASuiteWithAllInstances) {
  EXPECT_EQ(RegisteredUnskippableReason({"MarkedSuite", "MarkedTest", ""}),
            "DATADOG_ITR_UNSKIPPABLE");
  EXPECT_EQ(
      RegisteredUnskippableReason({"Inst/MarkedSuite", "MarkedTest/2", ""}),
      "DATADOG_ITR_UNSKIPPABLE");
  EXPECT_EQ(RegisteredUnskippableReason({"MarkedSuite", "Other", ""}), "");
  EXPECT_EQ(RegisteredUnskippableReason({"WholeSuite/1", "Anything", ""}),
            "DATADOG_ITR_UNSKIPPABLE_SUITE");
  EXPECT_EQ(RegisteredUnskippableReason({"Prefix/WholeSuite/2", "Case", ""}),
            "DATADOG_ITR_UNSKIPPABLE_SUITE");
}

TEST(Markers, FileMarkerMatchesTestsOfThatFile) {
  UnskippableRegistration file_marker("*", "*", "/src/tests/db_test.cpp");
  EXPECT_EQ(
      RegisteredUnskippableReason({"Db", "Query", "/src/tests/db_test.cpp"}),
      "DATADOG_ITR_UNSKIPPABLE_FILE");
  EXPECT_EQ(
      RegisteredUnskippableReason({"Db", "Query", "/src/tests/other_test.cpp"}),
      "");
}

TEST(Markers, RegisteredMarkersAreTheAdaptersNotTheSessions) {
  EXPECT_EQ(UnskippableBy({"MarkedSuite", "MarkedTest", ""}, {}), "");
}

TEST(Markers, NameAndPatterns) {
  EXPECT_NE(UnskippableBy({"Smoke", "Boots_datadog_itr_unskippable", ""}, {}),
            "");
  EXPECT_EQ(UnskippableBy({"Net", "Connect", ""}, {"Db.*", "Net.Connect"}),
            "ITR_UNSKIPPABLE filter 'Net.Connect'");
  EXPECT_EQ(UnskippableBy({"Net", "Close", ""}, {"Db.*", "Net.Connect"}), "");
  // A negative part applies, as in --gtest_filter.
  EXPECT_NE(UnskippableBy({"Db", "Fast", ""}, {"Db.*-Db.Slow"}), "");
  EXPECT_EQ(UnskippableBy({"Db", "Slow", ""}, {"Db.*-Db.Slow"}), "");
}

}  // namespace
}  // namespace itr::skipper
