// itr::gtest_main: GoogleTest's main under the Intelligent Test Runner, a
// drop-in for GTest::gtest_main (link it instead; no source changes).
#include "gtest/gtest.h"
#include "itr/gtest_itr.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallItr();
  return RUN_ALL_TESTS();
}
