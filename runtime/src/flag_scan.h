// The test-boundary hot path: find the bool flags a test set and clear them.
#ifndef ITR_RUNTIME_FLAG_SCAN_H_
#define ITR_RUNTIME_FLAG_SCAN_H_

#include <cstddef>
#include <cstdint>

namespace itr::runtime {

// Appends to `out` the index of every non-zero byte of flags[0, n) and zeroes
// exactly those bytes, in ascending index order. Returns how many were
// appended. `out` must have room for n indices.
//
// Cost: one read of the array (64-byte blocks, OR-reduced, skipped when
// zero) plus work per set flag. Only bytes seen set are written, so clean
// cache lines stay clean and a flag another thread sets concurrently is
// either collected now or left for the next test, never lost.
size_t CollectAndClearFlags(uint8_t* flags, size_t n, uint32_t* out);

// Same scan, but folds the set flags into `accumulated` (byte per
// flag) before clearing them. Folds between-test coverage into the session.
void AccumulateAndClearFlags(uint8_t* flags, size_t n, uint8_t* accumulated,
                             bool* any);

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_FLAG_SCAN_H_
