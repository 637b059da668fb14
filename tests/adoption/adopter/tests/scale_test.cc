#include "gtest/gtest.h"
#include "shapes/shapes.h"

TEST(Scale, Doubles) { EXPECT_EQ(shapes::Scale(2, 2), 4); }
TEST(Scale, Halves) { EXPECT_EQ(shapes::Scale(2, 0.5), 1); }
TEST(Scale, KeepsZero) { EXPECT_EQ(shapes::Scale(0, 3), 0); }
