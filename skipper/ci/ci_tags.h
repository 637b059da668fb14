// CI provider detection: the tags Datadog's tracers derive from a CI
// provider's environment variables (ci.provider.name, ci.pipeline.*,
// ci.job.*, ci.stage.name, ci.workspace_path, ci.node.*, the git.* values
// the CI knows, pr.number, _dd.ci.env_vars). The first provider whose
// trigger variable is set wins, in the tracers' order. Values are
// normalised as the tracers do: a branch naming a tag becomes git.tag, refs
// lose `refs/heads/`, `origin/` and `tags/`, URLs (the repository's, the
// pipeline's and job's, those in _dd.ci.env_vars) lose their credentials, a
// leading `~` in the workspace becomes $HOME. Empty values are left out.
#ifndef ITR_SKIPPER_CI_CI_TAGS_H_
#define ITR_SKIPPER_CI_CI_TAGS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "skipper/config/settings.h"

namespace itr::skipper {

using Tags = std::map<std::string, std::string>;

// Names of every variable in the environment. Some providers publish data
// under a prefix (BUILDKITE_AGENT_META_DATA_*), which getenv cannot list.
using ListEnv = std::function<std::vector<std::string>()>;

// The names in this process's environment (`environ`).
std::vector<std::string> ProcessEnvNames();

// Tags of the CI provider found in the environment; empty when none is.
// Only the environment is read (and, on GitHub Actions, the event file named
// by GITHUB_EVENT_PATH); never the local repository.
Tags DetectCiTags(const GetEnv& getenv,
                  const ListEnv& list_env = ProcessEnvNames);

// `refs/heads/main`, `refs/main`, `origin/main` → `main`;
// `refs/tags/v1`, `origin/tags/v1` → `v1`.
std::string NormalizeGitRef(std::string_view ref);

// True when a branch value actually names a tag (contains `tags/`).
bool IsGitTagRef(std::string_view ref);

// `https://user:pass@host/x` → `https://host/x` (also http:// and ssh://);
// other URLs, such as `git@host:org/repo.git`, are returned unchanged.
std::string ScrubUrlCredentials(std::string_view url);

// Every `scheme://user:pass@` in `text` (http, https, ssh) loses its
// credentials, wherever it stands: for values that embed URLs, such as a
// pipeline URL or _dd.ci.env_vars' JSON (dd-trace-go's filterSensitiveInfo).
std::string ScrubAllUrlCredentials(std::string_view text);

// Scrubs the tags that may carry a URL with credentials: git.repository_url,
// ci.pipeline.url, ci.job.url, _dd.ci.env_vars.
void ScrubCredentialTags(Tags* tags);

// `~` or `~/...` with $HOME expanded; anything else unchanged.
std::string ExpandHome(const std::string& path, const GetEnv& getenv);

// Tag names, shared with skipper/git.
inline constexpr char kTagProviderName[] = "ci.provider.name";
inline constexpr char kTagWorkspacePath[] = "ci.workspace_path";
inline constexpr char kTagRepositoryUrl[] = "git.repository_url";
inline constexpr char kTagBranch[] = "git.branch";
inline constexpr char kTagTag[] = "git.tag";
inline constexpr char kTagCommitSha[] = "git.commit.sha";
inline constexpr char kTagCommitMessage[] = "git.commit.message";
inline constexpr char kTagAuthorName[] = "git.commit.author.name";
inline constexpr char kTagAuthorEmail[] = "git.commit.author.email";
inline constexpr char kTagAuthorDate[] = "git.commit.author.date";
inline constexpr char kTagCommitterName[] = "git.commit.committer.name";
inline constexpr char kTagCommitterEmail[] = "git.commit.committer.email";
inline constexpr char kTagCommitterDate[] = "git.commit.committer.date";
inline constexpr char kTagPrBaseBranch[] = "git.pull_request.base_branch";
inline constexpr char kTagPrBaseBranchSha[] =
    "git.pull_request.base_branch_sha";
inline constexpr char kTagCommitHeadSha[] = "git.commit.head.sha";
inline constexpr char kTagPipelineId[] = "ci.pipeline.id";
inline constexpr char kTagPipelineUrl[] = "ci.pipeline.url";
inline constexpr char kTagJobUrl[] = "ci.job.url";
inline constexpr char kTagJobName[] = "ci.job.name";
inline constexpr char kTagEnvVars[] = "_dd.ci.env_vars";

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_CI_CI_TAGS_H_
