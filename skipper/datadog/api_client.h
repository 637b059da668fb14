// The Datadog Test Optimization API requests a test process makes before
// its tests run (docs/datadog.md; protocol §2, §3, §7.2): library settings,
// the skippable tests, and the git metadata upload (search_commits,
// packfile). Requests and responses are built and parsed by pure functions
// (tested without a network); ApiClient sends them through the transport.
//
// Every parse is strict about what it relies on and lenient about the rest:
// a missing settings flag is false (nothing skipped), a skippable item
// without a module or suite is ignored (so it can never match a test), and
// a response that is not the documented JSON is an error — the caller then
// runs every test.
#ifndef ITR_SKIPPER_DATADOG_API_CLIENT_H_
#define ITR_SKIPPER_DATADOG_API_CLIENT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "skipper/transport/endpoints.h"
#include "skipper/transport/http_client.h"

namespace itr::skipper::datadog {

// What the settings and skippable requests say about this run. The backend
// keys its skippable lists by `configurations`, so they must be the same
// from one run to the next (see skipper/ci/test_environment.h HostTags).
struct RunContext {
  std::string service;
  std::string env;
  std::string repository_url;
  std::string branch;  // git.branch, else git.tag
  std::string sha;
  std::string test_level = "test";  // "test" | "suite"
  // os.platform, os.version, os.architecture, runtime.name, runtime.version.
  std::map<std::string, std::string> configurations;
  std::map<std::string, std::string> custom;  // DD_TAGS test.configuration.*
};

// The response attributes itr-cpp acts on; every other one is ignored.
struct LibrarySettings {
  bool itr_enabled = false;
  bool code_coverage = false;
  bool tests_skipping = false;
  bool require_git = false;
};

struct SkippableItem {
  std::string type;    // "test" or "suite"
  std::string module;  // configurations["test.bundle"]
  std::string suite;
  std::string name;        // empty for suites
  std::string parameters;  // JSON string, may be empty
};

struct SkippableList {
  std::vector<SkippableItem> items;
  std::string correlation_id;  // meta.correlation_id, echoed on events
};

// --- pure request builders and response parsers ---
std::string SettingsRequestBody(const RunContext& run, std::string_view id);
absl::StatusOr<LibrarySettings> ParseSettingsResponse(std::string_view body);
std::string SkippableRequestBody(const RunContext& run);
absl::StatusOr<SkippableList> ParseSkippableResponse(std::string_view body);
std::string SearchCommitsRequestBody(const std::string& repository_url,
                                     const std::vector<std::string>& shas);
// The known commits; items that are not 40/64 hex commits are an error, as
// in the Ruby client (a backend answer we do not understand uploads all).
absl::StatusOr<std::vector<std::string>> ParseSearchCommitsResponse(
    std::string_view body);

class ApiClient {
 public:
  // `client` must outlive the ApiClient.
  ApiClient(transport::Endpoints endpoints, transport::HttpClient* client)
      : endpoints_(std::move(endpoints)), client_(client) {}

  absl::StatusOr<LibrarySettings> FetchSettings(const RunContext& run,
                                                absl::Time deadline);
  absl::StatusOr<SkippableList> FetchSkippable(const RunContext& run,
                                               absl::Time deadline);
  absl::StatusOr<std::vector<std::string>> SearchCommits(
      const std::string& repository_url, const std::vector<std::string>& shas,
      absl::Time deadline);
  absl::Status UploadPackfile(const std::string& repository_url,
                              const std::string& head_sha,
                              const std::string& pack_path,
                              absl::Time deadline);

  const transport::Endpoints& endpoints() const { return endpoints_; }

 private:
  // POSTs JSON to an api path; non-2xx is an error naming the status.
  absl::StatusOr<std::string> PostJson(std::string_view path, std::string body,
                                       absl::Time deadline);

  transport::Endpoints endpoints_;
  transport::HttpClient* client_;
};

}  // namespace itr::skipper::datadog

#endif  // ITR_SKIPPER_DATADOG_API_CLIENT_H_
