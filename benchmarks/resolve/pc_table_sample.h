// Reads this executable's own SanitizerCoverage pc-table.
#ifndef BENCHMARKS_RESOLVE_PC_TABLE_SAMPLE_H_
#define BENCHMARKS_RESOLVE_PC_TABLE_SAMPLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace resolve {

// About `count` PCs of the executable's pc-table, evenly spaced, as file
// addresses (run-time PC minus load bias), the input llvm-symbolizer takes.
std::vector<uintptr_t> SamplePcTable(size_t count);

}  // namespace resolve

#endif  // BENCHMARKS_RESOLVE_PC_TABLE_SAMPLE_H_
