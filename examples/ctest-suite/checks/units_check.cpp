// units_check [value]: converts centimetres to inches and back.
#include <cstdlib>

#include "geometry/check.h"
#include "geometry/geometry.h"

int main(int argc, char** argv) {
  double cm = argc > 1 ? std::atof(argv[1]) : 2.54;
  geometry::MarkStarted("units_check", argc > 1 ? argv[1] : "default");
  geometry::FailIfAsked("units_check");
  // units.metre sets this through its ENVIRONMENT property: the test runner
  // must keep the test's own environment.
  if (argc > 1 && std::getenv("GEOMETRY_USER_VAR") == nullptr) {
    std::fprintf(stderr, "FAILED: GEOMETRY_USER_VAR is not set\n");
    return 1;
  }
  geometry::Expect(
      "round trip",
      geometry::InchesToCentimetres(geometry::CentimetresToInches(cm)), cm);
  geometry::Expect("2.54 cm", geometry::CentimetresToInches(2.54), 1);
  return 0;
}
