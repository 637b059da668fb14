// A comment-only edit: B has more comment lines before the code (debug
// information changes, the code does not).
#include <clocale>

#include "fixture.h"

#if ITR_EDIT
// A comment
// that only
// moves lines.
#endif

namespace fixture {

int Quiet(int x) { return Twice(x) + 1; }

void UseCLocale() { std::setlocale(LC_ALL, "C"); }

}  // namespace fixture
