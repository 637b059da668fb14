#include <numbers>

#include "geometry/geometry.h"

namespace geometry {

double SquareArea(double side) { return side * side; }

double CircleArea(double radius) { return std::numbers::pi * radius * radius; }

}  // namespace geometry
