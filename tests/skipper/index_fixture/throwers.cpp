#include <string>

#include "fixture.h"

namespace fixture {

void ThrowFor(const std::string& s) {
  if (s == "bad") throw ParseError();
  if (s == "big") throw RangeError();
}

}  // namespace fixture
