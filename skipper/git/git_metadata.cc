#include "skipper/git/git_metadata.h"

#include <ctime>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "skipper/git/libgit2_handles.h"

namespace itr::skipper {

namespace {

using git_internal::Commit;
using git_internal::OidHex;
using git_internal::Reference;
using git_internal::Remote;
using git_internal::Repository;

// As `git log --format=%aI`: local time of the signature with its offset.
std::string IsoDate(const git_time& when) {
  time_t local = static_cast<time_t>(when.time) + when.offset * 60;
  struct tm parts {};
  gmtime_r(&local, &parts);
  int offset = when.offset < 0 ? -when.offset : when.offset;
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                         parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                         parts.tm_hour, parts.tm_min, parts.tm_sec,
                         when.offset < 0 ? '-' : '+', offset / 60, offset % 60);
}

std::string RemoteUrl(git_repository* repo, const char* name) {
  Remote remote;
  if (git_remote_lookup(remote.out(), repo, name) != 0) return "";
  const char* url = git_remote_url(remote.get());
  return url != nullptr ? url : "";
}

// The remote `git ls-remote --get-url` would name: the current branch's
// upstream remote, else `origin`, else the first remote.
std::string RepositoryUrl(git_repository* repo, git_reference* head) {
  if (head != nullptr && git_reference_is_branch(head)) {
    git_buf remote_name = GIT_BUF_INIT;
    if (git_branch_upstream_remote(&remote_name, repo,
                                   git_reference_name(head)) == 0) {
      std::string url = RemoteUrl(repo, remote_name.ptr);
      git_buf_dispose(&remote_name);
      if (!url.empty()) return url;
    } else {
      git_buf_dispose(&remote_name);
    }
  }
  std::string url = RemoteUrl(repo, "origin");
  if (!url.empty()) return url;
  git_strarray remotes = {};
  if (git_remote_list(&remotes, repo) == 0) {
    if (remotes.count > 0) url = RemoteUrl(repo, remotes.strings[0]);
    git_strarray_dispose(&remotes);
  }
  return url;
}

struct TagSearch {
  git_repository* repo;
  const git_oid* head;
  std::set<std::string> names;
};

// A tag (lightweight or annotated) whose commit is HEAD; the first by name.
std::string TagAtHead(git_repository* repo, const git_oid* head) {
  TagSearch search{repo, head, {}};
  git_tag_foreach(
      repo,
      [](const char* name, git_oid*, void* payload) -> int {
        auto* search = static_cast<TagSearch*>(payload);
        Reference ref;
        git_internal::Object commit;
        if (git_reference_lookup(ref.out(), search->repo, name) == 0 &&
            git_reference_peel(commit.out(), ref.get(), GIT_OBJECT_COMMIT) ==
                0 &&
            git_oid_equal(git_object_id(commit.get()), search->head)) {
          absl::string_view short_name(name);
          absl::ConsumePrefix(&short_name, "refs/tags/");
          search->names.emplace(short_name);
        }
        return 0;
      },
      &search);
  return search.names.empty() ? "" : *search.names.begin();
}

void PutIfSet(Tags* tags, const char* key, std::string value) {
  if (!absl::StripAsciiWhitespace(value).empty()) {
    (*tags)[key] = std::move(value);
  }
}

}  // namespace

Tags ReadLocalGitTags(const std::string& path) {
  git_internal::EnsureLibgit2();
  Tags tags;
  Repository repo;
  if (git_repository_open_ext(repo.out(), path.c_str(), 0, nullptr) != 0) {
    return tags;
  }
  if (const char* workdir = git_repository_workdir(repo.get())) {
    absl::string_view root(workdir);
    if (root.size() > 1) absl::ConsumeSuffix(&root, "/");
    PutIfSet(&tags, kTagWorkspacePath, std::string(root));
  }
  Reference head;
  bool has_head = git_repository_head(head.out(), repo.get()) == 0;
  PutIfSet(&tags, kTagRepositoryUrl,
           ScrubUrlCredentials(
               RepositoryUrl(repo.get(), has_head ? head.get() : nullptr)));
  if (!has_head) return tags;  // unborn branch: no commit yet
  if (git_reference_is_branch(head.get())) {
    PutIfSet(&tags, kTagBranch, git_reference_shorthand(head.get()));
  }
  Commit commit;
  if (git_commit_lookup(commit.out(), repo.get(),
                        git_reference_target(head.get())) != 0) {
    return tags;
  }
  const git_oid* id = git_commit_id(commit.get());
  PutIfSet(&tags, kTagCommitSha, OidHex(id));
  PutIfSet(&tags, kTagTag, TagAtHead(repo.get(), id));
  if (const char* message = git_commit_message(commit.get())) {
    PutIfSet(&tags, kTagCommitMessage,
             std::string(absl::StripAsciiWhitespace(message)));
  }
  if (const git_signature* author = git_commit_author(commit.get())) {
    PutIfSet(&tags, kTagAuthorName, author->name);
    PutIfSet(&tags, kTagAuthorEmail, author->email);
    PutIfSet(&tags, kTagAuthorDate, IsoDate(author->when));
  }
  if (const git_signature* committer = git_commit_committer(commit.get())) {
    PutIfSet(&tags, kTagCommitterName, committer->name);
    PutIfSet(&tags, kTagCommitterEmail, committer->email);
    PutIfSet(&tags, kTagCommitterDate, IsoDate(committer->when));
  }
  return tags;
}

Tags UserSuppliedGitTags(const GetEnv& getenv) {
  static constexpr std::pair<const char*, const char*> kVariables[] = {
      {"DD_GIT_REPOSITORY_URL", kTagRepositoryUrl},
      {"DD_GIT_BRANCH", kTagBranch},
      {"DD_GIT_TAG", kTagTag},
      {"DD_GIT_COMMIT_SHA", kTagCommitSha},
      {"DD_GIT_COMMIT_MESSAGE", kTagCommitMessage},
      {"DD_GIT_COMMIT_AUTHOR_NAME", kTagAuthorName},
      {"DD_GIT_COMMIT_AUTHOR_EMAIL", kTagAuthorEmail},
      {"DD_GIT_COMMIT_AUTHOR_DATE", kTagAuthorDate},
      {"DD_GIT_COMMIT_COMMITTER_NAME", kTagCommitterName},
      {"DD_GIT_COMMIT_COMMITTER_EMAIL", kTagCommitterEmail},
      {"DD_GIT_COMMIT_COMMITTER_DATE", kTagCommitterDate},
      {"DD_GIT_PULL_REQUEST_BASE_BRANCH", kTagPrBaseBranch},
      {"DD_GIT_PULL_REQUEST_BASE_BRANCH_SHA", kTagPrBaseBranchSha},
      {"DD_GIT_COMMIT_HEAD_SHA", kTagCommitHeadSha},
  };
  Tags tags;
  for (const auto& [variable, tag] : kVariables) {
    const char* value = getenv(variable);
    if (value != nullptr) PutIfSet(&tags, tag, value);
  }
  // A "branch" that names a tag is the tag, unless DD_GIT_TAG says which.
  if (auto it = tags.find(kTagBranch);
      it != tags.end() && IsGitTagRef(it->second)) {
    tags.emplace(kTagTag, it->second);
    tags.erase(it);
  }
  for (const char* ref : {kTagBranch, kTagTag, kTagPrBaseBranch}) {
    if (auto it = tags.find(ref); it != tags.end()) {
      it->second = NormalizeGitRef(it->second);
    }
  }
  if (auto it = tags.find(kTagRepositoryUrl); it != tags.end()) {
    it->second = ScrubUrlCredentials(it->second);
  }
  std::erase_if(tags, [](const auto& entry) { return entry.second.empty(); });
  return tags;
}

Tags MergeGitTags(const Tags& user, const Tags& ci, const Tags& local) {
  Tags merged = user;
  // A user-supplied tag keeps the CI's branch (gitlab.json expects both).
  merged.insert(ci.begin(), ci.end());
  // Details of the local HEAD describe the resolved commit only if it is
  // that commit.
  static const std::set<std::string> kCommitSpecific = {
      kTagBranch,       kTagTag,        kTagCommitMessage, kTagAuthorName,
      kTagAuthorEmail,  kTagAuthorDate, kTagCommitterName, kTagCommitterEmail,
      kTagCommitterDate};
  auto sha = merged.find(kTagCommitSha);
  auto local_sha = local.find(kTagCommitSha);
  bool same_commit = sha == merged.end() || (local_sha != local.end() &&
                                             local_sha->second == sha->second);
  for (const auto& [key, value] : local) {
    if (kCommitSpecific.count(key) > 0 && !same_commit) continue;
    // The CI names the build's ref: the checkout's branch or tag would
    // contradict it.
    if ((key == kTagBranch || key == kTagTag) &&
        (merged.count(kTagBranch) > 0 || merged.count(kTagTag) > 0)) {
      continue;
    }
    merged.emplace(key, value);
  }
  // Whatever the source, no credential leaves in a URL tag.
  ScrubCredentialTags(&merged);
  return merged;
}

Tags CollectEnvironmentTags(const GetEnv& getenv, const ListEnv& list_env,
                            const std::string& repo_path) {
  Tags local;
  if (!repo_path.empty()) local = ReadLocalGitTags(repo_path);
  return MergeGitTags(UserSuppliedGitTags(getenv),
                      DetectCiTags(getenv, list_env), local);
}

}  // namespace itr::skipper
