// A date-ordered commit walk (as `git rev-list`'s default order with
// `--since`) that also works in shallow clones: libgit2 1.5's revwalk fails
// on the missing parents of a shallow boundary, this walk stops there.
// Internal to skipper/git.
#ifndef ITR_SKIPPER_GIT_COMMIT_WALK_H_
#define ITR_SKIPPER_GIT_COMMIT_WALK_H_

#include <git2.h>

#include <ctime>
#include <map>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

namespace itr::skipper::git_internal {

class CommitWalk {
 public:
  // Commits older than `since` are neither listed nor walked through.
  CommitWalk(git_repository* repo, time_t since);

  // Lists `id` and its ancestors...
  void Push(const git_oid& id);
  // ...except those reachable from a hidden commit. Unknown ids are ignored.
  void Hide(const git_oid& id);

  // The next listed commit, newest (committer time) first; false at the end.
  bool Next(git_oid* id);

 private:
  struct Entry {
    int64_t time;
    std::string key;  // raw oid bytes
    bool operator<(const Entry& other) const { return time < other.time; }
  };
  void Add(const git_oid& id, bool hidden);

  git_repository* repo_;
  time_t since_;
  std::unordered_set<std::string> shallow_;  // boundary commits, raw bytes
  std::map<std::string, bool> queued_;       // raw oid → hidden
  std::priority_queue<Entry> queue_;
  int listed_in_queue_ = 0;
};

}  // namespace itr::skipper::git_internal

#endif  // ITR_SKIPPER_GIT_COMMIT_WALK_H_
