// area_check <square|circle>: exits 0 when the area of that shape is right.
#include <cstring>
#include <numbers>

#include "geometry/check.h"
#include "geometry/geometry.h"

int main(int argc, char** argv) {
  const char* shape = argc > 1 ? argv[1] : "square";
  geometry::MarkStarted("area_check", shape);
  geometry::FailIfAsked("area_check");
  if (std::strcmp(shape, "circle") == 0) {
    geometry::Expect("circle r=2", geometry::CircleArea(2),
                     4 * std::numbers::pi);
  } else {
    geometry::Expect("square 3", geometry::SquareArea(3), 9);
  }
  return 0;
}
