// Two functions in one file, one edited. Step, a local helper placed after
// Alpha, moves when Alpha grows: without -ffunction-sections Beta's call to
// it has no relocation (a pseudo-relocation).
#include "fixture.h"

namespace fixture {

__attribute__((noinline)) static int Step(int i);

int Alpha(int x) {
  int r = 0;
  for (int i = 0; i < x; ++i) r += i * (ITR_EDIT ? 3 : 2) + (i >> ITR_EDIT);
  return r;
}

__attribute__((noinline)) static int Step(int i) { return (i % 5) + 1; }

int Beta(int x) {
  int r = 1;
  for (int i = 1; i <= x; ++i) r *= Step(i);
  return r;
}

}  // namespace fixture
