#include <catch2/catch.hpp>

#include "shapes/shapes.h"

TEST_CASE("area of a square", "[area]") { CHECK(shapes::Area(3, 3) == 9); }
TEST_CASE("perimeter of a square", "[perimeter]") {
  CHECK(shapes::Perimeter(3, 3) == 12);
}
TEST_CASE("names", "[name]") { CHECK(shapes::Name(5) == "polygon"); }
