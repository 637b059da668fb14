// geometry: a tiny library whose checks are plain programs (no test
// framework), run by CTest: the example of `itr ctest`.
#ifndef GEOMETRY_GEOMETRY_H_
#define GEOMETRY_GEOMETRY_H_

namespace geometry {

// area.cpp
double SquareArea(double side);
double CircleArea(double radius);

// perimeter.cpp
double SquarePerimeter(double side);
double RectanglePerimeter(double width, double height);

// units.cpp
double CentimetresToInches(double cm);
double InchesToCentimetres(double in);

}  // namespace geometry

#endif  // GEOMETRY_GEOMETRY_H_
