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

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "skipper/config/settings.h"
#include "skipper/transport/http_client.h"

namespace itr::skipper::transport {

// The default of ConnectionSettings::startup_budget (ITR_NETWORK_BUDGET_MS).
inline constexpr absl::Duration kDefaultStartupBudget = absl::Seconds(15);

struct ConnectionSettings {
  bool agentless = false;              // DD_CIVISIBILITY_AGENTLESS_ENABLED
  std::string api_key;                 // DD_API_KEY
  std::string site = "datadoghq.com";  // DD_SITE
  std::string agentless_url;  // DD_CIVISIBILITY_AGENTLESS_URL, no trailing /
  // DD_TRACE_AGENT_URL, else DD_AGENT_HOST / DD_TRACE_AGENT_PORT as
  // http://<host|localhost>:<port|8126>, else empty (Resolve() then uses
  // http://localhost:8126).
  std::string agent_url;
  // Total network wait allowed before the first test (settings, skippable):
  // ITR_NETWORK_BUDGET_MS, default kDefaultStartupBudget.
  absl::Duration startup_budget = kDefaultStartupBudget;
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
};

}  // namespace itr::skipper::transport

#endif  // ITR_SKIPPER_TRANSPORT_ENDPOINTS_H_
