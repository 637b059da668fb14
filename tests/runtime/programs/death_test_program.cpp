// An instrumented GoogleTest binary with a death test, recording per-test
// coverage through the listener. Run with --gtest_death_test_style=fast
// (fork) or =threadsafe (clone + re-exec of this binary).
#include <cstdlib>

#include "covered_math.h"
#include "gtest/gtest.h"
#include "itr/gtest_coverage.h"

TEST(CrashDeathTest, DiesInTheChild) {
  EXPECT_DEATH(
      {
        if (CoveredF(2) > 0) abort();  // runs only in the child
      },
      "");
}

TEST(Plain, RunsInProcess) { EXPECT_EQ(OtherH(1), 8); }

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallCoverageListener();
  return RUN_ALL_TESTS();
}
