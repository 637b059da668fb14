#include "gtest/gtest.h"
#include "sel/text.h"

TEST(Other, One) { EXPECT_EQ(sel::Beta(1), 2); }
TEST(Other, Two) { EXPECT_EQ(1, 1); }
