// What a test process learns from Datadog before its first test (protocol
// §1.6): environment tags, library settings (after the git upload when the
// backend requires it), and the skippable tests. Each request has its own
// budget, retries included (transport/endpoints.h: agent probe 15 s,
// settings 15 s each, waiting for a required git upload 60 s, skippable
// 20 s), optionally all capped by ITR_NETWORK_BUDGET_MS, so a slow or dead
// backend delays the tests by a bounded time. A failed step is recorded
// (a warning, and the `_dd.ci.library_configuration_error.*` tag) and means
// nothing is skipped.
#ifndef ITR_SKIPPER_DATADOG_DATADOG_STARTUP_H_
#define ITR_SKIPPER_DATADOG_DATADOG_STARTUP_H_

#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/config/settings.h"
#include "skipper/datadog/api_client.h"
#include "skipper/datadog/datadog_config.h"

namespace itr::skipper::datadog {

// Who is testing: filled by the session.
struct ProcessInfo {
  std::string module;     // the test binary's name (test.bundle)
  std::string repo_root;  // "" when not in a repository
  std::string compiler;   // BuildConfiguration() of the test binary
  std::string framework;  // "gtest"
  std::string framework_version;
  std::string command;  // the test command line
};

struct StartupResult {
  RunContext run;
  std::map<std::string, std::string> environment_tags;  // git.*, ci.*, os.*
  std::optional<LibrarySettings> settings;  // nullopt: the request failed
  std::optional<SkippableList> skippable;   // fetched when skipping is on
  // Why no test may be skipped in this process ("" when skipping is on).
  std::string no_skipping_reason;
  // "settings", "skippable_tests": requests that failed (event tags).
  std::vector<std::string> configuration_errors;
};

// The git upload, started in the background and joined later. Owns its
// own HTTP client; every request and git command stops at `deadline`.
class GitUploadTask {
 public:
  GitUploadTask(ApiClient* api, std::string repo_root,
                std::string repository_url, bool unshallow,
                absl::Time deadline);
  ~GitUploadTask();  // joins
  // Waits for the upload until `until` at the latest. OK when it
  // succeeded cleanly; otherwise why not (it failed, degraded, or is still
  // running), for one warning line.
  absl::Status Wait(absl::Time until);
  // Waits for the end of the upload (bounded by its own deadline).
  absl::Status Join();

 private:
  std::thread thread_;
  std::promise<absl::Status> promise_;
  std::shared_future<absl::Status> outcome_;
};

// What the start-up sequence leaves: its result, the API client for later
// reporting requests, and the background git upload when one was started.
struct Startup {
  StartupResult result;
  std::unique_ptr<ApiClient> api;
  std::unique_ptr<GitUploadTask> upload;
};

// Runs the start-up sequence; what keeps tests from being skipped is warned
// about. Errors only when there is no way to talk to Datadog at all
// (endpoints unresolved); the caller then runs everything.
absl::StatusOr<Startup> RunStartup(const Settings& settings,
                                   const DatadogConfig& config,
                                   const ProcessInfo& process,
                                   transport::HttpClient* http,
                                   Diagnostics& diagnostics);

}  // namespace itr::skipper::datadog

#endif  // ITR_SKIPPER_DATADOG_DATADOG_STARTUP_H_
