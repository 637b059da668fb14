#include "geometry/geometry.h"

namespace geometry {

double SquarePerimeter(double side) { return 4 * side; }

double RectanglePerimeter(double width, double height) {
  return 2 * (width + height);
}

}  // namespace geometry
