#include "gtest/gtest.h"
#include "shapes/shapes.h"

TEST(Name, Triangle) { EXPECT_EQ(shapes::Name(3), "triangle"); }
TEST(Name, Quadrilateral) { EXPECT_EQ(shapes::Name(4), "quadrilateral"); }
TEST(Name, Area) { EXPECT_EQ(shapes::Area(1, 1), 1); }
