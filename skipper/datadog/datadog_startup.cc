#include "skipper/datadog/datadog_startup.h"

#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "skipper/ci/ci_tags.h"
#include "skipper/datadog/git_upload_flow.h"
#include "skipper/git/git_cli.h"
#include "skipper/git/git_metadata.h"
#include "skipper/git/work_tree_status.h"

namespace itr::skipper::datadog {

namespace {

// The tracers wait up to a minute for a git upload still running at exit.
constexpr absl::Duration kGitUploadBudget = absl::Minutes(1);

std::string TagOr(const std::map<std::string, std::string>& tags,
                  const char* name) {
  auto it = tags.find(name);
  return it == tags.end() ? "" : it->second;
}

std::mutex g_task_mutex;
GitUploadTask* g_running_task = nullptr;

void JoinRunningTaskAtExit() {
  std::lock_guard<std::mutex> lock(g_task_mutex);
  if (g_running_task != nullptr) g_running_task->Join();
}

}  // namespace

std::map<std::string, std::string> RequestConfigurations(
    const std::string& compiler) {
  std::map<std::string, std::string> c;
  struct utsname system {};
  if (uname(&system) == 0) {
    std::string platform = system.sysname;
    for (char& ch : platform) ch = static_cast<char>(tolower(ch));
    c["os.platform"] = platform;
    c["os.version"] = system.release;
    c["os.architecture"] = system.machine;
  }
  size_t space = compiler.find(' ');
  c["runtime.name"] = compiler.substr(0, space);
  c["runtime.version"] =
      space == std::string::npos ? "" : compiler.substr(space + 1);
  return c;
}

GitUploadTask::GitUploadTask(ApiClient* api, std::string repo_root,
                             std::string repository_url, bool unshallow,
                             absl::Time deadline)
    : outcome_(promise_.get_future().share()) {
  // On this (the main) thread: git's children must not read `environ`
  // while a test changes it.
  SnapshotEnvironmentForGit();
  transport::Endpoints endpoints = api->endpoints();
  try {
    thread_ = std::thread([this, endpoints, repo_root, repository_url,
                           unshallow, deadline]() {
      // Its own client: requests of the main thread go on meanwhile.
      transport::HttpClient http;
      ApiClient own_api(endpoints, &http);
      absl::StatusOr<GitUploadResult> result = UploadGitMetadata(
          own_api, repo_root, repository_url, unshallow, deadline);
      promise_.set_value(result.ok()
                             ? result->warning
                             : absl::StrCat("git metadata upload failed (",
                                            result.status().message(), ")"));
    });
    // A test that calls exit() ends the process without SessionEnded: the
    // upload must still end before static destructors run under it.
    static const bool registered = std::atexit(JoinRunningTaskAtExit) == 0;
    (void)registered;
    std::lock_guard<std::mutex> lock(g_task_mutex);
    g_running_task = this;
  } catch (const std::system_error& error) {
    // No thread (e.g. a process limit): no upload, the tests go on.
    promise_.set_value(
        absl::StrCat("git metadata upload not started (", error.what(), ")"));
  }
}

GitUploadTask::~GitUploadTask() {
  Join();
  std::lock_guard<std::mutex> lock(g_task_mutex);
  if (g_running_task == this) g_running_task = nullptr;
}

std::string GitUploadTask::Wait(absl::Time until) {
  auto timeout = std::chrono::nanoseconds(absl::ToInt64Nanoseconds(
      std::max(absl::ZeroDuration(), until - absl::Now())));
  if (outcome_.wait_for(timeout) != std::future_status::ready) {
    return "the git metadata upload is still running";
  }
  return outcome_.get();
}

std::string GitUploadTask::Join() {
  if (thread_.joinable()) thread_.join();
  return outcome_.get();
}

absl::StatusOr<StartupResult> RunStartup(
    const Settings& settings, const DatadogConfig& config,
    const ProcessInfo& process, transport::HttpClient* http,
    std::unique_ptr<ApiClient>* api, std::unique_ptr<GitUploadTask>* upload) {
  absl::Time deadline = absl::Now() + config.connection.startup_budget;
  absl::StatusOr<transport::Endpoints> endpoints =
      transport::Endpoints::Resolve(config.connection, *http, deadline);
  if (!endpoints.ok()) return endpoints.status();
  *api = std::make_unique<ApiClient>(*endpoints, http);

  StartupResult result;
  result.environment_tags =
      CollectEnvironmentTags(getenv, ProcessEnvNames, process.repo_root);
  RunContext& run = result.run;
  run.repository_url = TagOr(result.environment_tags, kTagRepositoryUrl);
  run.branch = TagOr(result.environment_tags, kTagBranch);
  if (run.branch.empty()) run.branch = TagOr(result.environment_tags, kTagTag);
  run.sha = TagOr(result.environment_tags, kTagCommitSha);
  run.service = settings.service.empty()
                    ? DefaultServiceName(run.repository_url)
                    : settings.service;
  run.env = settings.env.empty() ? "none" : settings.env;
  run.test_level = settings.level == SkipLevel::kSuite ? "suite" : "test";
  run.configurations = RequestConfigurations(process.compiler);
  run.custom = settings.custom_configuration;
  for (const auto& [key, value] : run.configurations) {
    result.environment_tags[key] = value;
  }

  auto fail = [&](const char* request, const std::string& why) {
    result.configuration_errors.push_back(request);
    result.no_skipping_reason = why;
    result.warnings.push_back(why + "; all tests run");
  };
  if (run.repository_url.empty() || run.sha.empty()) {
    // As the Go client: the backend cannot key anything without them.
    fail("settings",
         "no git repository URL or commit sha (a git checkout, the CI's "
         "variables or DD_GIT_REPOSITORY_URL/DD_GIT_COMMIT_SHA)");
    return result;
  }
  if (config.git_upload && !process.repo_root.empty()) {
    *upload = std::make_unique<GitUploadTask>(
        api->get(), process.repo_root, run.repository_url, config.git_unshallow,
        absl::Now() + kGitUploadBudget);
  }
  absl::StatusOr<LibrarySettings> library =
      (*api)->FetchSettings(run, deadline);
  if (library.ok() && library->require_git && *upload != nullptr) {
    // Within the start-up budget only; past it the settings stand as they
    // are ("best effort", as the tracers proceed).
    std::string outcome = (*upload)->Wait(deadline);
    if (!outcome.empty()) result.warnings.push_back(outcome);
    absl::StatusOr<LibrarySettings> again =
        (*api)->FetchSettings(run, deadline);
    if (again.ok()) library = again;
  }
  if (!library.ok()) {
    fail("settings", absl::StrCat("Datadog settings unavailable (",
                                  library.status().message(), ")"));
    return result;
  }
  result.settings = *library;
  if (!library->itr_enabled || !library->tests_skipping) {
    result.no_skipping_reason =
        "test skipping is off for this service (Datadog settings)";
    return result;
  }
  // The skippable list is about commit run.sha: the tests must be built
  // from exactly that commit, with nothing changed on top.
  std::string local_head =
      process.repo_root.empty()
          ? ""
          : TagOr(ReadLocalGitTags(process.repo_root), kTagCommitSha);
  if (local_head != run.sha) {
    result.no_skipping_reason =
        local_head.empty()
            ? "no git checkout to compare with commit " + run.sha
            : absl::StrCat("the checkout (", local_head.substr(0, 12),
                           ") is not commit ", run.sha.substr(0, 12));
    result.warnings.push_back(result.no_skipping_reason + "; all tests run");
    return result;
  }
  {
    absl::StatusOr<std::vector<std::string>> dirty =
        UncommittedChanges(process.repo_root);
    if (!dirty.ok() || !dirty->empty()) {
      result.no_skipping_reason =
          dirty.ok()
              ? absl::StrCat(dirty->size(), " uncommitted change(s), e.g. ",
                             dirty->front(), ": Datadog only knows commits")
              : absl::StrCat("cannot read the work tree status (",
                             dirty.status().message(), ")");
      result.warnings.push_back(result.no_skipping_reason + "; all tests run");
      return result;
    }
  }
  absl::StatusOr<SkippableList> skippable =
      (*api)->FetchSkippable(run, deadline);
  if (!skippable.ok()) {
    fail("skippable_tests",
         absl::StrCat("Datadog skippable tests unavailable (",
                      skippable.status().message(), ")"));
    return result;
  }
  result.skippable = std::move(*skippable);
  return result;
}

}  // namespace itr::skipper::datadog
