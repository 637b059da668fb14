#include "skipper/transport/endpoints.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "skipper/base/json_limits.h"

namespace itr::skipper::transport {

namespace {

constexpr char kDefaultAgentUrl[] = "http://localhost:8126";

std::string Get(const GetEnv& getenv, const char* name) {
  const char* value = getenv(name);
  return value != nullptr ? std::string(absl::StripAsciiWhitespace(value))
                          : std::string();
}

std::string WithoutTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

const char* Subdomain(Intake intake) {
  switch (intake) {
    case Intake::kApi:
      return "api";
    case Intake::kTestCycle:
      return "citestcycle-intake";
    case Intake::kCoverage:
      return "citestcov-intake";
  }
  return "api";
}

}  // namespace

ConnectionSettings LoadConnectionSettings(const GetEnv& getenv,
                                          Diagnostics& diagnostics) {
  ConnectionSettings s;
  s.agentless = ParseBool("DD_CIVISIBILITY_AGENTLESS_ENABLED",
                          getenv("DD_CIVISIBILITY_AGENTLESS_ENABLED"), false,
                          diagnostics);
  s.api_key = Get(getenv, "DD_API_KEY");
  if (std::string site = Get(getenv, "DD_SITE"); !site.empty()) s.site = site;
  s.agentless_url =
      WithoutTrailingSlashes(Get(getenv, "DD_CIVISIBILITY_AGENTLESS_URL"));

  s.agent_url = WithoutTrailingSlashes(Get(getenv, "DD_TRACE_AGENT_URL"));
  if (s.agent_url.empty()) {
    std::string host = Get(getenv, "DD_AGENT_HOST");
    std::string port = Get(getenv, "DD_TRACE_AGENT_PORT");
    if (!host.empty() || !port.empty()) {
      s.agent_url = absl::StrCat("http://", host.empty() ? "localhost" : host,
                                 ":", port.empty() ? "8126" : port);
    }
  }

  if (std::string budget = Get(getenv, "ITR_NETWORK_BUDGET_MS");
      !budget.empty()) {
    int64_t ms = 0;
    if (absl::SimpleAtoi(budget, &ms) && ms >= 0) {
      s.network_cap = absl::Milliseconds(ms);
    } else {
      diagnostics.Warning(absl::StrCat(
          "ITR_NETWORK_BUDGET_MS='", budget,
          "' is not a number of milliseconds; each request keeps its own "
          "budget"));
    }
  }
  if (std::string budget = Get(getenv, "ITR_EXIT_NETWORK_BUDGET_MS");
      !budget.empty()) {
    int64_t ms = 0;
    if (absl::SimpleAtoi(budget, &ms) && ms >= 0) {
      s.exit_budget = absl::Milliseconds(ms);
    } else {
      diagnostics.Warning(
          absl::StrCat("ITR_EXIT_NETWORK_BUDGET_MS='", budget,
                       "' is not a number of milliseconds; using ",
                       absl::FormatDuration(kExitNetworkBudget)));
    }
  }
  if (std::string limit = Get(getenv, "ITR_MAX_RESPONSE_MB"); !limit.empty()) {
    int64_t mb = 0;
    if (absl::SimpleAtoi(limit, &mb) && mb > 0 && mb <= 4096) {
      s.max_response_bytes = static_cast<size_t>(mb) << 20;
    } else {
      diagnostics.Warning(absl::StrCat("ITR_MAX_RESPONSE_MB='", limit,
                                       "' is not a number from 1 to 4096; "
                                       "using ",
                                       kMaxResponseBytes >> 20));
    }
  }
  if (s.agentless && s.api_key.empty()) {
    diagnostics.Warning(
        "DD_CIVISIBILITY_AGENTLESS_ENABLED is set but DD_API_KEY is empty");
  }
  return s;
}

StartupDeadlines::StartupDeadlines(std::optional<absl::Duration> network_cap) {
  if (network_cap) cap_end_ = absl::Now() + *network_cap;
}

absl::Time StartupDeadlines::For(absl::Duration budget) const {
  return For(budget, absl::Now());
}

absl::Time StartupDeadlines::For(absl::Duration budget,
                                 absl::Time start) const {
  return Capped(start + budget);
}

absl::Time StartupDeadlines::Capped(absl::Time end) const {
  return cap_end_ && *cap_end_ < end ? *cap_end_ : end;
}

std::string StartupDeadlines::OutOfTime(absl::Duration budget, absl::Time start,
                                        std::string_view whose) const {
  if (cap_end_ && *cap_end_ < start + budget) {
    return "no answer before ITR_NETWORK_BUDGET_MS ran out";
  }
  return absl::StrCat("no answer within ", absl::FormatDuration(budget), ", ",
                      std::string(whose));
}

absl::StatusOr<Endpoints> Endpoints::Resolve(const ConnectionSettings& settings,
                                             HttpClient& client,
                                             absl::Time deadline) {
  Endpoints endpoints;
  endpoints.max_response_bytes_ = settings.max_response_bytes;
  if (settings.agentless) {
    if (settings.api_key.empty()) {
      return absl::FailedPreconditionError(
          "agentless mode (DD_CIVISIBILITY_AGENTLESS_ENABLED) needs "
          "DD_API_KEY");
    }
    endpoints.agentless_ = true;
    endpoints.api_key_ = settings.api_key;
    endpoints.gzip_allowed_ = true;
    if (!settings.agentless_url.empty()) {
      const std::string base = WithoutTrailingSlashes(settings.agentless_url);
      endpoints.api_base_ = base;
      endpoints.test_cycle_base_ = base;
      endpoints.coverage_base_ = base;
    } else {
      endpoints.api_base_ = absl::StrCat("https://api.", settings.site);
      endpoints.test_cycle_base_ =
          absl::StrCat("https://citestcycle-intake.", settings.site);
      endpoints.coverage_base_ =
          absl::StrCat("https://citestcov-intake.", settings.site);
    }
    return endpoints;
  }

  const std::string agent = WithoutTrailingSlashes(
      settings.agent_url.empty() ? kDefaultAgentUrl : settings.agent_url);
  if (!absl::StartsWith(agent, "http://") &&
      !absl::StartsWith(agent, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("agent URL '", agent,
                     "' is not http(s); unix sockets are not "
                     "supported"));
  }
  HttpRequest info;
  info.method = "GET";
  info.url = agent + "/info";
  info.max_attempts = 2;  // a missing agent should not eat the budget
  absl::StatusOr<HttpResponse> response = client.Send(info, deadline);
  if (!response.ok()) {
    return absl::UnavailableError(absl::StrCat("Datadog Agent not reachable: ",
                                               response.status().message()));
  }
  if (response->status != 200) {
    return absl::UnavailableError(absl::StrCat(
        "Datadog Agent: GET ", info.url, " answered HTTP ", response->status));
  }
  nlohmann::json body = JsonNestingWithin(response->body)
                            ? nlohmann::json::parse(response->body, nullptr,
                                                    /*allow_exceptions=*/false)
                            : nlohmann::json();
  bool v2 = false;
  bool v4 = false;
  if (body.is_object() && body.contains("endpoints") &&
      body["endpoints"].is_array()) {
    for (const nlohmann::json& entry : body["endpoints"]) {
      if (!entry.is_string()) continue;
      // Agents and mocks spell them "/evp_proxy/v4/" or "/evp_proxy/v4".
      std::string path = WithoutTrailingSlashes(entry.get<std::string>());
      v2 = v2 || path == "/evp_proxy/v2";
      v4 = v4 || path == "/evp_proxy/v4";
    }
  } else {
    return absl::UnavailableError(absl::StrCat(
        "Datadog Agent: ", info.url, " is not a JSON object with endpoints"));
  }
  if (!v2 && !v4) {
    return absl::NotFoundError(absl::StrCat(
        "Datadog Agent at ", agent,
        " has no EVP proxy (/evp_proxy/v2 or v4); upgrade the agent or use "
        "agentless mode"));
  }
  const std::string base = agent + (v4 ? "/evp_proxy/v4" : "/evp_proxy/v2");
  endpoints.api_base_ = base;
  endpoints.test_cycle_base_ = base;
  endpoints.coverage_base_ = base;
  endpoints.gzip_allowed_ = v4;  // v2 forwards bodies without decoding them
  return endpoints;
}

IntakeTarget Endpoints::Target(Intake intake, std::string_view path) const {
  IntakeTarget target;
  const std::string& base = intake == Intake::kApi         ? api_base_
                            : intake == Intake::kTestCycle ? test_cycle_base_
                                                           : coverage_base_;
  target.url = base + std::string(path);
  if (agentless_) {
    target.headers.emplace_back("dd-api-key", api_key_);
  } else {
    target.headers.emplace_back("X-Datadog-EVP-Subdomain", Subdomain(intake));
  }
  target.gzip_allowed = gzip_allowed_;
  target.max_response_bytes = max_response_bytes_;
  return target;
}

std::string Endpoints::Describe() const {
  if (agentless_) {
    if (api_base_ == test_cycle_base_) {
      return absl::StrCat("agentless, every intake at ", api_base_);
    }
    return absl::StrCat("agentless: ", api_base_, ", ", test_cycle_base_, ", ",
                        coverage_base_);
  }
  return absl::StrCat("agent EVP proxy ", api_base_,
                      gzip_allowed_ ? " (gzip)" : " (no gzip)");
}

}  // namespace itr::skipper::transport
