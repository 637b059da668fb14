#include "gtest/gtest.h"
#include "shapes/shapes.h"

TEST(Area, OfASquare) { EXPECT_EQ(shapes::Area(2, 2), 4); }
TEST(Area, OfARectangle) { EXPECT_EQ(shapes::Area(2, 3), 6); }
