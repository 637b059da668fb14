// A set of fingerprint ids in a compact byte string: ascending ids, each as
// the LEB128 varint of its difference to the previous one. 300 functions of
// 50k take about 450 bytes instead of 2.4 kB of plain 64-bit ids.
#ifndef ITR_SKIPPER_STORE_DEPENDENCY_BLOB_H_
#define ITR_SKIPPER_STORE_DEPENDENCY_BLOB_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itr::skipper {

// `ids` in any order, duplicates allowed; each must be >= 0.
std::string EncodeIdSet(std::vector<int64_t> ids);
// DataLoss on a malformed blob (truncated, overlong, overflowing).
absl::StatusOr<std::vector<int64_t>> DecodeIdSet(absl::string_view blob);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_DEPENDENCY_BLOB_H_
