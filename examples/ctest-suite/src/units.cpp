#include "geometry/geometry.h"

namespace geometry {

namespace {
constexpr double kCentimetresPerInch = 2.54;
}  // namespace

double CentimetresToInches(double cm) { return cm / kCentimetresPerInch; }

double InchesToCentimetres(double in) { return in * kCentimetresPerInch; }

}  // namespace geometry
