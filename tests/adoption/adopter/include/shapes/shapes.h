#ifndef SHAPES_SHAPES_H_
#define SHAPES_SHAPES_H_

#include <string>

namespace shapes {

double Area(double width, double height);
double Perimeter(double width, double height);
double Scale(double length, double factor);
std::string Name(int sides);

}  // namespace shapes

#endif  // SHAPES_SHAPES_H_
