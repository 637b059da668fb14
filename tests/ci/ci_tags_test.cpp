// DetectCiTags' helpers and the parts the shared fixtures do not reach
// (GitHub's event file, no provider, the process environment).
#include "skipper/ci/ci_tags.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "skipper/git/git_metadata.h"

namespace itr::skipper {
namespace {

GetEnv EnvOf(const std::map<std::string, std::string>& env) {
  return [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
}

TEST(CiTags, NormalizesRefsLikeTheTracers) {
  EXPECT_EQ(NormalizeGitRef("refs/heads/main"), "main");
  EXPECT_EQ(NormalizeGitRef("refs/main"), "main");
  EXPECT_EQ(NormalizeGitRef("origin/feature/x"), "feature/x");
  EXPECT_EQ(NormalizeGitRef("refs/heads/origin/main"), "main");
  EXPECT_EQ(NormalizeGitRef("refs/tags/v1.0"), "v1.0");
  EXPECT_EQ(NormalizeGitRef("origin/tags/v1.0"), "v1.0");
  EXPECT_EQ(NormalizeGitRef("main"), "main");
  EXPECT_TRUE(IsGitTagRef("refs/tags/v1"));
  EXPECT_FALSE(IsGitTagRef("refs/heads/main"));
}

TEST(CiTags, ScrubsCredentialsFromUrls) {
  EXPECT_EQ(ScrubUrlCredentials("https://user:pw@host.com/a/b.git"),
            "https://host.com/a/b.git");
  EXPECT_EQ(ScrubUrlCredentials("http://token@host.com:8080/a"),
            "http://host.com:8080/a");
  EXPECT_EQ(ScrubUrlCredentials("ssh://git@host.com/a.git"),
            "ssh://host.com/a.git");
  EXPECT_EQ(ScrubUrlCredentials("https://host.com/with_@_in_path.git"),
            "https://host.com/with_@_in_path.git");
  EXPECT_EQ(ScrubUrlCredentials("git@github.com:org/repo.git"),
            "git@github.com:org/repo.git");
}

TEST(CiTags, ExpandsOnlyALeadingTilde) {
  std::map<std::string, std::string> env = {{"HOME", "/home/ci"}};
  EXPECT_EQ(ExpandHome("~", EnvOf(env)), "/home/ci");
  EXPECT_EQ(ExpandHome("~/w", EnvOf(env)), "/home/ci/w");
  EXPECT_EQ(ExpandHome("~w", EnvOf(env)), "~w");
  EXPECT_EQ(ExpandHome("/a/~", EnvOf(env)), "/a/~");
}

TEST(CiTags, NothingWithoutAProvider) {
  std::map<std::string, std::string> env = {{"HOME", "/home/ci"},
                                            {"DD_GIT_BRANCH", "x"}};
  EXPECT_TRUE(DetectCiTags(EnvOf(env), [] {
                return std::vector<std::string>{};
              }).empty());
}

TEST(CiTags, ReadsThePullRequestFromTheGithubEventFile) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("itr-ci-event-" + std::to_string(getpid()) + ".json"))
                         .string();
  std::ofstream(path) << R"({"number": 42, "pull_request": {
      "head": {"sha": "1111111111111111111111111111111111111111"},
      "base": {"sha": "2222222222222222222222222222222222222222"}}})";
  std::map<std::string, std::string> env = {
      {"GITHUB_SHA", "abc"},        {"GITHUB_REPOSITORY", "org/repo"},
      {"GITHUB_RUN_ID", "7"},       {"GITHUB_BASE_REF", "main"},
      {"GITHUB_HEAD_REF", "topic"}, {"GITHUB_EVENT_PATH", path}};
  Tags tags =
      DetectCiTags(EnvOf(env), [] { return std::vector<std::string>{}; });
  std::filesystem::remove(path);
  EXPECT_EQ(tags["pr.number"], "42");
  EXPECT_EQ(tags[kTagCommitHeadSha], std::string(40, '1'));
  EXPECT_EQ(tags["git.pull_request.base_branch_head_sha"],
            std::string(40, '2'));
  EXPECT_EQ(tags[kTagPrBaseBranch], "main");
  EXPECT_EQ(tags[kTagBranch], "topic");
  EXPECT_EQ(tags[kTagRepositoryUrl], "https://github.com/org/repo.git");
  EXPECT_EQ(tags["ci.job.url"],
            "https://github.com/org/repo/commit/abc/checks");

  // A missing or broken event file only loses the pull-request tags.
  env["GITHUB_EVENT_PATH"] = path + ".missing";
  tags = DetectCiTags(EnvOf(env), [] { return std::vector<std::string>{}; });
  EXPECT_EQ(tags.count("pr.number"), 0u);
  EXPECT_EQ(tags[kTagProviderName], "github");
}

Tags Detect(const std::map<std::string, std::string>& env) {
  return DetectCiTags(EnvOf(env), [] { return std::vector<std::string>{}; });
}

TEST(CiTags, ScrubsEveryUrlInAValue) {
  EXPECT_EQ(ScrubAllUrlCredentials("https://u:p@gitlab.com/x/-/pipelines/1"),
            "https://gitlab.com/x/-/pipelines/1");
  EXPECT_EQ(ScrubAllUrlCredentials(
                R"({"A":"https://u:p@h.com/x","B":"ssh://git@h.com/y"})"),
            R"({"A":"https://h.com/x","B":"ssh://h.com/y"})");
  // A JSON value after a URL without credentials is not part of it.
  EXPECT_EQ(ScrubAllUrlCredentials(R"({"A":"https://h.com","B":"a@b"})"),
            R"({"A":"https://h.com","B":"a@b"})");
  EXPECT_EQ(ScrubAllUrlCredentials("see http://tok@h.com/a and http://h/b@c"),
            "see http://h.com/a and http://h/b@c");
  EXPECT_EQ(ScrubAllUrlCredentials("git@github.com:org/repo.git"),
            "git@github.com:org/repo.git");
}

// dd-trace-go scrubs ci.pipeline.url, ci.job.url and _dd.ci.env_vars too,
// not only git.repository_url.
TEST(CiTags, ScrubsPipelineAndJobUrlsAndEnvVars) {
  Tags gitlab = Detect(
      {{"GITLAB_CI", "true"},
       {"CI_PIPELINE_URL", "https://u:p@gitlab.com/x/-/pipelines/1"},
       {"CI_JOB_URL", "https://gitlab-ci-token:secret@gitlab.com/x/-/jobs/2"},
       {"CI_PROJECT_URL", "https://u:p@gitlab.com/x"},
       {"CI_PIPELINE_ID", "1"},
       {"CI_JOB_ID", "2"}});
  EXPECT_EQ(gitlab[kTagPipelineUrl], "https://gitlab.com/x/-/pipelines/1");
  EXPECT_EQ(gitlab[kTagJobUrl], "https://gitlab.com/x/-/jobs/2");
  EXPECT_EQ(gitlab[kTagEnvVars].find("u:p@"), std::string::npos)
      << gitlab[kTagEnvVars];
  EXPECT_NE(gitlab[kTagEnvVars].find("https://gitlab.com/x"),
            std::string::npos);

  Tags buildkite = Detect({{"BUILDKITE", "true"},
                           {"BUILDKITE_BUILD_URL", "https://t@bk.com/b/7"},
                           {"BUILDKITE_JOB_ID", "j"}});
  EXPECT_EQ(buildkite[kTagPipelineUrl], "https://bk.com/b/7");
  EXPECT_EQ(buildkite[kTagJobUrl], "https://bk.com/b/7#j");

  Tags jenkins = Detect({{"JENKINS_URL", "https://jenkins"},
                         {"BUILD_URL", "https://admin:pw@jenkins.com/job/1/"}});
  EXPECT_EQ(jenkins[kTagPipelineUrl], "https://jenkins.com/job/1/");
}

TEST(GitMetadata, MergedTagsAreScrubbedWhateverTheSource) {
  Tags merged = MergeGitTags(
      {}, {{kTagPipelineUrl, "https://u:p@ci/p/1"}, {kTagProviderName, "x"}},
      {{kTagRepositoryUrl, "https://tok@host/r.git"}});
  EXPECT_EQ(merged[kTagPipelineUrl], "https://ci/p/1");
  EXPECT_EQ(merged[kTagRepositoryUrl], "https://host/r.git");
}

// dd-trace-go's GitHub fixtures (internal/civisibility/utils/testdata/
// fixtures/providers/github.json, its last five cases): the check-run id
// names the job only when it is numeric and there is a run to put it in.
std::map<std::string, std::string> GithubEnv() {
  return {{"GITHUB_ACTION", "run"},
          {"GITHUB_JOB", "github-job-name"},
          {"GITHUB_REF", "master"},
          {"GITHUB_REPOSITORY", "ghactions-repo"},
          {"GITHUB_RUN_ATTEMPT", "ghactions-run-attempt"},
          {"GITHUB_RUN_ID", "ghactions-pipeline-id"},
          {"GITHUB_RUN_NUMBER", "ghactions-pipeline-number"},
          {"GITHUB_SERVER_URL", "https://github.com"},
          {"GITHUB_SHA", "b9f0fb3fdbb94c9d24b2c75b49663122a529e123"},
          {"GITHUB_WORKFLOW", "ghactions-pipeline-name"},
          {"GITHUB_WORKSPACE", "/foo/bar"}};
}

constexpr char kGithubChecks[] =
    "https://github.com/ghactions-repo/commit/"
    "b9f0fb3fdbb94c9d24b2c75b49663122a529e123/checks";

TEST(CiTags, GithubNumericCheckRunIdNamesTheJob) {
  auto env = GithubEnv();
  env["JOB_CHECK_RUN_ID"] = "12345678901";
  Tags tags = Detect(env);
  EXPECT_EQ(tags["ci.job.id"], "12345678901");
  EXPECT_EQ(tags[kTagJobUrl],
            "https://github.com/ghactions-repo/actions/runs/"
            "ghactions-pipeline-id/job/12345678901");
  env["GITHUB_SERVER_URL"] = "https://ghenterprise.com";
  tags = Detect(env);
  EXPECT_EQ(tags[kTagJobUrl],
            "https://ghenterprise.com/ghactions-repo/actions/runs/"
            "ghactions-pipeline-id/job/12345678901");
  EXPECT_EQ(tags[kTagPipelineUrl],
            "https://ghenterprise.com/ghactions-repo/actions/runs/"
            "ghactions-pipeline-id/attempts/ghactions-run-attempt");
}

TEST(CiTags, GithubEmptyCheckRunIdFallsBackToTheJobKey) {
  auto env = GithubEnv();
  env["JOB_CHECK_RUN_ID"] = "";
  Tags tags = Detect(env);
  EXPECT_EQ(tags["ci.job.id"], "github-job-name");
  EXPECT_EQ(tags[kTagJobUrl], kGithubChecks);
}

TEST(CiTags, GithubWithoutRunIdHasNoRunUrls) {
  auto env = GithubEnv();
  env["GITHUB_RUN_ID"] = "";
  env["JOB_CHECK_RUN_ID"] = "12345678901";
  Tags tags = Detect(env);
  Tags expected = {
      {kTagEnvVars,
       R"({"GITHUB_SERVER_URL":"https://github.com","GITHUB_REPOSITORY":)"
       R"("ghactions-repo","GITHUB_RUN_ATTEMPT":"ghactions-run-attempt"})"},
      {"ci.job.id", "github-job-name"},
      {kTagJobName, "github-job-name"},
      {kTagJobUrl, kGithubChecks},
      {"ci.pipeline.name", "ghactions-pipeline-name"},
      {"ci.pipeline.number", "ghactions-pipeline-number"},
      {kTagProviderName, "github"},
      {kTagWorkspacePath, "/foo/bar"},
      {kTagBranch, "master"},
      {kTagCommitSha, "b9f0fb3fdbb94c9d24b2c75b49663122a529e123"},
      {kTagRepositoryUrl, "https://github.com/ghactions-repo.git"}};
  EXPECT_EQ(tags, expected);
}

TEST(CiTags, GithubNonNumericCheckRunIdIsIgnored) {
  auto env = GithubEnv();
  env["JOB_CHECK_RUN_ID"] = "invalid-not-numeric";
  Tags tags = Detect(env);
  Tags expected = {
      {kTagEnvVars,
       R"({"GITHUB_SERVER_URL":"https://github.com","GITHUB_REPOSITORY":)"
       R"("ghactions-repo","GITHUB_RUN_ID":"ghactions-pipeline-id",)"
       R"("GITHUB_RUN_ATTEMPT":"ghactions-run-attempt"})"},
      {"ci.job.id", "github-job-name"},
      {kTagJobName, "github-job-name"},
      {kTagJobUrl, kGithubChecks},
      {"ci.pipeline.id", "ghactions-pipeline-id"},
      {"ci.pipeline.name", "ghactions-pipeline-name"},
      {"ci.pipeline.number", "ghactions-pipeline-number"},
      {kTagPipelineUrl,
       "https://github.com/ghactions-repo/actions/runs/ghactions-pipeline-id/"
       "attempts/ghactions-run-attempt"},
      {kTagProviderName, "github"},
      {kTagWorkspacePath, "/foo/bar"},
      {kTagBranch, "master"},
      {kTagCommitSha, "b9f0fb3fdbb94c9d24b2c75b49663122a529e123"},
      {kTagRepositoryUrl, "https://github.com/ghactions-repo.git"}};
  EXPECT_EQ(tags, expected);
}

TEST(CiTags, ListsTheProcessEnvironment) {
  setenv("ITR_CI_TAGS_TEST_VARIABLE", "1", 1);
  std::vector<std::string> names = ProcessEnvNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "ITR_CI_TAGS_TEST_VARIABLE"),
            names.end());
  unsetenv("ITR_CI_TAGS_TEST_VARIABLE");
}

}  // namespace
}  // namespace itr::skipper
