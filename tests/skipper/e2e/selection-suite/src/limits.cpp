#include "sel/limits.h"

namespace sel {

int LimitOf() { return kLimit; }

int ScaleBy(int x) { return x * SEL_SCALE; }

int ConfigLevel() { return SEL_LEVEL; }

}  // namespace sel
