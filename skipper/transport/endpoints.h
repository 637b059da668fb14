// Where the Datadog Test Optimization requests go (docs/datadog.md,
// "Transport"): straight to Datadog's intakes with an API key (agentless), or
// through the local Datadog Agent's EVP proxy, which adds the key itself.
//
// Agentless: needs DD_API_KEY; https://api.<site>,
// https://citestcycle-intake.<site>, https://citestcov-intake.<site>, or every
// intake at DD_CIVISIBILITY_AGENTLESS_URL. Every request carries dd-api-key.
//
// Agent: GET <agent>/info and use its "endpoints": /evp_proxy/v4 (request
// bodies may be gzipped) is preferred over /evp_proxy/v2 (never gzipped).
// Requests carry X-Datadog-EVP-Subdomain (api, citestcycle-intake,
// citestcov-intake) and never the API key. No /info or no EVP proxy is an
// error: the caller then runs every test.
#ifndef ITR_SKIPPER_TRANSPORT_ENDPOINTS_H_
#define ITR_SKIPPER_TRANSPORT_ENDPOINTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "skipper/config/settings.h"
#include "skipper/transport/http_client.h"
#include "skipper/transport/network_limits.h"

namespace itr::skipper::transport {

// What each start-up request may take, retries included, sized as the
// clients size them (docs/datadog.md, "Before the first test"): the agent
// probe as dd-trace-py's /info (two attempts), the settings and skippable
// requests as dd-trace-py's DEFAULT_TIMEOUT and DEFAULT_ITR_SKIPPABLE_TIMEOUT,
// the wait for a git upload the settings require as dd-trace-go's minute.
// One budget per request: a slow settings answer no longer eats the time a
// large skippable response needs.
inline constexpr absl::Duration kAgentProbeBudget = absl::Seconds(15);
inline constexpr absl::Duration kSettingsRequestBudget = absl::Seconds(15);
inline constexpr absl::Duration kSkippableRequestBudget = absl::Seconds(20);
inline constexpr absl::Duration kRequireGitWait = absl::Seconds(60);

struct ConnectionSettings {
  bool agentless = false;              // DD_CIVISIBILITY_AGENTLESS_ENABLED
  std::string api_key;                 // DD_API_KEY
  std::string site = "datadoghq.com";  // DD_SITE
  std::string agentless_url;  // DD_CIVISIBILITY_AGENTLESS_URL, no trailing /
  // DD_TRACE_AGENT_URL, else DD_AGENT_HOST / DD_TRACE_AGENT_PORT as
  // http://<host|localhost>:<port|8126>, else empty (Resolve() then uses
  // http://localhost:8126).
  std::string agent_url;
  // ITR_NETWORK_BUDGET_MS: an optional cap on the whole start-up's network
  // time, on top of the per-request budgets above. Unset: no cap (the
  // budgets' sum bounds the start-up).
  std::optional<absl::Duration> network_cap;
  // ITR_EXIT_NETWORK_BUDGET_MS: the network time left to the process when
  // it ends (network_limits.h).
  absl::Duration exit_budget = kExitNetworkBudget;
  // ITR_MAX_RESPONSE_MB: the largest response body read.
  size_t max_response_bytes = kMaxResponseBytes;
};

// The deadlines of the start-up's requests: each its own budget from when
// it starts, never past the end of the network cap.
class StartupDeadlines {
 public:
  explicit StartupDeadlines(std::optional<absl::Duration> network_cap);
  // Now (or `start`) + budget, or the cap's end if sooner.
  absl::Time For(absl::Duration budget) const;
  absl::Time For(absl::Duration budget, absl::Time start) const;
  // `end`, or the cap's end if sooner.
  absl::Time Capped(absl::Time end) const;
  // For the warning about a request started at `start` with `budget` that
  // ran out of time: "no answer within 20s, <whose>", or that the cap ended
  // it.
  std::string OutOfTime(absl::Duration budget, absl::Time start,
                        std::string_view whose) const;

 private:
  std::optional<absl::Time> cap_end_;
};

// Invalid values are warned about (never with the key in the line).
ConnectionSettings LoadConnectionSettings(const GetEnv& getenv,
                                          Diagnostics& diagnostics);

enum class Intake { kApi, kTestCycle, kCoverage };

struct IntakeTarget {
  std::string url;
  // dd-api-key (agentless) or X-Datadog-EVP-Subdomain (agent). Content-Type
  // is the caller's to add.
  std::vector<std::pair<std::string, std::string>> headers;
  bool gzip_allowed = false;
  size_t max_response_bytes = kMaxResponseBytes;  // for HttpRequest
};

class Endpoints {
 public:
  // kFailedPrecondition: agentless without an API key. kUnavailable: the
  // agent did not answer /info. kNotFound: it has no EVP proxy.
  // kInvalidArgument: an agent URL that is not http(s).
  static absl::StatusOr<Endpoints> Resolve(const ConnectionSettings& settings,
                                           HttpClient& client,
                                           absl::Time deadline);

  // `path` like "/api/v2/citestcycle".
  IntakeTarget Target(Intake intake, std::string_view path) const;

  bool agentless() const { return agentless_; }

  // For logs: the mode and base URLs, never the key.
  std::string Describe() const;

 private:
  Endpoints() = default;

  bool agentless_ = false;
  std::string api_key_;
  // Agentless: per-intake base URLs. Agent: <agent>/evp_proxy/vN for all.
  std::string api_base_;
  std::string test_cycle_base_;
  std::string coverage_base_;
  bool gzip_allowed_ = false;
  size_t max_response_bytes_ = kMaxResponseBytes;
};

}  // namespace itr::skipper::transport

#endif  // ITR_SKIPPER_TRANSPORT_ENDPOINTS_H_
