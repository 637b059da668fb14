#include "skipper/git/git_upload.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "skipper/base/status_macros.h"
#include "skipper/git/commit_walk.h"
#include "skipper/git/git_cli.h"
#include "skipper/git/libgit2_handles.h"

namespace itr::skipper {

namespace {

using git_internal::Commit;
using git_internal::LastGitError;
using git_internal::OidHex;
using git_internal::Repository;
using git_internal::Tree;

absl::Status GitError(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", LastGitError()));
}

absl::Status Open(const std::string& path, Repository* repo) {
  git_internal::EnsureLibgit2();
  if (git_repository_open_ext(repo->out(), path.c_str(), 0, nullptr) != 0) {
    return absl::NotFoundError(
        absl::StrCat("no git repository at ", path, ": ", LastGitError()));
  }
  return absl::OkStatus();
}

bool ParseOid(const std::string& hex, git_oid* oid) {
  return hex.size() == GIT_OID_HEXSZ && git_oid_fromstr(oid, hex.c_str()) == 0;
}

struct OidHash {
  size_t operator()(const git_oid& oid) const {
    size_t hash;
    memcpy(&hash, oid.id, sizeof(hash));
    return hash;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const {
    return git_oid_equal(&a, &b);
  }
};
using OidSet = std::unordered_set<git_oid, OidHash, OidEqual>;

// Adds `tree` and its subtrees (not blobs) to `out`, skipping those in
// `skip` and those already in `out`: an unchanged subtree is not entered.
void CollectTrees(git_repository* repo, const git_oid& tree_id,
                  const OidSet& skip, OidSet* out,
                  std::vector<git_oid>* order) {
  if (skip.count(tree_id) > 0 || !out->insert(tree_id).second) return;
  if (order != nullptr) order->push_back(tree_id);
  Tree tree;
  if (git_tree_lookup(tree.out(), repo, &tree_id) != 0) return;
  size_t count = git_tree_entrycount(tree.get());
  for (size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
    if (git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
      CollectTrees(repo, *git_tree_entry_id(entry), skip, out, order);
    }
  }
}

}  // namespace

time_t OneMonthBefore(time_t now) {
  struct tm local {};
  localtime_r(&now, &local);
  local.tm_mon -= 1;  // mktime normalises the month and the year
  local.tm_isdst = -1;
  return mktime(&local);
}

absl::StatusOr<std::vector<std::string>> LatestCommits(
    const std::string& repo_path, int max_count, time_t now) {
  Repository repo;
  if (absl::Status status = Open(repo_path, &repo); !status.ok()) {
    return status;
  }
  git_oid head;
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") != 0) {
    return GitError("HEAD");
  }
  git_internal::CommitWalk walk(repo.get(), OneMonthBefore(now));
  walk.Push(head);
  std::vector<std::string> commits;
  git_oid oid;
  while (static_cast<int>(commits.size()) < max_count && walk.Next(&oid)) {
    commits.push_back(OidHex(&oid));
  }
  return commits;
}

absl::StatusOr<std::vector<std::string>> ObjectsToUpload(
    const std::string& repo_path, const std::vector<std::string>& known,
    const std::vector<std::string>& missing, time_t now) {
  Repository repo;
  if (absl::Status status = Open(repo_path, &repo); !status.ok()) {
    return status;
  }
  git_internal::CommitWalk walk(repo.get(), OneMonthBefore(now));
  git_oid oid;
  if (git_reference_name_to_id(&oid, repo.get(), "HEAD") == 0) {
    walk.Push(oid);  // an unborn HEAD adds nothing
  }
  for (const std::string& hex : missing) {
    if (ParseOid(hex, &oid)) walk.Push(oid);
  }
  // Trees of the known commits are on the backend already.
  OidSet known_trees;
  for (const std::string& hex : known) {
    Commit commit;
    if (!ParseOid(hex, &oid) ||
        git_commit_lookup(commit.out(), repo.get(), &oid) != 0) {
      continue;  // the backend knows commits this clone does not have
    }
    walk.Hide(oid);
    CollectTrees(repo.get(), *git_commit_tree_id(commit.get()), {},
                 &known_trees, nullptr);
  }

  std::vector<std::string> objects;
  OidSet sent_trees;
  std::vector<git_oid> tree_order;
  while (walk.Next(&oid)) {
    Commit commit;
    if (git_commit_lookup(commit.out(), repo.get(), &oid) != 0) continue;
    objects.push_back(OidHex(&oid));
    CollectTrees(repo.get(), *git_commit_tree_id(commit.get()), known_trees,
                 &sent_trees, &tree_order);
  }
  for (const git_oid& tree : tree_order) objects.push_back(OidHex(&tree));
  return objects;
}

absl::StatusOr<std::string> MakePackDirectory(const std::string& repo_root) {
  const char* tmpdir = getenv("TMPDIR");
  std::string pattern =
      std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") +
      "/itr-packfiles-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) return pattern;
  // No usable temporary directory: the tracers fall back to one inside the
  // work tree.
  std::string fallback = repo_root + "/.itr";
  mkdir(fallback.c_str(), 0755);  // may exist already
  pattern = fallback + "/packfiles-XXXXXX";
  if (mkdtemp(pattern.data()) != nullptr) return pattern;
  return absl::UnavailableError(
      absl::StrCat("cannot create a packfile directory: ", strerror(errno)));
}

absl::StatusOr<std::vector<std::string>> BuildPackfiles(
    const std::string& repo_path, const std::vector<std::string>& object_ids,
    const std::string& out_dir, int64_t max_pack_bytes) {
  Repository repo;
  if (absl::Status status = Open(repo_path, &repo); !status.ok()) {
    return status;
  }
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo.get()) != 0) return GitError("odb");

  // Groups under the cap by uncompressed size: a pack is never larger than
  // its objects uncompressed (plus a few header bytes each).
  std::vector<std::vector<git_oid>> groups(1);
  int64_t group_bytes = 0;
  absl::Status status;
  for (const std::string& hex : object_ids) {
    git_oid oid;
    size_t size = 0;
    git_object_t type;
    if (!ParseOid(hex, &oid) ||
        git_odb_read_header(&size, &type, odb, &oid) != 0) {
      status = absl::NotFoundError(absl::StrCat("object ", hex, " not found"));
      break;
    }
    int64_t bytes = static_cast<int64_t>(size) + 32;
    if (!groups.back().empty() && group_bytes + bytes > max_pack_bytes) {
      groups.emplace_back();
      group_bytes = 0;
    }
    groups.back().push_back(oid);
    group_bytes += bytes;
  }
  git_odb_free(odb);
  ITR_RETURN_IF_ERROR(status);

  std::vector<std::string> packs;
  for (const std::vector<git_oid>& group : groups) {
    if (group.empty()) continue;
    git_internal::Packbuilder builder;
    if (git_packbuilder_new(builder.out(), repo.get()) != 0) {
      return GitError("packbuilder");
    }
    for (const git_oid& oid : group) {
      if (git_packbuilder_insert(builder.get(), &oid, nullptr) != 0) {
        return GitError(absl::StrCat("packing ", OidHex(&oid)));
      }
    }
    if (git_packbuilder_write(builder.get(), out_dir.c_str(), 0, nullptr,
                              nullptr) != 0) {
      return GitError(absl::StrCat("writing a packfile into ", out_dir));
    }
    packs.push_back(absl::StrCat(out_dir, "/pack-",
                                 git_packbuilder_name(builder.get()), ".pack"));
  }
  return packs;
}

absl::StatusOr<bool> IsShallow(const std::string& repo_path) {
  Repository repo;
  if (absl::Status status = Open(repo_path, &repo); !status.ok()) {
    return status;
  }
  int shallow = git_repository_is_shallow(repo.get());
  if (shallow < 0) return GitError("shallow check");
  return shallow == 1;
}

absl::Status Unshallow(const std::string& repo_root, absl::Time deadline) {
  // Deepening can take long on big repositories (the Ruby tracer allows
  // 500 s); never past the caller's deadline.
  auto within = [deadline](absl::Duration limit) {
    return std::max(absl::ZeroDuration(),
                    std::min(limit, deadline - absl::Now()));
  };
  constexpr absl::Duration kFetchTimeout = absl::Seconds(500);
  constexpr absl::Duration kQueryTimeout = absl::Seconds(60);
  absl::StatusOr<std::string> configured = RunGit(
      repo_root,
      {"config", "--default", "origin", "--get", "clone.defaultRemoteName"},
      within(kQueryTimeout));
  if (!configured.ok() && absl::IsNotFound(configured.status())) {
    return configured.status();  // no git CLI
  }
  std::string remote =
      configured.ok() ? std::string(absl::StripAsciiWhitespace(*configured))
                      : "origin";
  if (remote.empty()) remote = "origin";

  std::vector<std::vector<std::string>> targets;
  if (absl::StatusOr<std::string> head =
          RunGit(repo_root, {"rev-parse", "HEAD"}, within(kQueryTimeout));
      head.ok()) {
    targets.push_back({remote, std::string(absl::StripAsciiWhitespace(*head))});
  }
  if (absl::StatusOr<std::string> upstream = RunGit(
          repo_root,
          {"rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"},
          within(kQueryTimeout));
      upstream.ok()) {
    targets.push_back(
        {remote, std::string(absl::StripAsciiWhitespace(*upstream))});
  }
  targets.push_back({remote});

  absl::Status last = absl::UnknownError("no fetch attempted");
  for (const std::vector<std::string>& target : targets) {
    if (within(kFetchTimeout) <= absl::ZeroDuration()) break;
    std::vector<std::string> args = {"fetch", "--shallow-since=1 month ago",
                                     "--update-shallow", "--filter=blob:none",
                                     "--recurse-submodules=no"};
    args.insert(args.end(), target.begin(), target.end());
    absl::StatusOr<std::string> fetched =
        RunGit(repo_root, args, within(kFetchTimeout));
    if (fetched.ok()) return absl::OkStatus();
    last = fetched.status();
  }
  return absl::UnavailableError(
      absl::StrCat("could not unshallow the repository: ", last.message()));
}

}  // namespace itr::skipper
