#include "sel/text.h"

namespace sel {

// A comment that an edit may change.
std::string Greeting() { return "hello"; }

int Alpha(int x) { return x + 1; }

int Beta(int x) { return x * 2; }

}  // namespace sel
