#include "skipper/git/commit_walk.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "skipper/git/libgit2_handles.h"

namespace itr::skipper::git_internal {

namespace {

std::string Key(const git_oid& id) {
  return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

git_oid FromKey(const std::string& key) {
  git_oid id;
  git_oid_fromraw(&id, reinterpret_cast<const unsigned char*>(key.data()));
  return id;
}

}  // namespace

CommitWalk::CommitWalk(git_repository* repo, time_t since)
    : repo_(repo), since_(since) {
  // <git dir>/shallow lists the commits whose parents were not fetched.
  std::ifstream shallow(std::string(git_repository_path(repo)) + "shallow");
  std::string line;
  while (std::getline(shallow, line)) {
    git_oid id;
    std::string hex(absl::StripAsciiWhitespace(line));
    if (git_oid_fromstr(&id, hex.c_str()) == 0) shallow_.insert(Key(id));
  }
}

void CommitWalk::Push(const git_oid& id) { Add(id, /*hidden=*/false); }

void CommitWalk::Hide(const git_oid& id) { Add(id, /*hidden=*/true); }

void CommitWalk::Add(const git_oid& id, bool hidden) {
  std::string key = Key(id);
  auto it = queued_.find(key);
  if (it != queued_.end()) {
    // Hiding wins; the commit is not listed once popped.
    if (hidden && !it->second) {
      it->second = true;
      --listed_in_queue_;
    }
    return;
  }
  Commit commit;
  if (git_commit_lookup(commit.out(), repo_, &id) != 0) return;
  int64_t time = git_commit_time(commit.get());
  if (time < since_) return;
  queued_.emplace(key, hidden);
  queue_.push({time, key});
  if (!hidden) ++listed_in_queue_;
}

bool CommitWalk::Next(git_oid* id) {
  // Once only hidden commits remain queued, nothing more can be listed.
  while (!queue_.empty() && listed_in_queue_ > 0) {
    Entry entry = queue_.top();
    queue_.pop();
    bool hidden = queued_[entry.key];
    if (!hidden) --listed_in_queue_;
    git_oid current = FromKey(entry.key);
    if (shallow_.count(entry.key) == 0) {
      Commit commit;
      if (git_commit_lookup(commit.out(), repo_, &current) == 0) {
        unsigned parents = git_commit_parentcount(commit.get());
        for (unsigned i = 0; i < parents; ++i) {
          Add(*git_commit_parent_id(commit.get(), i), hidden);
        }
      }
    }
    if (!hidden) {
      *id = current;
      return true;
    }
  }
  return false;
}

}  // namespace itr::skipper::git_internal
