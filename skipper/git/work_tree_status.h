// Whether the work tree differs from its commit. The Datadog backend
// computes what changed between commits only: an uncommitted edit is
// invisible to it, so skipping from its list would be unsafe (docs/datadog.md).
#ifndef ITR_SKIPPER_GIT_WORK_TREE_STATUS_H_
#define ITR_SKIPPER_GIT_WORK_TREE_STATUS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace itr::skipper {

// Repository-relative paths of what differs from HEAD: tracked files
// modified, deleted, renamed or staged; submodules moved or edited;
// untracked C/C++ sources and headers (a build may glob or find them).
// Ignored files, and other untracked files (logs, outputs), are not
// listed. Errors: no repository at or above `repo_path`.
absl::StatusOr<std::vector<std::string>> UncommittedChanges(
    const std::string& repo_path);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_GIT_WORK_TREE_STATUS_H_
