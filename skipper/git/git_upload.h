// The git side of Datadog's git metadata upload (protocol §7), independent
// of the transport: which commits the backend may lack, which objects to
// send for them, the packfiles that carry those objects, and deepening a
// shallow clone first. The caller does the search_commits and packfile
// requests.
//
// Typical use:
//   latest = LatestCommits(root)                 // → search_commits
//   missing = latest minus the backend's known commits
//   if (missing non-empty && IsShallow(root)) Unshallow(root), then again
//   objects = ObjectsToUpload(root, known, missing)
//   dir = MakePackDirectory(root); packs = BuildPackfiles(root, objects, dir)
//   upload each pack, then remove `dir`.
#ifndef ITR_SKIPPER_GIT_GIT_UPLOAD_H_
#define ITR_SKIPPER_GIT_GIT_UPLOAD_H_

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace itr::skipper {

// The tracers' limits: `git log -n 1000` and `pack-objects
// --max-pack-size=3m`.
inline constexpr int kMaxLatestCommits = 1000;
inline constexpr int64_t kMaxPackfileBytes = 3 * 1024 * 1024;

// The start of "1 month ago" (git's approxidate: the same day and time one
// calendar month earlier, in local time) for `now`.
time_t OneMonthBefore(time_t now);

// As `git log --format=%H --since="1 month ago" -n 1000`: HEAD and its
// ancestors committed in the last month, newest first. Errors: no
// repository at or above `repo_path`, or no commit yet.
absl::StatusOr<std::vector<std::string>> LatestCommits(
    const std::string& repo_path, int max_count = kMaxLatestCommits,
    time_t now = time(nullptr));

// As `git rev-list --objects --no-object-names --filter=blob:none
// --since="1 month ago" HEAD ^<known>... <missing>...`: the commits
// reachable from HEAD and `missing` but not from any `known` commit
// (committed in the last month), and the trees of those commits that no
// known commit's tree already contains; no blobs. Ids not in the local
// repository are ignored.
absl::StatusOr<std::vector<std::string>> ObjectsToUpload(
    const std::string& repo_path, const std::vector<std::string>& known,
    const std::vector<std::string>& missing, time_t now = time(nullptr));

// A fresh private directory for packfiles: under $TMPDIR (or /tmp), else,
// when that is not writable, under `<repo_root>/.itr/`. The caller removes
// it after the upload.
absl::StatusOr<std::string> MakePackDirectory(const std::string& repo_root);

// Packs `object_ids` with libgit2 into `out_dir`, as few packfiles as the
// size cap allows (objects are grouped so that each group's uncompressed
// size stays under `max_pack_bytes`; an object larger than the cap gets a
// pack of its own). Returns the `.pack` paths (each with its `.idx`
// beside it; only the `.pack` is uploaded). An empty list of objects gives
// no packfile.
absl::StatusOr<std::vector<std::string>> BuildPackfiles(
    const std::string& repo_path, const std::vector<std::string>& object_ids,
    const std::string& out_dir, int64_t max_pack_bytes = kMaxPackfileBytes);

// `git rev-parse --is-shallow-repository`.
absl::StatusOr<bool> IsShallow(const std::string& repo_path);

// Deepens a shallow clone to the last month of history, trying in turn
// (protocol §7.3), with `git fetch --shallow-since="1 month ago"
// --update-shallow --filter=blob:none --recurse-submodules=no`:
//   <remote> <HEAD sha>, then <remote> <upstream branch>, then <remote>.
// The remote is clone.defaultRemoteName, default `origin`. Uses the git
// CLI (libgit2 1.5 cannot deepen). A Status error (no git CLI, every fetch
// failed) is meant to become one warning: the upload then sends what the
// shallow clone has.
// Every git command stops at `deadline`.
absl::Status Unshallow(const std::string& repo_root,
                       absl::Time deadline = absl::InfiniteFuture());

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_GIT_GIT_UPLOAD_H_
