// Starting ctest: once to capture its listing, once to run the tests with
// the terminal (stdin/stdout/stderr) left to it.
#ifndef ITR_SKIPPER_CTEST_SUBPROCESS_H_
#define ITR_SKIPPER_CTEST_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace itr::skipper::ctest {

// Runs `argv` (argv[0] looked up in PATH) and waits. Returns its exit code,
// 128 + signal when it was killed. Errors: it could not be started.
absl::StatusOr<int> RunProcess(const std::vector<std::string>& argv);

// Same, with its stdout captured into *out (stderr passes through).
absl::StatusOr<int> RunCapturing(const std::vector<std::string>& argv,
                                 std::string* out);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_SUBPROCESS_H_
