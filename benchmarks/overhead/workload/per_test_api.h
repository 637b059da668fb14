// The test boundary of the workload: the itr-cpp per-test API in the itr
// variants (WORKLOAD_PER_TEST_API), nothing in the others.
#ifndef BENCHMARKS_OVERHEAD_WORKLOAD_PER_TEST_API_H_
#define BENCHMARKS_OVERHEAD_WORKLOAD_PER_TEST_API_H_

#include <cstdio>

#if WORKLOAD_PER_TEST_API
#include "itr/coverage.h"
#endif

namespace workload {

inline void BeginTest([[maybe_unused]] const char* name) {
#if WORKLOAD_PER_TEST_API
  itr_test_begin(name);
#endif
}

inline void EndTest() {
#if WORKLOAD_PER_TEST_API
  itr_test_end_collect_only();
#endif
}

// Prints what the runtime registered (itr variants only), so that a build
// whose instrumentation silently failed cannot pass for a cheap one.
inline void ReportInstrumentation() {
#if WORKLOAD_PER_TEST_API
  printf("itr mode %s, %zu probes\n", itr_coverage_mode(),
         itr_coverage_probe_count());
#endif
}

}  // namespace workload

#endif  // BENCHMARKS_OVERHEAD_WORKLOAD_PER_TEST_API_H_
