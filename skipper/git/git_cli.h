// Runs the git command-line tool, for the one thing libgit2 1.5 cannot do
// (deepen a shallow clone). Always as `git -c safe.directory=<root> -C
// <root> ...`, like the tracers, with terminal prompts off.
#ifndef ITR_SKIPPER_GIT_GIT_CLI_H_
#define ITR_SKIPPER_GIT_GIT_CLI_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace itr::skipper {

// The command's standard output. Errors: kNotFound when `git` cannot be
// started, kDeadlineExceeded after `timeout` (the process is killed),
// kUnknown with the command's standard error when it exits non-zero.
absl::StatusOr<std::string> RunGit(const std::string& repo_root,
                                   const std::vector<std::string>& args,
                                   absl::Duration timeout = absl::Seconds(60));

// Copies the process environment for RunGit's children. Call it on the
// main thread before running git on another one: setenv() elsewhere (a
// test, GoogleTest sharding) may reallocate `environ` while it is read.
// Without a snapshot RunGit reads `environ` as it is.
void SnapshotEnvironmentForGit();

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_GIT_GIT_CLI_H_
