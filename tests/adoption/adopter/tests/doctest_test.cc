#include <doctest/doctest.h>

#include "shapes/shapes.h"

TEST_CASE("area of a rectangle") { CHECK(shapes::Area(2, 5) == 10); }
TEST_CASE("perimeter of a rectangle") { CHECK(shapes::Perimeter(2, 5) == 14); }
TEST_CASE("scale") { CHECK(shapes::Scale(3, 2) == 6); }
