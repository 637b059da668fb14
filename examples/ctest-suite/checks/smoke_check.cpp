// smoke_check: touches every part once. Labelled datadog_itr_unskippable in
// CMakeLists.txt: it runs on every `itr ctest`, changed or not.
#include "geometry/check.h"
#include "geometry/geometry.h"

int main() {
  geometry::MarkStarted("smoke_check", "all");
  geometry::Expect("area", geometry::SquareArea(1), 1);
  geometry::Expect("perimeter", geometry::SquarePerimeter(1), 4);
  geometry::Expect("units", geometry::InchesToCentimetres(1), 2.54);
  return 0;
}
