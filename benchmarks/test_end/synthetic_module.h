// A synthetic SanitizerCoverage module: static arrays of bool flags and of
// pc-table entries, registered with the runtime through the hooks the
// compiler would call from an instrumented module's constructor. Its PCs are
// fake, so its coverage can be collected but never attributed to files.
#ifndef BENCHMARKS_TEST_END_SYNTHETIC_MODULE_H_
#define BENCHMARKS_TEST_END_SYNTHETIC_MODULE_H_

#include <cstddef>
#include <cstdint>

namespace test_end {

constexpr size_t kMaxSyntheticFlags = 1000000;

// Registers flags [0, num_flags) with the runtime (once per process) and
// returns them.
uint8_t* RegisterSyntheticModule(size_t num_flags);

}  // namespace test_end

#endif  // BENCHMARKS_TEST_END_SYNTHETIC_MODULE_H_
