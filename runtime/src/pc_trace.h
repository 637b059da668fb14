// gcc fallback: -fsanitize-coverage=trace-pc calls __sanitizer_cov_trace_pc()
// on every basic block, with no flag array or pc-table. The callback records
// each distinct return address in a lock-free open-addressing set; the test
// boundary drains the slots it filled.
//
// Slower than clang's inline flags (a call per block, see docs/runtime.md) but
// the same contract: a set that fills up marks the coverage incomplete rather
// than dropping PCs silently.
#ifndef ITR_RUNTIME_PC_TRACE_H_
#define ITR_RUNTIME_PC_TRACE_H_

#include <cstddef>
#include <cstdint>

namespace itr::runtime {

// Records `pc` (hot path: no lock, no allocation, no syscall).
void RecordTracedPc(uintptr_t pc);

// True once any trace-pc callback ran in this process.
bool PcTracingSeen();

// Moves every recorded PC into out[0, capacity) and clears the set. Returns
// the count; sets *overflowed when PCs were lost since the last drain.
size_t DrainTracedPcs(uintptr_t* out, size_t capacity, bool* overflowed);

// Capacity a drain buffer needs.
constexpr size_t kMaxTracedPcs = size_t{1} << 19;

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_PC_TRACE_H_
