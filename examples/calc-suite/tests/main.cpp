#include <gtest/gtest.h>

#include "itr/gtest_coverage.h"

// itr-cpp's GoogleTest adapter brackets every test case with the coverage
// runtime; nothing else in the suite knows about it.
int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallCoverageListener();
  return RUN_ALL_TESTS();
}
