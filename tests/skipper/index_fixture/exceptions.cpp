// catch(ParseError&) -> catch(RangeError&): only the LSDA changes.
#include <string>

#include "fixture.h"

namespace fixture {

int SafeParse(const std::string& s) {
  try {
    ThrowFor(s);
    return static_cast<int>(s.size());
#if ITR_EDIT
  } catch (RangeError&) {
#else
  } catch (ParseError&) {
#endif
    return -1;
  }
}

}  // namespace fixture
