// Git metadata for test events, from three sources in the tracers' order of
// precedence: the user's DD_GIT_* variables, then the CI provider's
// environment (skipper/ci), then the local repository (read with libgit2).
// Reading the repository fails open: no repository or a libgit2 error gives
// fewer tags, never an error.
#ifndef ITR_SKIPPER_GIT_GIT_METADATA_H_
#define ITR_SKIPPER_GIT_GIT_METADATA_H_

#include <string>

#include "skipper/ci/ci_tags.h"
#include "skipper/config/settings.h"

namespace itr::skipper {

// Tags of the repository containing `path` (found upwards, as git does):
// git.repository_url (the remote of the current branch's upstream, else
// `origin`, credentials removed), git.branch (absent on a detached HEAD),
// git.tag (a tag pointing at HEAD, if any), git.commit.sha, .message,
// .author.{name,email,date}, .committer.{name,email,date} (dates as
// `git log --format=%aI`: 2024-01-31T12:00:00+01:00), ci.workspace_path
// (the work tree root). Empty when there is no repository.
Tags ReadLocalGitTags(const std::string& path);

// DD_GIT_REPOSITORY_URL, DD_GIT_BRANCH, DD_GIT_TAG, DD_GIT_COMMIT_SHA,
// DD_GIT_COMMIT_MESSAGE, DD_GIT_COMMIT_{AUTHOR,COMMITTER}_{NAME,EMAIL,DATE},
// DD_GIT_PULL_REQUEST_BASE_BRANCH[_SHA], DD_GIT_COMMIT_HEAD_SHA, as tags.
// Normalised like CI values: a DD_GIT_BRANCH naming a tag becomes git.tag,
// refs lose their prefixes, the URL its credentials. Empty values are left
// out.
Tags UserSuppliedGitTags(const GetEnv& getenv);

// Merges the three sources. For each tag the first non-empty value wins:
// `user`, then `ci`, then `local` (a user-supplied git.tag keeps the CI's
// git.branch, as the tracers' fixtures expect). From `local`, commit
// details (message, author, committer, branch, tag) are taken only when the
// local HEAD is the resolved commit (a CI job may test another commit than
// the checkout's HEAD), and the branch or tag only when neither the user nor
// the CI named one.
Tags MergeGitTags(const Tags& user, const Tags& ci, const Tags& local);

// DetectCiTags + UserSuppliedGitTags + (when `repo_path` is not empty)
// ReadLocalGitTags(repo_path), merged.
Tags CollectEnvironmentTags(const GetEnv& getenv, const ListEnv& list_env,
                            const std::string& repo_path);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_GIT_GIT_METADATA_H_
