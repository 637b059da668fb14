// The project's own main, compiled into several test targets.
#include "gtest/gtest.h"
#ifdef ADOPTER_ITR
#include "itr/gtest_itr.h"  // itr
#endif

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
#ifdef ADOPTER_ITR
  itr::gtest::InstallItr();  // itr
#endif
  return RUN_ALL_TESTS();
}
