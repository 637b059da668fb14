// Tables of small generated functions (see generate_small_functions.py):
// every function maps a value to a new one with a little control flow.
#ifndef BENCHMARKS_OVERHEAD_WORKLOAD_SMALL_FUNCTIONS_H_
#define BENCHMARKS_OVERHEAD_WORKLOAD_SMALL_FUNCTIONS_H_

#include <cstddef>
#include <cstdint>

namespace workload {

using SmallFunction = uint32_t (*)(uint32_t);

struct SmallFunctionTable {
  const SmallFunction* functions;
  size_t size;
};

// One table per generated translation unit.
extern const SmallFunctionTable kSmallFunctionTables[];
extern const size_t kSmallFunctionTableCount;

}  // namespace workload

#endif  // BENCHMARKS_OVERHEAD_WORKLOAD_SMALL_FUNCTIONS_H_
