#include "gtest/gtest.h"
#include "itr/gtest_itr.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  itr::gtest::InstallItr();
  return RUN_ALL_TESTS();
}
