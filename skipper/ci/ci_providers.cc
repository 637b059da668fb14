#include "skipper/ci/ci_providers.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "skipper/base/bounded_read.h"
#include "skipper/base/json_limits.h"

namespace itr::skipper::ci_internal {

namespace {

// Common ci.* tag names (the git.* ones are in ci_tags.h).
constexpr char kJobId[] = "ci.job.id";
constexpr char kJobName[] = "ci.job.name";
constexpr char kJobUrl[] = "ci.job.url";
constexpr const char* kPipelineId = kTagPipelineId;
constexpr char kPipelineName[] = "ci.pipeline.name";
constexpr char kPipelineDisplayName[] = "ci.pipeline.display_name";
constexpr char kPipelineNumber[] = "ci.pipeline.number";
constexpr char kPipelineUrl[] = "ci.pipeline.url";
constexpr char kStageName[] = "ci.stage.name";
constexpr char kNodeName[] = "ci.node.name";
constexpr char kNodeLabels[] = "ci.node.labels";
constexpr char kEnvVars[] = "_dd.ci.env_vars";
constexpr char kPrNumber[] = "pr.number";
constexpr char kPrBaseBranchHeadSha[] = "git.pull_request.base_branch_head_sha";

// _dd.ci.env_vars: the variables the backend needs to correlate a CI job,
// as a JSON object. Unset ones are null, as in the tracers.
std::string EnvVarsJson(const Env& env,
                        std::initializer_list<const char*> names,
                        bool skip_unset = false) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const char* name : names) {
    if (env.Has(name)) {
      object[name] = env(name);
    } else if (!skip_unset) {
      object[name] = nullptr;
    }
  }
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---- AppVeyor
bool AppveyorDetects(const Env& env) { return env.Has("APPVEYOR"); }
Tags Appveyor(const Env& env) {
  std::string url = absl::StrCat("https://ci.appveyor.com/project/",
                                 env("APPVEYOR_REPO_NAME"), "/builds/",
                                 env("APPVEYOR_BUILD_ID"));
  Tags tags = {{kTagProviderName, "appveyor"},
               {kPipelineUrl, url},
               {kJobUrl, url},
               {kTagWorkspacePath, env("APPVEYOR_BUILD_FOLDER")},
               {kPipelineId, env("APPVEYOR_BUILD_ID")},
               {kPipelineName, env("APPVEYOR_REPO_NAME")},
               {kPipelineNumber, env("APPVEYOR_BUILD_NUMBER")},
               {kTagAuthorName, env("APPVEYOR_REPO_COMMIT_AUTHOR")},
               {kTagAuthorEmail, env("APPVEYOR_REPO_COMMIT_AUTHOR_EMAIL")},
               {kTagCommitHeadSha, env("APPVEYOR_PULL_REQUEST_HEAD_COMMIT")},
               {kPrNumber, env("APPVEYOR_PULL_REQUEST_NUMBER")}};
  // The repository is only known for GitHub-hosted projects.
  if (env("APPVEYOR_REPO_PROVIDER") == "github") {
    tags[kTagRepositoryUrl] =
        absl::StrCat("https://github.com/", env("APPVEYOR_REPO_NAME"), ".git");
    tags[kTagCommitSha] = env("APPVEYOR_REPO_COMMIT");
    tags[kTagBranch] = env.Or("APPVEYOR_PULL_REQUEST_HEAD_REPO_BRANCH",
                              "APPVEYOR_REPO_BRANCH");
    tags[kTagTag] = env("APPVEYOR_REPO_TAG_NAME");
  }
  if (env.Has("APPVEYOR_REPO_COMMIT_MESSAGE")) {
    std::string message = env("APPVEYOR_REPO_COMMIT_MESSAGE");
    if (env.Has("APPVEYOR_REPO_COMMIT_MESSAGE_EXTENDED")) {
      absl::StrAppend(&message, "\n",
                      env("APPVEYOR_REPO_COMMIT_MESSAGE_EXTENDED"));
    }
    tags[kTagCommitMessage] = message;
  }
  // For a pull request, APPVEYOR_REPO_BRANCH is the branch merged into.
  if (env.Has("APPVEYOR_PULL_REQUEST_HEAD_REPO_BRANCH")) {
    tags[kTagPrBaseBranch] = env("APPVEYOR_REPO_BRANCH");
  }
  return tags;
}

// ---- Azure Pipelines
bool AzureDetects(const Env& env) { return env.Has("TF_BUILD"); }
Tags Azure(const Env& env) {
  std::string build_id = env("BUILD_BUILDID");
  Tags tags = {
      {kTagProviderName, "azurepipelines"},
      {kTagWorkspacePath, env("BUILD_SOURCESDIRECTORY")},
      {kPipelineId, build_id},
      {kPipelineNumber, build_id},
      {kPipelineName, env("BUILD_DEFINITIONNAME")},
      {kStageName, env("SYSTEM_STAGEDISPLAYNAME")},
      {kJobName, env("SYSTEM_JOBDISPLAYNAME")},
      {kJobId, env("SYSTEM_JOBID")},
      {kTagRepositoryUrl, env.Or("SYSTEM_PULLREQUEST_SOURCEREPOSITORYURI",
                                 "BUILD_REPOSITORY_URI")},
      {kTagCommitSha,
       env.Or("SYSTEM_PULLREQUEST_SOURCECOMMITID", "BUILD_SOURCEVERSION")},
      {kBranchOrTag,
       env.Or("SYSTEM_PULLREQUEST_SOURCEBRANCH",
              env.Has("BUILD_SOURCEBRANCH") ? "BUILD_SOURCEBRANCH"
                                            : "BUILD_SOURCEBRANCHNAME")},
      {kTagAuthorName, env("BUILD_REQUESTEDFORID")},
      {kTagAuthorEmail, env("BUILD_REQUESTEDFOREMAIL")},
      {kTagCommitMessage, env("BUILD_SOURCEVERSIONMESSAGE")},
      {kTagPrBaseBranch, env("SYSTEM_PULLREQUEST_TARGETBRANCH")},
      {kPrNumber, env("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER")},
      {kEnvVars, EnvVarsJson(env, {"SYSTEM_TEAMPROJECTID", "BUILD_BUILDID",
                                   "SYSTEM_JOBID"})}};
  // The URLs need all three parts.
  if (env.Has("BUILD_BUILDID") && env.Has("SYSTEM_TEAMFOUNDATIONSERVERURI") &&
      env.Has("SYSTEM_TEAMPROJECTID")) {
    std::string pipeline_url = absl::StrCat(
        env("SYSTEM_TEAMFOUNDATIONSERVERURI"), env("SYSTEM_TEAMPROJECTID"),
        "/_build/results?buildId=", build_id);
    tags[kPipelineUrl] = pipeline_url;
    tags[kJobUrl] =
        absl::StrCat(pipeline_url, "&view=logs&j=", env("SYSTEM_JOBID"),
                     "&t=", env("SYSTEM_TASKINSTANCEID"));
  }
  return tags;
}

// ---- Bitbucket Pipelines
bool BitbucketDetects(const Env& env) { return env.Has("BITBUCKET_COMMIT"); }
Tags Bitbucket(const Env& env) {
  std::string url = absl::StrCat(
      "https://bitbucket.org/", env("BITBUCKET_REPO_FULL_NAME"),
      "/addon/pipelines/home#!/results/", env("BITBUCKET_BUILD_NUMBER"));
  std::string uuid = env("BITBUCKET_PIPELINE_UUID");
  uuid.erase(std::remove_if(uuid.begin(), uuid.end(),
                            [](char c) { return c == '{' || c == '}'; }),
             uuid.end());
  return {{kTagProviderName, "bitbucket"},
          {kTagBranch, env("BITBUCKET_BRANCH")},
          {kTagTag, env("BITBUCKET_TAG")},
          {kTagCommitSha, env("BITBUCKET_COMMIT")},
          {kTagRepositoryUrl,
           env.Or("BITBUCKET_GIT_SSH_ORIGIN", "BITBUCKET_GIT_HTTP_ORIGIN")},
          {kJobUrl, url},
          {kPipelineUrl, url},
          {kPipelineId, uuid},
          {kPipelineName, env("BITBUCKET_REPO_FULL_NAME")},
          {kPipelineNumber, env("BITBUCKET_BUILD_NUMBER")},
          {kTagWorkspacePath, env("BITBUCKET_CLONE_DIR")},
          {kTagPrBaseBranch, env("BITBUCKET_PR_DESTINATION_BRANCH")},
          {kPrNumber, env("BITBUCKET_PR_ID")}};
}

// ---- Buildkite
bool BuildkiteDetects(const Env& env) { return env.Has("BUILDKITE"); }
Tags Buildkite(const Env& env) {
  Tags tags = {
      {kTagProviderName, "buildkite"},
      {kTagBranch, env("BUILDKITE_BRANCH")},
      {kTagTag, env("BUILDKITE_TAG")},
      {kTagCommitSha, env("BUILDKITE_COMMIT")},
      {kTagRepositoryUrl, env("BUILDKITE_REPO")},
      {kPipelineId, env("BUILDKITE_BUILD_ID")},
      {kPipelineName, env("BUILDKITE_PIPELINE_SLUG")},
      {kPipelineDisplayName, env("BUILDKITE_PIPELINE_NAME")},
      {kPipelineNumber, env("BUILDKITE_BUILD_NUMBER")},
      {kPipelineUrl, env("BUILDKITE_BUILD_URL")},
      {kJobUrl,
       absl::StrCat(env("BUILDKITE_BUILD_URL"), "#", env("BUILDKITE_JOB_ID"))},
      {kJobId, env("BUILDKITE_JOB_ID")},
      {kTagWorkspacePath, env("BUILDKITE_BUILD_CHECKOUT_PATH")},
      {kTagAuthorName, env("BUILDKITE_BUILD_AUTHOR")},
      {kTagAuthorEmail, env("BUILDKITE_BUILD_AUTHOR_EMAIL")},
      {kTagCommitMessage, env("BUILDKITE_MESSAGE")},
      {kNodeName, env("BUILDKITE_AGENT_ID")},
      {kTagPrBaseBranch, env("BUILDKITE_PULL_REQUEST_BASE_BRANCH")},
      {kEnvVars, EnvVarsJson(env, {"BUILDKITE_BUILD_ID", "BUILDKITE_JOB_ID"})}};
  if (env("BUILDKITE_PULL_REQUEST") != "false") {
    tags[kPrNumber] = env("BUILDKITE_PULL_REQUEST");
  }
  // Agent metadata (agent tags) become "key:value" labels.
  constexpr absl::string_view kMetaPrefix = "BUILDKITE_AGENT_META_DATA_";
  nlohmann::json labels = nlohmann::json::array();
  for (const std::string& name : env.Names()) {
    if (!absl::StartsWith(name, kMetaPrefix)) continue;
    labels.push_back(
        absl::StrCat(absl::AsciiStrToLower(name.substr(kMetaPrefix.size())),
                     ":", env(name.c_str())));
  }
  if (!labels.empty())
    tags[kNodeLabels] =
        labels.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return tags;
}

// ---- CircleCI
bool CircleDetects(const Env& env) { return env.Has("CIRCLECI"); }
Tags Circle(const Env& env) {
  return {
      {kTagProviderName, "circleci"},
      {kTagBranch, env("CIRCLE_BRANCH")},
      {kTagTag, env("CIRCLE_TAG")},
      {kTagCommitSha, env("CIRCLE_SHA1")},
      {kTagRepositoryUrl, env("CIRCLE_REPOSITORY_URL")},
      {kPipelineId, env("CIRCLE_WORKFLOW_ID")},
      {kPipelineName, env("CIRCLE_PROJECT_REPONAME")},
      {kPipelineUrl,
       absl::StrCat("https://app.circleci.com/pipelines/workflows/",
                    env("CIRCLE_WORKFLOW_ID"))},
      {kJobName, env("CIRCLE_JOB")},
      {kJobId, env("CIRCLE_BUILD_NUM")},
      {kJobUrl, env("CIRCLE_BUILD_URL")},
      {kTagWorkspacePath, env("CIRCLE_WORKING_DIRECTORY")},
      {kPrNumber, env("CIRCLE_PR_NUMBER")},
      {kEnvVars, EnvVarsJson(env, {"CIRCLE_WORKFLOW_ID", "CIRCLE_BUILD_NUM"})}};
}

// ---- Codefresh
bool CodefreshDetects(const Env& env) { return env.Has("CF_BUILD_ID"); }
Tags Codefresh(const Env& env) {
  return {{kTagProviderName, "codefresh"},
          {kPipelineId, env("CF_BUILD_ID")},
          {kPipelineName, env("CF_PIPELINE_NAME")},
          {kPipelineUrl, env("CF_BUILD_URL")},
          {kJobName, env("CF_STEP_NAME")},
          {kBranchOrTag, env("CF_BRANCH")},
          {kTagPrBaseBranch, env("CF_PULL_REQUEST_TARGET")},
          {kPrNumber, env("CF_PULL_REQUEST_NUMBER")},
          {kEnvVars, EnvVarsJson(env, {"CF_BUILD_ID"})}};
}

// ---- GitHub Actions
bool GithubDetects(const Env& env) { return env.Has("GITHUB_SHA"); }

// The webhook payload of the triggering event; null when absent or invalid.
nlohmann::json ReadGithubEvent(const Env& env) {
  std::string path = env("GITHUB_EVENT_PATH");
  if (path.empty()) return nullptr;
  // GitHub's payloads are kilobytes; anything else is not one.
  absl::StatusOr<std::string> text = ReadSmallRegularFile(path, 16 << 20);
  if (!text.ok() || !JsonNestingWithin(*text)) return nullptr;
  return nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
}

std::string JsonString(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return "";
}

// JOB_CHECK_RUN_ID when it can name a job: all digits, with a run to put
// it in (dd-trace-go); "" otherwise.
std::string GithubCheckRunId(const Env& env) {
  std::string id(absl::StripAsciiWhitespace(env("JOB_CHECK_RUN_ID")));
  bool digits = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  return digits && !env("GITHUB_RUN_ID").empty() ? id : "";
}

Tags Github(const Env& env) {
  std::string server = env.Has("GITHUB_SERVER_URL")
                           ? ScrubUrlCredentials(env("GITHUB_SERVER_URL"))
                           : "https://github.com";
  std::string repository = env("GITHUB_REPOSITORY");
  std::string run_id = env("GITHUB_RUN_ID");
  // No run id, no run page: an empty one would make ".../runs//...".
  std::string pipeline_url;
  if (!run_id.empty()) {
    pipeline_url =
        absl::StrCat(server, "/", repository, "/actions/runs/", run_id);
    if (!env("GITHUB_RUN_ATTEMPT").empty()) {
      absl::StrAppend(&pipeline_url, "/attempts/", env("GITHUB_RUN_ATTEMPT"));
    }
  }
  // The numeric check-run id makes a precise job URL; without it the
  // tracers fall back to the commit's checks page and the job key.
  std::string check_run_id = GithubCheckRunId(env);
  std::string job_url =
      check_run_id.empty()
          ? absl::StrCat(server, "/", repository, "/commit/", env("GITHUB_SHA"),
                         "/checks")
          : absl::StrCat(server, "/", repository, "/actions/runs/", run_id,
                         "/job/", check_run_id);
  std::string ref = env("GITHUB_HEAD_REF");
  if (ref.empty()) ref = env("GITHUB_REF");

  nlohmann::ordered_json env_vars = nlohmann::ordered_json::object();
  env_vars["GITHUB_SERVER_URL"] = server;
  for (const char* name :
       {"GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT"}) {
    if (!env(name).empty()) env_vars[name] = env(name);
  }

  Tags tags = {
      {kTagProviderName, "github"},
      {kJobName, env("GITHUB_JOB")},
      {kJobId, check_run_id.empty() ? env("GITHUB_JOB") : check_run_id},
      {kJobUrl, job_url},
      {kPipelineId, run_id},
      {kPipelineName, env("GITHUB_WORKFLOW")},
      {kPipelineNumber, env("GITHUB_RUN_NUMBER")},
      {kPipelineUrl, pipeline_url},
      {kTagWorkspacePath, env("GITHUB_WORKSPACE")},
      {kTagRepositoryUrl, absl::StrCat(server, "/", repository, ".git")},
      {kTagCommitSha, env("GITHUB_SHA")},
      {kBranchOrTag, ref},
      {kTagPrBaseBranch, env("GITHUB_BASE_REF")},
      {kEnvVars, env_vars.dump(-1, ' ', false,
                               nlohmann::json::error_handler_t::replace)}};

  nlohmann::json event = ReadGithubEvent(env);
  if (event.is_object()) {
    if (event.contains("number")) tags[kPrNumber] = JsonString(event["number"]);
    if (env.Has("GITHUB_BASE_REF") && event.contains("pull_request")) {
      const nlohmann::json& pr = event["pull_request"];
      if (pr.is_object()) {
        if (pr.contains("head") && pr["head"].is_object() &&
            pr["head"].contains("sha")) {
          tags[kTagCommitHeadSha] = JsonString(pr["head"]["sha"]);
        }
        if (pr.contains("base") && pr["base"].is_object() &&
            pr["base"].contains("sha")) {
          tags[kPrBaseBranchHeadSha] = JsonString(pr["base"]["sha"]);
        }
      }
    }
  }
  return tags;
}

// ---- GitLab CI
bool GitlabDetects(const Env& env) { return env.Has("GITLAB_CI"); }

// CI_COMMIT_AUTHOR is "Name <email>"; anything else is taken as the email.
std::pair<std::string, std::string> SplitNameEmail(const std::string& value) {
  size_t open = value.find('<');
  if (open != std::string::npos && !value.empty() && value.back() == '>' &&
      value.find('>') == value.size() - 1) {
    std::string name(absl::StripAsciiWhitespace(value.substr(0, open)));
    return {name, value.substr(open + 1, value.size() - open - 2)};
  }
  return {"", value};
}

Tags Gitlab(const Env& env) {
  auto [author_name, author_email] = SplitNameEmail(env("CI_COMMIT_AUTHOR"));
  Tags tags = {{kTagProviderName, "gitlab"},
               {kTagBranch, env("CI_COMMIT_REF_NAME")},
               {kTagTag, env("CI_COMMIT_TAG")},
               {kTagCommitSha, env("CI_COMMIT_SHA")},
               {kTagRepositoryUrl, env("CI_REPOSITORY_URL")},
               {kTagAuthorName, author_name},
               {kTagAuthorEmail, author_email},
               {kTagAuthorDate, env("CI_COMMIT_TIMESTAMP")},
               {kTagCommitMessage, env("CI_COMMIT_MESSAGE")},
               {kStageName, env("CI_JOB_STAGE")},
               {kJobName, env("CI_JOB_NAME")},
               {kJobUrl, env("CI_JOB_URL")},
               {kJobId, env("CI_JOB_ID")},
               {kPipelineId, env("CI_PIPELINE_ID")},
               {kPipelineName, env("CI_PROJECT_PATH")},
               {kPipelineNumber, env("CI_PIPELINE_IID")},
               {kPipelineUrl, env("CI_PIPELINE_URL")},
               {kTagWorkspacePath, env("CI_PROJECT_DIR")},
               {kNodeName, env("CI_RUNNER_ID")},
               {kNodeLabels, env("CI_RUNNER_TAGS")},
               {kPrNumber, env("CI_MERGE_REQUEST_IID")},
               {kEnvVars, EnvVarsJson(env, {"CI_PROJECT_URL", "CI_PIPELINE_ID",
                                            "CI_JOB_ID"})}};
  // Merge-request details only come with a target branch.
  if (!env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME").empty()) {
    tags[kTagPrBaseBranch] = env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
    tags[kTagPrBaseBranchSha] = env("CI_MERGE_REQUEST_DIFF_BASE_SHA");
    tags[kPrBaseBranchHeadSha] = env("CI_MERGE_REQUEST_TARGET_BRANCH_SHA");
    tags[kTagCommitHeadSha] = env("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA");
  }
  return tags;
}

// ---- Jenkins
bool JenkinsDetects(const Env& env) { return env.Has("JENKINS_URL"); }

// JOB_NAME of a multibranch or matrix job carries the branch and the
// "KEY=VALUE" axes; the pipeline name is the job without them.
std::string JenkinsPipelineName(const Env& env) {
  if (!env.Has("JOB_NAME")) return "";
  std::string name = env("JOB_NAME");
  std::string branch = env("GIT_BRANCH");
  if (!branch.empty() && !IsGitTagRef(branch)) {
    std::string suffix = "/" + NormalizeGitRef(branch);
    for (size_t at; (at = name.find(suffix)) != std::string::npos;) {
      name.erase(at, suffix.size());
    }
  }
  std::vector<std::string> kept;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (!absl::StrContains(part, '=')) kept.emplace_back(part);
  }
  return absl::StrJoin(kept, "/");
}

Tags Jenkins(const Env& env) {
  Tags tags = {{kTagProviderName, "jenkins"},
               {kBranchOrTag, env("GIT_BRANCH")},
               {kTagCommitSha, env("GIT_COMMIT")},
               {kTagRepositoryUrl, env.Or("GIT_URL", "GIT_URL_1")},
               {kPipelineId, env("BUILD_TAG")},
               {kPipelineName, JenkinsPipelineName(env)},
               {kPipelineNumber, env("BUILD_NUMBER")},
               {kPipelineUrl, env("BUILD_URL")},
               {kTagWorkspacePath, env("WORKSPACE")},
               {kNodeName, env("NODE_NAME")},
               {kTagPrBaseBranch, env("CHANGE_TARGET")},
               {kPrNumber, env("CHANGE_ID")},
               {kEnvVars, EnvVarsJson(env, {"DD_CUSTOM_TRACE_ID",
                                            "DD_CUSTOM_PARENT_ID"})}};
  if (env.Has("NODE_LABELS")) {
    nlohmann::json labels = nlohmann::json::array();
    for (absl::string_view label :
         absl::StrSplit(env("NODE_LABELS"), absl::ByAnyChar(" \t\n\r"),
                        absl::SkipEmpty())) {
      labels.push_back(std::string(label));
    }
    tags[kNodeLabels] =
        labels.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return tags;
}

// ---- TeamCity
bool TeamcityDetects(const Env& env) { return env.Has("TEAMCITY_VERSION"); }
Tags Teamcity(const Env& env) {
  return {{kTagProviderName, "teamcity"},
          {kJobUrl, env("BUILD_URL")},
          {kJobName, env("TEAMCITY_BUILDCONF_NAME")},
          {kTagPrBaseBranch, env("TEAMCITY_PULLREQUEST_TARGET_BRANCH")},
          {kPrNumber, env("TEAMCITY_PULLREQUEST_NUMBER")}};
}

// ---- Travis CI
bool TravisDetects(const Env& env) { return env.Has("TRAVIS"); }
Tags Travis(const Env& env) {
  std::string slug = env("TRAVIS_PULL_REQUEST_SLUG");
  if (slug.empty()) slug = env("TRAVIS_REPO_SLUG");
  std::string branch = env("TRAVIS_PULL_REQUEST_BRANCH");
  if (branch.empty()) branch = env("TRAVIS_BRANCH");
  Tags tags = {
      {kTagProviderName, "travisci"},
      {kPipelineId, env("TRAVIS_BUILD_ID")},
      {kPipelineName, slug},
      {kPipelineNumber, env("TRAVIS_BUILD_NUMBER")},
      {kPipelineUrl, env("TRAVIS_BUILD_WEB_URL")},
      {kJobUrl, env("TRAVIS_JOB_WEB_URL")},
      {kTagWorkspacePath, env("TRAVIS_BUILD_DIR")},
      {kTagRepositoryUrl, absl::StrCat("https://github.com/", slug, ".git")},
      {kTagCommitSha, env("TRAVIS_COMMIT")},
      {kTagBranch, branch},
      {kTagTag, env("TRAVIS_TAG")},
      {kTagCommitMessage, env("TRAVIS_COMMIT_MESSAGE")}};
  if (env("TRAVIS_EVENT_TYPE") == "pull_request") {
    tags[kTagPrBaseBranch] = env("TRAVIS_BRANCH");
    tags[kTagCommitHeadSha] = env("TRAVIS_PULL_REQUEST_SHA");
    tags[kPrNumber] = env("TRAVIS_PULL_REQUEST");
  }
  return tags;
}

// ---- Bitrise
bool BitriseDetects(const Env& env) { return env.Has("BITRISE_BUILD_SLUG"); }
Tags Bitrise(const Env& env) {
  return {
      {kTagProviderName, "bitrise"},
      {kPipelineId, env("BITRISE_BUILD_SLUG")},
      {kPipelineName, env("BITRISE_TRIGGERED_WORKFLOW_ID")},
      {kPipelineNumber, env("BITRISE_BUILD_NUMBER")},
      {kPipelineUrl, env("BITRISE_BUILD_URL")},
      {kTagWorkspacePath, env("BITRISE_SOURCE_DIR")},
      {kTagRepositoryUrl, env("GIT_REPOSITORY_URL")},
      {kTagCommitSha, env.Or("BITRISE_GIT_COMMIT", "GIT_CLONE_COMMIT_HASH")},
      {kTagBranch,
       env.Or("BITRISEIO_PULL_REQUEST_HEAD_BRANCH", "BITRISE_GIT_BRANCH")},
      {kTagTag, env("BITRISE_GIT_TAG")},
      {kTagCommitMessage, env("BITRISE_GIT_MESSAGE")},
      {kTagAuthorName, env("GIT_CLONE_COMMIT_AUTHOR_NAME")},
      {kTagAuthorEmail, env("GIT_CLONE_COMMIT_AUTHOR_EMAIL")},
      // Bitrise's own spelling: COMMITER.
      {kTagCommitterName, env("GIT_CLONE_COMMIT_COMMITER_NAME")},
      {kTagCommitterEmail, env.Or("GIT_CLONE_COMMIT_COMMITER_EMAIL",
                                  "GIT_CLONE_COMMIT_COMMITER_NAME")},
      {kTagPrBaseBranch, env("BITRISEIO_GIT_BRANCH_DEST")},
      {kPrNumber, env("BITRISE_PULL_REQUEST")}};
}

// ---- Buddy
bool BuddyDetects(const Env& env) { return env.Has("BUDDY"); }
Tags Buddy(const Env& env) {
  return {{kTagProviderName, "buddy"},
          {kPipelineId, absl::StrCat(env("BUDDY_PIPELINE_ID"), "/",
                                     env("BUDDY_EXECUTION_ID"))},
          {kPipelineName, env("BUDDY_PIPELINE_NAME")},
          {kPipelineNumber, env("BUDDY_EXECUTION_ID")},
          {kPipelineUrl, env("BUDDY_EXECUTION_URL")},
          {kTagWorkspacePath, env("CI_WORKSPACE_PATH")},
          {kTagRepositoryUrl, env("BUDDY_SCM_URL")},
          {kTagCommitSha, env("BUDDY_EXECUTION_REVISION")},
          {kTagBranch, env("BUDDY_EXECUTION_BRANCH")},
          {kTagTag, env("BUDDY_EXECUTION_TAG")},
          {kTagCommitMessage, env("BUDDY_EXECUTION_REVISION_MESSAGE")},
          {kTagCommitterName, env("BUDDY_EXECUTION_REVISION_COMMITTER_NAME")},
          {kTagCommitterEmail, env("BUDDY_EXECUTION_REVISION_COMMITTER_EMAIL")},
          {kTagPrBaseBranch, env("BUDDY_RUN_PR_BASE_BRANCH")},
          {kPrNumber, env("BUDDY_RUN_PR_NO")}};
}

// ---- AWS CodePipeline (CodeBuild actions started by a pipeline)
bool CodePipelineDetects(const Env& env) {
  return absl::StartsWith(env("CODEBUILD_INITIATOR"), "codepipeline");
}
Tags CodePipeline(const Env& env) {
  return {{kTagProviderName, "awscodepipeline"},
          {kPipelineId, env("DD_PIPELINE_EXECUTION_ID")},
          {kJobId, env("DD_ACTION_EXECUTION_ID")},
          {kEnvVars,
           EnvVarsJson(env, {"CODEBUILD_BUILD_ARN", "DD_PIPELINE_EXECUTION_ID",
                             "DD_ACTION_EXECUTION_ID"})}};
}

// ---- Drone
bool DroneDetects(const Env& env) { return env.Has("DRONE"); }
Tags Drone(const Env& env) {
  return {{kTagProviderName, "drone"},
          {kPipelineNumber, env("DRONE_BUILD_NUMBER")},
          {kPipelineUrl, env("DRONE_BUILD_LINK")},
          {kJobName, env("DRONE_STEP_NAME")},
          {kStageName, env("DRONE_STAGE_NAME")},
          {kTagWorkspacePath, env("DRONE_WORKSPACE")},
          {kTagRepositoryUrl, env("DRONE_GIT_HTTP_URL")},
          {kTagBranch, env("DRONE_BRANCH")},
          {kTagTag, env("DRONE_TAG")},
          {kTagCommitSha, env("DRONE_COMMIT_SHA")},
          {kTagAuthorName, env("DRONE_COMMIT_AUTHOR_NAME")},
          {kTagAuthorEmail, env("DRONE_COMMIT_AUTHOR_EMAIL")},
          {kTagCommitMessage, env("DRONE_COMMIT_MESSAGE")},
          {kTagPrBaseBranch, env("DRONE_TARGET_BRANCH")},
          {kPrNumber, env("DRONE_PULL_REQUEST")}};
}

}  // namespace

const std::vector<CiProvider>& CiProviders() {
  static const std::vector<CiProvider> providers = {
      {AppveyorDetects, Appveyor},   {AzureDetects, Azure},
      {BitbucketDetects, Bitbucket}, {BuildkiteDetects, Buildkite},
      {CircleDetects, Circle},       {CodefreshDetects, Codefresh},
      {GithubDetects, Github},       {GitlabDetects, Gitlab},
      {JenkinsDetects, Jenkins},     {TeamcityDetects, Teamcity},
      {TravisDetects, Travis},       {BitriseDetects, Bitrise},
      {BuddyDetects, Buddy},         {CodePipelineDetects, CodePipeline},
      {DroneDetects, Drone},
  };
  return providers;
}

}  // namespace itr::skipper::ci_internal
