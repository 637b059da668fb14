// Calls the generated small functions through their pointer tables, the
// value of each call choosing the next function.
#include "cases.h"
#include "random.h"
#include "small_functions.h"

namespace workload {

uint64_t SmallFunctionCase(uint32_t seed) {
  uint32_t value = seed * 2654435761u + 1;
  uint64_t result = 0;
  for (int call = 0; call < 60000; ++call) {
    const SmallFunctionTable& table =
        kSmallFunctionTables[call % kSmallFunctionTableCount];
    value = table.functions[(value >> 7) % table.size](value);
    result = Mix(result, value);
  }
  return result;
}

}  // namespace workload
