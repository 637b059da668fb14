// HttpClient and Endpoints against tests/datadog/conformance_server.py on
// real 127.0.0.1 sockets: retries, rate limits, deadlines, compression,
// multipart, agentless and agent (EVP proxy) modes. The server also checks
// the shape of every request; these tests expect no violations when they
// send well-formed ones.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "skipper/transport/endpoints.h"
#include "skipper/transport/http_client.h"
#include "skipper/transport/multipart.h"
#include "tests/datadog/conformance_server_fixture.h"

namespace itr::skipper::transport {
namespace {

using nlohmann::json;

constexpr char kApiKey[] = "api-key-that-must-not-leak-0123456789";
constexpr char kSettingsPath[] = "/api/v2/libraries/tests/services/setting";
// Generous for a loaded 2-core machine; the point is "bounded", not "fast".
constexpr absl::Duration kSlack = absl::Seconds(3);

RetryPolicy FastPolicy() {
  return RetryPolicy{.max_attempts = 4,
                     .initial_backoff = absl::Milliseconds(10),
                     .max_backoff = absl::Milliseconds(50),
                     .attempt_timeout = absl::Seconds(20)};
}

json SettingsRequest() {
  return {{"data",
           {{"id", "1"},
            {"type", "ci_app_test_service_libraries_settings"},
            {"attributes",
             {{"test_level", "test"},
              {"service", "calc"},
              {"env", "ci"},
              {"repository_url", "https://example.com/calc.git"},
              {"branch", "main"},
              {"sha", std::string(40, 'a')},
              {"configurations",
               {{"os.platform", "linux"},
                {"runtime.name", "clang"},
                {"custom", json::object()}}}}}}}};
}

class TransportTest : public itr::testing::ConformanceServerTest {
 protected:
  // The settings request, agentless, to the server.
  HttpRequest Settings(bool gzip = false) const {
    HttpRequest request;
    request.url = server_->base_url() + kSettingsPath;
    request.headers = {{"dd-api-key", kApiKey},
                       {"Content-Type", "application/json"}};
    request.body = SettingsRequest().dump();
    request.gzip_body = gzip;
    return request;
  }

  json Requests() { return server_->Recorded()["requests"]; }
  json Violations() { return server_->Recorded()["violations"]; }
};

TEST_F(TransportTest, GzipBodyIsDecodedByTheServer) {
  HttpClient client(FastPolicy());
  auto response =
      client.Send(Settings(/*gzip=*/true), absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  json settings = json::parse(response->body);
  EXPECT_EQ(settings["data"]["type"], "ci_app_tracers_test_service_settings");
  EXPECT_EQ(response->headers["content-type"], "application/json");

  json requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["headers"]["content-encoding"], "gzip");
  EXPECT_EQ(requests[0]["body"], SettingsRequest());
  EXPECT_TRUE(requests[0]["api_key_present"]);
  EXPECT_EQ(requests[0]["headers"]["dd-api-key"], "<redacted>");
  EXPECT_EQ(Violations(), json::array());
}

TEST_F(TransportTest, RetriesServerErrorsThenSucceeds) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"status", 500},
                           {"count", 2},
                           {"body", "oops"}}}}});
  HttpClient client(FastPolicy());
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->attempts, 3);
  EXPECT_EQ(Requests().size(), 3u);
}

TEST_F(TransportTest, GivesUpAfterMaxAttemptsWithTheLastResponse) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"status", 503},
                           {"count", -1},
                           {"body", "down"}}}}});
  HttpClient client(FastPolicy());
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "down");
  EXPECT_EQ(response->attempts, 4);
  EXPECT_EQ(Requests().size(), 4u);
}

TEST_F(TransportTest, HonoursRateLimitReset) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"status", 429},
                           {"count", 1},
                           {"headers", {{"X-RateLimit-Reset", "1"}}}}}}});
  HttpClient client(FastPolicy());  // its own backoff is only 10 ms
  const absl::Time start = absl::Now();
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
  const absl::Duration elapsed = absl::Now() - start;
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->attempts, 2);
  EXPECT_GE(elapsed, absl::Milliseconds(950));
  EXPECT_LT(elapsed, absl::Seconds(1) + kSlack);
}

TEST_F(TransportTest, RateLimitPastTheDeadlineReturnsThe429) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"status", 429},
                           {"count", -1},
                           {"headers", {{"X-RateLimit-Reset", "60"}}}}}}});
  HttpClient client(FastPolicy());
  const absl::Time start = absl::Now();
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(2));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 429);
  EXPECT_EQ(response->headers["x-ratelimit-reset"], "60");
  EXPECT_EQ(response->attempts, 1);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));  // did not sleep 60 s
}

TEST_F(TransportTest, ClientErrorsAreNotRetried) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"status", 403},
                           {"count", -1},
                           {"body", "{\"errors\":[\"Forbidden\"]}"}}}}});
  HttpClient client(FastPolicy());
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->attempts, 1);
  EXPECT_EQ(Requests().size(), 1u);
}

// dd-trace-go's policy: 406 and up is retried (a proxy's 407, 408, 409,
// 413, 422...), 400-405 are the request's own fault and answered at once.
TEST_F(TransportTest, RetriesFrom406UpButNot400To405) {
  HttpClient client(FastPolicy());
  for (int status : {406, 407, 408, 409, 413, 422, 500, 503}) {
    server_->Reset();
    server_->SetScenario(
        {{"failures", {{{"path_prefix", kSettingsPath}, {"status", status}}}}});
    auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200) << status;
    EXPECT_EQ(response->attempts, 2) << status;
  }
  for (int status : {400, 401, 403, 404, 405}) {
    server_->Reset();
    server_->SetScenario(
        {{"failures", {{{"path_prefix", kSettingsPath}, {"status", status}}}}});
    auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(response->attempts, 1) << status;
    EXPECT_EQ(Requests().size(), 1u) << status;
  }
}

TEST_F(TransportTest, DeadlineIsRespectedAgainstASlowServer) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"delay_ms", 15000},
                           {"count", -1}}}}});
  HttpClient client(FastPolicy());
  const absl::Time start = absl::Now();
  auto response = client.Send(Settings(), start + absl::Seconds(1));
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
  EXPECT_GE(elapsed, absl::Milliseconds(900));
  EXPECT_LT(elapsed, absl::Seconds(1) + kSlack);
}

TEST_F(TransportTest, AttemptTimeoutIsRetriedWithinTheDeadline) {
  server_->SetScenario(
      {{"failures",
        {{{"path_prefix", kSettingsPath}, {"delay_ms", 3000}, {"count", 1}}}}});
  RetryPolicy policy = FastPolicy();
  policy.attempt_timeout = absl::Milliseconds(500);
  HttpClient client(policy);
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->attempts, 2);
}

TEST_F(TransportTest, ConnectionRefusedFailsQuickly) {
  HttpRequest request = Settings();
  request.url = absl::StrCat("http://127.0.0.1:", itr::testing::ClosedPort(),
                             kSettingsPath);
  HttpClient client(FastPolicy());
  const absl::Time start = absl::Now();
  auto response = client.Send(request, start + absl::Seconds(20));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
  EXPECT_LT(absl::Now() - start, kSlack);
  EXPECT_FALSE(absl::StrContains(response.status().message(), kApiKey));
  EXPECT_FALSE(absl::StrContains(response.status().message(), "calc.git"));
}

TEST_F(TransportTest, GarbageBodyIsReturnedAsIs) {
  const std::string garbage = "{\"data\": [ {\"id\": \x01 truncated";
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"status", 200},
                           {"count", 1},
                           {"body", garbage}}}}});
  HttpClient client(FastPolicy());
  auto response = client.Send(Settings(), absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, garbage);
}

TEST_F(TransportTest, ApiKeyNeverInStatusMessagesOrDescribe) {
  ConnectionSettings settings;
  settings.agentless = true;
  settings.api_key = kApiKey;
  settings.agentless_url =
      absl::StrCat("http://127.0.0.1:", itr::testing::ClosedPort());
  HttpClient client(FastPolicy());
  auto endpoints =
      Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  EXPECT_FALSE(absl::StrContains(endpoints->Describe(), kApiKey));

  IntakeTarget target = endpoints->Target(Intake::kApi, kSettingsPath);
  HttpRequest request = Settings();
  request.url = target.url;
  request.headers = target.headers;
  auto refused = client.Send(request, absl::Now() + absl::Seconds(5));
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(absl::StrContains(refused.status().ToString(), kApiKey));

  // The deadline path too, against the slow server.
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kSettingsPath},
                           {"delay_ms", 5000},
                           {"count", -1}}}}});
  request.url = server_->base_url() + kSettingsPath;
  auto late = client.Send(request, absl::Now() + absl::Milliseconds(300));
  ASSERT_FALSE(late.ok());
  EXPECT_FALSE(absl::StrContains(late.status().ToString(), kApiKey));
}

TEST_F(TransportTest, MultipartCoverageIsParsedByTheServer) {
  json coverage = {{"version", 2},
                   {"coverages",
                    {{{"test_session_id", 11},
                      {"test_suite_id", 12},
                      {"span_id", 13},
                      {"files",
                       {{{"filename", "src/a.cc"}, {"bitmap", "oEA="}},
                        {{"filename", "src/b.h"}}}}},
                     {{"test_session_id", 11},  // suite-level: no span_id
                      {"test_suite_id", 12},
                      {"files", {{{"filename", "src/c.cc"}}}}}}}};
  MultipartBody body = BuildMultipart(
      {{"coverage1", "coverage1.json", "application/json", coverage.dump()},
       {"event", "event.json", "application/json", "{\"dummy\":true}"}});
  HttpRequest request;
  request.url = server_->base_url() + "/api/v2/citestcov";
  request.headers = {{"dd-api-key", kApiKey},
                     {"Content-Type", body.content_type}};
  request.body = body.body;
  request.gzip_body = true;
  HttpClient client(FastPolicy());
  auto response = client.Send(request, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 202);

  json requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  json parts = requests[0]["body"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["name"], "coverage1");
  EXPECT_EQ(parts[0]["filename"], "coverage1.json");
  EXPECT_EQ(parts[0]["data"], coverage);
  EXPECT_EQ(parts[1]["name"], "event");
  EXPECT_EQ(parts[1]["data"], json({{"dummy", true}}));
  EXPECT_EQ(Violations(), json::array());
}

TEST_F(TransportTest, MultipartPackfileKeepsBinaryIntact) {
  std::string pack = "PACK";
  pack += std::string("\0\0\0\x02\0\0\0\x01", 8);
  for (int i = 0; i < 4096; ++i) pack += static_cast<char>(i * 7);
  pack += "\r\n--\n\r\r\n";
  json pushed = {
      {"data", {{"id", std::string(40, 'b')}, {"type", "commit"}}},
      {"meta", {{"repository_url", "https://example.com/calc.git"}}}};
  MultipartBody body = BuildMultipart(
      {{"pushedSha", "", "application/json", pushed.dump()},
       {"packfile", "abc-0123.pack", "application/octet-stream", pack}});
  HttpRequest request;
  request.url = server_->base_url() + "/api/v2/git/repository/packfile";
  request.headers = {{"dd-api-key", kApiKey},
                     {"Content-Type", body.content_type}};
  request.body = body.body;
  HttpClient client(FastPolicy());
  auto response = client.Send(request, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 204);

  json parts = Requests()[0]["body"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["data"], pushed);
  EXPECT_EQ(parts[1]["size"], pack.size());
  EXPECT_TRUE(parts[1]["starts_with_pack"]);
  EXPECT_EQ(Violations(), json::array());
}

TEST_F(TransportTest, ServerReportsMalformedRequests) {
  HttpRequest request;
  request.url = server_->base_url() + "/api/v2/citestcycle";
  request.headers = {{"Content-Type", "application/json"}};  // no API key
  request.body = json({{"version", 2}, {"events", json::array()}}).dump();
  HttpClient client(FastPolicy());
  ASSERT_TRUE(client.Send(request, absl::Now() + absl::Seconds(20)).ok());
  std::string violations = Violations().dump();
  EXPECT_TRUE(absl::StrContains(violations, "without dd-api-key"));
  EXPECT_TRUE(absl::StrContains(violations, "envelope version must be 1"));
  EXPECT_TRUE(absl::StrContains(violations, "events must be a non-empty"));
}

// --- Endpoints ---------------------------------------------------------------

TEST_F(TransportTest, AgentlessWithCustomUrl) {
  const std::string url = server_->base_url() + "/";  // trailing / dropped
  ConnectionSettings settings = LoadConnectionSettings(
      [&url](const char* name) -> const char* {
        if (std::string(name) == "DD_CIVISIBILITY_AGENTLESS_ENABLED")
          return "1";
        if (std::string(name) == "DD_API_KEY") return kApiKey;
        if (std::string(name) == "DD_CIVISIBILITY_AGENTLESS_URL")
          return url.c_str();
        return nullptr;
      },
      ProcessDiagnostics());
  HttpClient client(FastPolicy());
  auto endpoints =
      Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  EXPECT_TRUE(endpoints->agentless());
  for (Intake intake : {Intake::kApi, Intake::kTestCycle, Intake::kCoverage}) {
    EXPECT_EQ(endpoints->Target(intake, "/x").url, server_->base_url() + "/x");
  }
  IntakeTarget target = endpoints->Target(Intake::kApi, kSettingsPath);
  EXPECT_TRUE(target.gzip_allowed);
  HttpRequest request = Settings();
  request.url = target.url;
  request.headers = target.headers;
  request.headers.emplace_back("Content-Type", "application/json");
  request.gzip_body = target.gzip_allowed;
  auto response = client.Send(request, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  json requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["mode"], "agentless");
  EXPECT_TRUE(requests[0]["api_key_present"]);
  EXPECT_EQ(Violations(), json::array());
}

// Resolves in agent mode against the server acting as the Datadog Agent.
absl::StatusOr<Endpoints> ResolveAgent(const std::string& agent_url,
                                       HttpClient& client) {
  ConnectionSettings settings;
  settings.agent_url = agent_url;
  settings.api_key = kApiKey;  // set, but must never reach the agent
  return Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(20));
}

TEST_F(TransportTest, AgentPrefersEvpV4WithGzip) {
  HttpClient client(FastPolicy());
  auto endpoints = ResolveAgent(server_->base_url(), client);
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  EXPECT_FALSE(endpoints->agentless());
  EXPECT_TRUE(absl::StrContains(endpoints->Describe(), "/evp_proxy/v4"));
  EXPECT_FALSE(absl::StrContains(endpoints->Describe(), kApiKey));

  IntakeTarget target = endpoints->Target(Intake::kApi, kSettingsPath);
  EXPECT_EQ(target.url, server_->base_url() + "/evp_proxy/v4" + kSettingsPath);
  EXPECT_TRUE(target.gzip_allowed);
  EXPECT_EQ(target.headers, (std::vector<std::pair<std::string, std::string>>{
                                {"X-Datadog-EVP-Subdomain", "api"}}));
  EXPECT_EQ(endpoints->Target(Intake::kTestCycle, "/api/v2/citestcycle")
                .headers[0]
                .second,
            "citestcycle-intake");
  EXPECT_EQ(endpoints->Target(Intake::kCoverage, "/api/v2/citestcov")
                .headers[0]
                .second,
            "citestcov-intake");

  HttpRequest request = Settings();
  request.url = target.url;
  request.headers = target.headers;
  request.headers.emplace_back("Content-Type", "application/json");
  request.gzip_body = target.gzip_allowed;
  auto response = client.Send(request, absl::Now() + absl::Seconds(20));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  json requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["mode"], "evp_v4");
  EXPECT_FALSE(requests[0]["api_key_present"]);
  EXPECT_EQ(requests[0]["body"], SettingsRequest());
  EXPECT_EQ(Violations(), json::array());
}

TEST_F(TransportTest, AgentWithOnlyEvpV2MeansNoGzip) {
  server_->SetScenario({{"info_endpoints", {"/v0.4/traces", "/evp_proxy/v2"}}});
  HttpClient client(FastPolicy());
  auto endpoints = ResolveAgent(server_->base_url() + "/", client);
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  IntakeTarget target =
      endpoints->Target(Intake::kTestCycle, "/api/v2/citestcycle");
  EXPECT_EQ(target.url,
            server_->base_url() + "/evp_proxy/v2/api/v2/citestcycle");
  EXPECT_FALSE(target.gzip_allowed);
}

TEST_F(TransportTest, AgentWithoutEvpProxyIsAnError) {
  server_->SetScenario({{"info_endpoints", {"/v0.4/traces"}}});
  HttpClient client(FastPolicy());
  EXPECT_EQ(ResolveAgent(server_->base_url(), client).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TransportTest, AgentWithoutInfoIsAnError) {
  server_->SetScenario({{"info_endpoints", nullptr}});
  HttpClient client(FastPolicy());
  EXPECT_EQ(ResolveAgent(server_->base_url(), client).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TransportTest, NoAgentListeningIsAnErrorQuickly) {
  HttpClient client(FastPolicy());
  const absl::Time start = absl::Now();
  auto endpoints = ResolveAgent(
      absl::StrCat("http://127.0.0.1:", itr::testing::ClosedPort()), client);
  EXPECT_EQ(endpoints.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, kSlack);
}

}  // namespace
}  // namespace itr::skipper::transport
