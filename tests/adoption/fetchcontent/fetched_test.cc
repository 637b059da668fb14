#include "gtest/gtest.h"

TEST(Fetched, Runs) { EXPECT_EQ(1 + 1, 2); }
