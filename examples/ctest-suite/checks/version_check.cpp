// version_check: NOT instrumented (no itr_instrument): itr cannot see what
// it executes, so `itr ctest` always runs it.
#include "geometry/check.h"

int main() {
  geometry::MarkStarted("version_check", "-");
  std::printf("geometry 1.0\n");
  return 0;
}
