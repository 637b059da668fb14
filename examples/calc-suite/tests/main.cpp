#include <gtest/gtest.h>

#include "itr/gtest_itr.h"

// The one line that adopts itr-cpp: before the run it skips the tests whose
// code did not change since they passed; while they run it records what each
// one executed.
int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallItr();
  return RUN_ALL_TESTS();
}
