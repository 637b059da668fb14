#include "skipper/datadog/datadog_startup.h"

#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "itr/coverage.h"
#include "skipper/base/status_macros.h"
#include "skipper/ci/ci_tags.h"
#include "skipper/ci/test_environment.h"
#include "skipper/datadog/git_upload_flow.h"
#include "skipper/git/git_cli.h"
#include "skipper/git/git_metadata.h"
#include "skipper/git/work_tree_status.h"
#include "skipper/transport/network_limits.h"

// Weak: the runtime defines it in a test process; the itr CLI has none.
#pragma weak itr_internal_enter

namespace itr::skipper::datadog {

namespace {

// In a test process, what this thread opens and reads (git, HTTP, proxy
// variables) is itr-cpp's own, not a dependency of the running test.
void MarkThreadAsItrInternal() {
  if (&itr_internal_enter != nullptr) itr_internal_enter();
}

// The upload's own deadline: the tracers wait up to a minute for a git
// upload, whether the settings require it or it is still running at exit.
constexpr absl::Duration kGitUploadBudget = transport::kRequireGitWait;

std::string TagOr(const std::map<std::string, std::string>& tags,
                  const char* name) {
  auto it = tags.find(name);
  return it == tags.end() ? "" : it->second;
}

std::mutex g_task_mutex;
GitUploadTask* g_running_task = nullptr;

void JoinRunningTaskAtExit() {
  transport::CutOffNetworkForExit();  // exit() from a test: the same bound
  std::lock_guard<std::mutex> lock(g_task_mutex);
  if (g_running_task != nullptr) g_running_task->Join().IgnoreError();
}

}  // namespace

GitUploadTask::GitUploadTask(ApiClient* api, std::string repo_root,
                             std::string repository_url, bool unshallow,
                             absl::Time deadline)
    : outcome_(promise_.get_future().share()) {
  // On this (the main) thread: git's children must not read `environ`
  // while a test changes it.
  SnapshotEnvironmentForGit();
  transport::Endpoints endpoints = api->endpoints();
  try {
    thread_ = std::thread(
        [this, endpoints, repo_root, repository_url, unshallow, deadline]() {
          MarkThreadAsItrInternal();
          // Its own client: requests of the main thread go on meanwhile.
          transport::HttpClient http;
          ApiClient own_api(endpoints, &http);
          absl::StatusOr<GitUploadResult> result = UploadGitMetadata(
              own_api, repo_root, repository_url, unshallow, deadline);
          promise_.set_value(!result.ok() ? absl::UnavailableError(absl::StrCat(
                                                "git metadata upload failed (",
                                                result.status().message(), ")"))
                             : result->warning.empty()
                                 ? absl::OkStatus()
                                 : absl::UnknownError(result->warning));
        });
    // A test that calls exit() ends the process without SessionEnded: the
    // upload must still end before static destructors run under it.
    static const bool registered = std::atexit(JoinRunningTaskAtExit) == 0;
    (void)registered;
    std::lock_guard<std::mutex> lock(g_task_mutex);
    g_running_task = this;
  } catch (const std::system_error& error) {
    // No thread (e.g. a process limit): no upload, the tests go on.
    promise_.set_value(absl::UnavailableError(
        absl::StrCat("git metadata upload not started (", error.what(), ")")));
  }
}

GitUploadTask::~GitUploadTask() {
  Join().IgnoreError();  // its outcome was reported, or no longer matters
  std::lock_guard<std::mutex> lock(g_task_mutex);
  if (g_running_task == this) g_running_task = nullptr;
}

absl::Status GitUploadTask::Wait(absl::Time until) {
  auto timeout = std::chrono::nanoseconds(absl::ToInt64Nanoseconds(
      std::max(absl::ZeroDuration(), until - absl::Now())));
  if (outcome_.wait_for(timeout) != std::future_status::ready) {
    return absl::DeadlineExceededError(
        "the git metadata upload is still running");
  }
  return outcome_.get();
}

absl::Status GitUploadTask::Join() {
  if (thread_.joinable()) thread_.join();
  return outcome_.get();
}

namespace {

// What the requests say about this run, and the event tags that describe
// where it runs (git.*, ci.*, os.*, runtime.*).
RunContext DescribeRun(const Settings& settings, const ProcessInfo& process,
                       std::map<std::string, std::string>* tags) {
  *tags = CollectEnvironmentTags(getenv, ProcessEnvNames, process.repo_root);
  RunContext run;
  run.repository_url = TagOr(*tags, kTagRepositoryUrl);
  run.branch = TagOr(*tags, kTagBranch);
  if (run.branch.empty()) run.branch = TagOr(*tags, kTagTag);
  // A detached checkout still needs a branch for the backend (dd-trace-go's
  // placeholder); the events keep their git tags as they are.
  if (run.branch.empty()) run.branch = "auto:git-detached-head";
  run.sha = TagOr(*tags, kTagCommitSha);
  run.service = settings.service.empty()
                    ? DefaultServiceName(run.repository_url)
                    : settings.service;
  run.env = settings.env.empty() ? "none" : settings.env;
  run.test_level = settings.level == SkipLevel::kSuite ? "suite" : "test";
  // Requests and events from the same values (test_environment.h).
  TestConfigurationTags configuration =
      ConfigurationTags(process.compiler, settings.dd_tags);
  run.configurations = configuration.configurations;
  run.custom = configuration.custom;
  for (const auto& [key, value] : configuration.EventTags()) {
    (*tags)[key] = value;
  }
  return run;
}

// One settings request within its own budget; running out of time says
// which budget it was.
absl::StatusOr<LibrarySettings> FetchSettingsOnce(
    ApiClient& api, const RunContext& run,
    const transport::StartupDeadlines& deadlines) {
  const absl::Time start = absl::Now();
  absl::StatusOr<LibrarySettings> library = api.FetchSettings(
      run, deadlines.For(transport::kSettingsRequestBudget, start));
  if (absl::IsDeadlineExceeded(library.status())) {
    return absl::DeadlineExceededError(deadlines.OutOfTime(
        transport::kSettingsRequestBudget, start,
        "the settings request's budget, as in dd-trace-py"));
  }
  return library;
}

// The library settings; when the backend requires git metadata first, again
// after the upload (waiting for it no longer than its own deadline: past it
// the settings stand as they are, "best effort" as the tracers proceed).
absl::StatusOr<LibrarySettings> FetchLibrarySettings(
    ApiClient& api, const RunContext& run, GitUploadTask* upload,
    absl::Time upload_deadline, const transport::StartupDeadlines& deadlines,
    Diagnostics& diagnostics) {
  absl::StatusOr<LibrarySettings> library =
      FetchSettingsOnce(api, run, deadlines);
  if (library.ok() && library->require_git && upload != nullptr) {
    absl::Status outcome = upload->Wait(deadlines.Capped(upload_deadline));
    if (absl::IsDeadlineExceeded(outcome)) {
      diagnostics.Warning(absl::StrCat(
          "the git metadata upload did not finish within ",
          absl::FormatDuration(transport::kRequireGitWait),
          " (as dd-trace-go waits); Datadog settings used as they are"));
    } else if (!outcome.ok()) {
      diagnostics.Warning(outcome.message());
    }
    absl::StatusOr<LibrarySettings> again =
        FetchSettingsOnce(api, run, deadlines);
    if (again.ok()) library = again;
  }
  return library;
}

// Why the skippable list (about commit `sha`) cannot apply to this checkout:
// the tests must be built from exactly that commit, with nothing changed on
// top. "" when it applies.
std::string CheckoutMismatch(const std::string& repo_root,
                             const std::string& sha) {
  std::string local_head =
      repo_root.empty() ? ""
                        : TagOr(ReadLocalGitTags(repo_root), kTagCommitSha);
  if (local_head != sha) {
    return local_head.empty()
               ? "no git checkout to compare with commit " + sha
               : absl::StrCat("the checkout (", local_head.substr(0, 12),
                              ") is not commit ", sha.substr(0, 12));
  }
  absl::StatusOr<std::vector<std::string>> dirty =
      UncommittedChanges(repo_root);
  if (!dirty.ok()) {
    return absl::StrCat("cannot read the work tree status (",
                        dirty.status().message(), ")");
  }
  if (!dirty->empty()) {
    return absl::StrCat(dirty->size(), " uncommitted change(s), e.g. ",
                        dirty->front(), ": Datadog only knows commits");
  }
  return "";
}

}  // namespace

absl::StatusOr<Startup> RunStartup(const Settings& settings,
                                   const DatadogConfig& config,
                                   const ProcessInfo& process,
                                   transport::HttpClient* http,
                                   Diagnostics& diagnostics) {
  const transport::StartupDeadlines deadlines(config.connection.network_cap);
  ITR_ASSIGN_OR_RETURN(transport::Endpoints endpoints,
                       transport::Endpoints::Resolve(
                           config.connection, *http,
                           deadlines.For(transport::kAgentProbeBudget)));
  Startup startup;
  startup.api = std::make_unique<ApiClient>(endpoints, http);
  StartupResult& result = startup.result;
  result.run = DescribeRun(settings, process, &result.environment_tags);
  const RunContext& run = result.run;

  auto no_skipping = [&](const std::string& why) {
    result.no_skipping_reason = why;
    diagnostics.Warning(why + "; all tests run");
    return std::move(startup);
  };
  auto failed = [&](const char* request, const std::string& why) {
    result.configuration_errors.push_back(request);
    return no_skipping(why);
  };
  if (run.repository_url.empty() || run.sha.empty()) {
    // As the Go client: the backend cannot key anything without them.
    return failed("settings",
                  "no git repository URL or commit sha (a git checkout, the "
                  "CI's variables or DD_GIT_REPOSITORY_URL/DD_GIT_COMMIT_SHA)");
  }
  const absl::Time upload_deadline = absl::Now() + kGitUploadBudget;
  if (config.git_upload && !process.repo_root.empty()) {
    startup.upload = std::make_unique<GitUploadTask>(
        startup.api.get(), process.repo_root, run.repository_url,
        config.git_unshallow, upload_deadline);
  }
  absl::StatusOr<LibrarySettings> library =
      FetchLibrarySettings(*startup.api, run, startup.upload.get(),
                           upload_deadline, deadlines, diagnostics);
  if (!library.ok()) {
    return failed("settings", absl::StrCat("Datadog settings unavailable (",
                                           library.status().message(), ")"));
  }
  result.settings = *library;
  if (!library->itr_enabled || !library->tests_skipping) {
    result.no_skipping_reason =
        "test skipping is off for this service (Datadog settings)";
    return startup;
  }
  if (std::string why = CheckoutMismatch(process.repo_root, run.sha);
      !why.empty()) {
    return no_skipping(why);
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<SkippableList> skippable = startup.api->FetchSkippable(
      run, deadlines.For(transport::kSkippableRequestBudget, start));
  if (!skippable.ok()) {
    const std::string why =
        absl::IsDeadlineExceeded(skippable.status())
            ? deadlines.OutOfTime(
                  transport::kSkippableRequestBudget, start,
                  "the skippable request's budget, as in dd-trace-py")
            : std::string(skippable.status().message());
    return failed(
        "skippable_tests",
        absl::StrCat("Datadog skippable tests unavailable (", why, ")"));
  }
  result.skippable = std::move(*skippable);
  return startup;
}

}  // namespace itr::skipper::datadog
