#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {
int Twice(int value) { return 2 * value; }
}  // namespace

TEST(Fused, Twice) { EXPECT_EQ(Twice(2), 4); }
TEST(Fused, Matchers) { EXPECT_THAT(Twice(3), ::testing::Eq(6)); }
