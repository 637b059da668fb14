// Value edits: a header constant, a macro, a compile definition, a folded
// header template, a string literal, a constant table, a global's initial
// value.
#include <string>

#include "fixture.h"

namespace fixture {

int ClampCount(int n) {
  if (n < 0) return 0;
  return n > kMaxItems ? kMaxItems : n;
}

int Scale(int x) { return x * FIXTURE_SCALE + 1; }

int FooLevel() { return FIXTURE_FOO * 10 + 2; }

int FoldedLimit() { return ClampTo(15, 0, 10) + 100; }

std::string Join(const std::string& a, const std::string& b) {
  return a + (ITR_EDIT ? "; " : ", ") + b;
}

namespace {
const int kWeights[] = {3, 5, 7, 11, 13, 17, ITR_EDIT ? 29 : 19, 23};
}  // namespace

int Weight(int i) { return kWeights[i & 7]; }

int g_base = ITR_EDIT ? 6 : 5;
int Based(int x) { return x + g_base; }

}  // namespace fixture
