// Reading a file that outside input names (ITR_UNSKIPPABLE_FILE, a CI
// event file, CODEOWNERS): only a readable regular file of bounded size,
// opened without blocking (a FIFO or a device never hangs the process, a
// directory is not "empty", /dev/zero is not read for minutes).
#ifndef ITR_SKIPPER_BASE_BOUNDED_READ_H_
#define ITR_SKIPPER_BASE_BOUNDED_READ_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace itr::skipper {

// The whole content of `path`, or an error whose message completes
// "<what> '<path>' ...": "does not exist", "is a directory", "is not a
// regular file", "is larger than 1 MiB", "cannot be read (<reason>)".
absl::StatusOr<std::string> ReadSmallRegularFile(const std::string& path,
                                                 size_t max_bytes);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_BOUNDED_READ_H_
