// The GoogleTest adapter: test ids are stable and carry parameter and type
// instances; line lists print as ranges; installed in an instrumented binary
// it records each test.
#include "itr/gtest_coverage.h"

#include "covered_math.h"
#include "gtest/gtest.h"

namespace {

std::string CurrentId() {
  return itr::gtest::TestId(
      *testing::UnitTest::GetInstance()->current_test_info());
}

TEST(GtestCoverage, FormatsLinesAsRanges) {
  EXPECT_EQ(itr::gtest::FormatLines({}), "");
  EXPECT_EQ(itr::gtest::FormatLines({4}), "4");
  EXPECT_EQ(itr::gtest::FormatLines({1, 2, 3, 7, 9, 10}), "1-3,7,9-10");
}

TEST(GtestCoverage, PlainTestId) {
  EXPECT_EQ(CurrentId(), "GtestCoverage.PlainTestId");
}

class Parameterized : public testing::TestWithParam<int> {};
TEST_P(Parameterized, Id) {
  EXPECT_EQ(CurrentId(),
            "Values/Parameterized.Id/" + std::to_string(GetParam() / 10));
}
INSTANTIATE_TEST_SUITE_P(Values, Parameterized, testing::Values(0, 10, 20));

template <typename T>
class Typed : public testing::Test {};
using Types = testing::Types<int, double>;
TYPED_TEST_SUITE(Typed, Types);
TYPED_TEST(Typed, Id) {
  std::string expected =
      std::is_same_v<TypeParam, int> ? "Typed/0.Id" : "Typed/1.Id";
  EXPECT_EQ(CurrentId(), expected);
}

// The listener is installed by main() below: the previous test's coverage
// is the one the runtime holds when this test starts.
TEST(GtestCoverage, ListenerRecordsEachTest_Caller) {
  EXPECT_GT(CoveredF(2), 0);
}

TEST(GtestCoverage, ListenerRecordsEachTest_Check) {
  // This test is open now; what the previous one covered was closed by the
  // listener and is the last test coverage.
  const itr_test_coverage* last = itr_last_test_coverage();
  ASSERT_NE(last, nullptr);
  EXPECT_STREQ(last->test_id, "GtestCoverage.ListenerRecordsEachTest_Caller");
  bool saw_math = false;
  for (size_t i = 0; i < last->file_count; ++i) {
    saw_math |= std::string(last->files[i].path) ==
                "tests/runtime/fixtures/covered_math.cpp";
  }
  EXPECT_TRUE(saw_math);
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallCoverageListener();
  return RUN_ALL_TESTS();
}
