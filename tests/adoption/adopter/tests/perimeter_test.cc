#include "gtest/gtest.h"
#include "shapes/shapes.h"

TEST(Perimeter, OfASquare) { EXPECT_EQ(shapes::Perimeter(2, 2), 8); }
TEST(Perimeter, OfARectangle) { EXPECT_EQ(shapes::Perimeter(2, 3), 10); }
