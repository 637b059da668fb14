#include "env_exclusions.h"

#include <cstring>

namespace itr::runtime {

bool IsExcludedVariable(const char* name, size_t length) {
  for (const ExcludedVariable& excluded : kExcludedVariables) {
    if (excluded.text[0] != name[0]) continue;
    if (excluded.prefix ? length >= excluded.length
                        : length == excluded.length) {
      if (memcmp(name, excluded.text, excluded.length) == 0) return true;
    }
  }
  return false;
}

namespace {

constexpr bool LengthsMatch() {
  for (const ExcludedVariable& excluded : kExcludedVariables) {
    size_t n = 0;
    while (excluded.text[n] != '\0') ++n;
    if (n != excluded.length) return false;
  }
  return true;
}
static_assert(LengthsMatch(), "kExcludedVariables: length != strlen(text)");

}  // namespace

}  // namespace itr::runtime
