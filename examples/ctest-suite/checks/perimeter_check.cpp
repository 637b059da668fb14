// perimeter_check <square|rectangle>
#include <cstring>

#include "geometry/check.h"
#include "geometry/geometry.h"

int main(int argc, char** argv) {
  const char* shape = argc > 1 ? argv[1] : "square";
  geometry::MarkStarted("perimeter_check", shape);
  geometry::FailIfAsked("perimeter_check");
  if (std::strcmp(shape, "rectangle") == 0) {
    geometry::Expect("rectangle 2x3", geometry::RectanglePerimeter(2, 3), 10);
  } else {
    geometry::Expect("square 3", geometry::SquarePerimeter(3), 12);
  }
  return 0;
}
