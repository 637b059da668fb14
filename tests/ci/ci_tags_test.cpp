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

TEST(CiTags, ListsTheProcessEnvironment) {
  setenv("ITR_CI_TAGS_TEST_VARIABLE", "1", 1);
  std::vector<std::string> names = ProcessEnvNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "ITR_CI_TAGS_TEST_VARIABLE"),
            names.end());
  unsetenv("ITR_CI_TAGS_TEST_VARIABLE");
}

}  // namespace
}  // namespace itr::skipper
