// The git metadata upload (protocol §7.1): tell the backend which recent
// commits it lacks and send them as packfiles, so it can compute what each
// commit changed. Runs before the settings are asked again when the backend
// answered `require_git`; otherwise in the background while tests run.
#ifndef ITR_SKIPPER_DATADOG_GIT_UPLOAD_FLOW_H_
#define ITR_SKIPPER_DATADOG_GIT_UPLOAD_FLOW_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "skipper/datadog/api_client.h"

namespace itr::skipper::datadog {

struct GitUploadResult {
  bool unnecessary = false;  // the backend knew every recent commit
  bool unshallowed = false;
  int packfiles = 0;
  std::string warning;  // a degraded step (e.g. unshallow failed), or ""
};

// 1. the last month's commits (≤1000); 2. search_commits; 3. all known →
// done; 4. a shallow clone is deepened first when `unshallow` (a failure is
// a warning, the upload goes on with what the clone has); 5. the commits
// and trees the backend lacks, packed (≤3 MiB each) and uploaded one by
// one. Errors: no repository, a request failed, the deadline passed.
absl::StatusOr<GitUploadResult> UploadGitMetadata(
    ApiClient& api, const std::string& repo_root,
    const std::string& repository_url, bool unshallow, absl::Time deadline);

}  // namespace itr::skipper::datadog

#endif  // ITR_SKIPPER_DATADOG_GIT_UPLOAD_FLOW_H_
