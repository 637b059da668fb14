// Starting another program and waiting for it: `ctest` (listing, then the
// run with the terminal left to it) and `git` (the one thing libgit2 1.5
// cannot do). posix_spawn, no shell; argv[0] is looked up in PATH.
#ifndef ITR_SKIPPER_BASE_SUBPROCESS_H_
#define ITR_SKIPPER_BASE_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace itr::skipper {

struct SubprocessOptions {
  bool capture_stdout = false;   // else inherited
  bool capture_stderr = false;   // else inherited
  bool stdin_from_null = false;  // else inherited
  // Killed (SIGKILL) once it runs longer; InfiniteDuration: never.
  absl::Duration timeout = absl::InfiniteDuration();
  // "NAME=value" entries; nullptr: this process's environment.
  const std::vector<std::string>* environment = nullptr;
};

struct SubprocessResult {
  int exit_code = 0;  // 128 + signal when killed by one
  bool timed_out = false;
  std::string out, err;  // when captured
};

// Errors: NotFound when the program does not exist, Unavailable when it
// cannot be started otherwise.
absl::StatusOr<SubprocessResult> RunSubprocess(
    const std::vector<std::string>& argv, const SubprocessOptions& options);

// `argv`'s standard output, when it exits with 0 (else Unavailable).
absl::StatusOr<std::string> CaptureOutput(const std::vector<std::string>& argv);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BASE_SUBPROCESS_H_
