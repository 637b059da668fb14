// Gzip, multipart and header parsing without a network.
#include <random>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "skipper/transport/compression.h"
#include "skipper/transport/endpoints.h"
#include "skipper/transport/http_client.h"
#include "skipper/transport/multipart.h"

namespace itr::skipper::transport {
namespace {

TEST(Compression, GzipRoundTrip) {
  std::mt19937 random(7);
  std::string binary(1 << 20, '\0');
  for (char& c : binary) c = static_cast<char>(random());
  for (const std::string& data : {std::string(), std::string("hello"),
                                  std::string(100000, 'a'), binary}) {
    absl::StatusOr<std::string> gzipped = Gzip(data);
    ASSERT_TRUE(gzipped.ok()) << gzipped.status();
    ASSERT_GE(gzipped->size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>((*gzipped)[0]), 0x1f);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>((*gzipped)[1]), 0x8b);
    absl::StatusOr<std::string> back = Gunzip(*gzipped);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, data);
  }
}

TEST(Compression, GunzipRejectsGarbageAndTruncation) {
  EXPECT_FALSE(Gunzip("definitely not gzip").ok());
  std::string gzipped = *Gzip(std::string(5000, 'x'));
  absl::StatusOr<std::string> truncated =
      Gunzip(std::string_view(gzipped).substr(0, gzipped.size() / 2));
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss);
}

TEST(Multipart, Format) {
  MultipartBody body = BuildMultipart(
      {{"coverage1", "coverage1.msgpack", "application/msgpack", "\x81\xa1x"},
       {"event", "", "application/json", "{\"dummy\":true}"},
       {"plain", "", "", "text"}});
  ASSERT_TRUE(
      absl::StartsWith(body.content_type, "multipart/form-data; boundary="));
  const std::string boundary = body.content_type.substr(
      std::string("multipart/form-data; boundary=").size());
  ASSERT_FALSE(boundary.empty());
  EXPECT_EQ(body.body,
            "--" + boundary +
                "\r\n"
                "Content-Disposition: form-data; name=\"coverage1\"; "
                "filename=\"coverage1.msgpack\"\r\n"
                "Content-Type: application/msgpack\r\n\r\n"
                "\x81\xa1x\r\n"
                "--" +
                boundary +
                "\r\n"
                "Content-Disposition: form-data; name=\"event\"\r\n"
                "Content-Type: application/json\r\n\r\n"
                "{\"dummy\":true}\r\n"
                "--" +
                boundary +
                "\r\n"
                "Content-Disposition: form-data; name=\"plain\"\r\n\r\n"
                "text\r\n"
                "--" +
                boundary + "--\r\n");
}

TEST(Multipart, BoundaryIsFreshEachTime) {
  EXPECT_NE(BuildMultipart({}).content_type, BuildMultipart({}).content_type);
}

TEST(RateLimit, TimestampOrSeconds) {
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  EXPECT_EQ(RateLimitWait("1700000005", now), absl::Seconds(5));
  EXPECT_EQ(RateLimitWait("3", now), absl::Seconds(3));
  EXPECT_EQ(RateLimitWait("0", now), absl::ZeroDuration());
  EXPECT_EQ(RateLimitWait("soon", now), std::nullopt);
  EXPECT_EQ(RateLimitWait("-1", now), std::nullopt);
}

GetEnv FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

// Loads with a Diagnostics that counts warnings into *warnings.
ConnectionSettings Load(const GetEnv& env, size_t* warnings = nullptr) {
  Diagnostics diagnostics([](const std::string&) {});
  ConnectionSettings s = LoadConnectionSettings(env, diagnostics);
  if (warnings != nullptr) *warnings = diagnostics.warning_count();
  return s;
}

TEST(RetryableStatus, AsDdTraceGo) {
  for (long status : {429L, 406L, 407L, 408L, 409L, 413L, 422L, 499L, 500L,
                      502L, 503L, 504L}) {
    EXPECT_TRUE(IsRetryableStatus(status)) << status;
  }
  for (long status :
       {100L, 200L, 202L, 204L, 301L, 304L, 400L, 401L, 403L, 404L, 405L}) {
    EXPECT_FALSE(IsRetryableStatus(status)) << status;
  }
  EXPECT_EQ(RetryPolicy().max_attempts, 4);
  EXPECT_EQ(RetryPolicy().attempt_timeout, absl::Seconds(45));
}

TEST(ConnectionSettings, Defaults) {
  size_t warnings = 0;
  ConnectionSettings s = Load(FakeEnv({}), &warnings);
  EXPECT_FALSE(s.agentless);
  EXPECT_EQ(s.site, "datadoghq.com");
  EXPECT_EQ(s.agent_url, "");
  EXPECT_EQ(s.network_cap, std::nullopt) << "each request's own budget";
  EXPECT_EQ(warnings, 0u);
}

TEST(ConnectionSettings, FromEnvironment) {
  ConnectionSettings s = Load(FakeEnv({
      {"DD_CIVISIBILITY_AGENTLESS_ENABLED", "true"},
      {"DD_API_KEY", "k"},
      {"DD_SITE", "datadoghq.eu"},
      {"DD_CIVISIBILITY_AGENTLESS_URL", "http://127.0.0.1:1234/"},
      {"DD_AGENT_HOST", "agent"},
      {"ITR_NETWORK_BUDGET_MS", "2500"},
  }));
  EXPECT_TRUE(s.agentless);
  EXPECT_EQ(s.api_key, "k");
  EXPECT_EQ(s.site, "datadoghq.eu");
  EXPECT_EQ(s.agentless_url, "http://127.0.0.1:1234");
  EXPECT_EQ(s.agent_url, "http://agent:8126");
  EXPECT_EQ(s.network_cap, absl::Milliseconds(2500));
}

TEST(ConnectionSettings, AgentUrlWinsOverHostAndPort) {
  EXPECT_EQ(Load(FakeEnv({{"DD_TRACE_AGENT_URL", "http://a:1/"},
                          {"DD_AGENT_HOST", "b"}}))
                .agent_url,
            "http://a:1");
  EXPECT_EQ(Load(FakeEnv({{"DD_TRACE_AGENT_PORT", "9"}})).agent_url,
            "http://localhost:9");
}

TEST(ConnectionSettings, InvalidValuesWarnAndKeepDefaults) {
  size_t warnings = 0;
  ConnectionSettings s =
      Load(FakeEnv({{"DD_CIVISIBILITY_AGENTLESS_ENABLED", "maybe"},
                    {"ITR_NETWORK_BUDGET_MS", "fast"}}),
           &warnings);
  EXPECT_FALSE(s.agentless);
  EXPECT_EQ(s.network_cap, std::nullopt);
  EXPECT_EQ(warnings, 2u);
}

// The clients' per-request budgets: a slow settings answer leaves the
// skippable request its own 20 s (one shared 15 s budget did not).
TEST(StartupDeadlines, OneBudgetPerRequestAsTheClientsSizeThem) {
  EXPECT_EQ(kAgentProbeBudget, absl::Seconds(15));
  EXPECT_EQ(kSettingsRequestBudget, absl::Seconds(15));
  EXPECT_EQ(kSkippableRequestBudget, absl::Seconds(20));
  EXPECT_EQ(kRequireGitWait, absl::Seconds(60));
  const absl::Time start = absl::Now() + absl::Seconds(12);  // settings took 12
  StartupDeadlines uncapped(std::nullopt);
  EXPECT_EQ(uncapped.For(kSkippableRequestBudget, start),
            start + absl::Seconds(20));
  EXPECT_EQ(uncapped.OutOfTime(kSkippableRequestBudget, start, "its budget"),
            "no answer within 20s, its budget");
}

TEST(StartupDeadlines, NetworkCapEndsEveryRequest) {
  const absl::Time before = absl::Now();
  StartupDeadlines capped(absl::Seconds(2));
  const absl::Time end = capped.For(kSkippableRequestBudget);
  EXPECT_GE(end, before + absl::Seconds(2));
  EXPECT_LE(end, absl::Now() + absl::Seconds(2));
  EXPECT_EQ(capped.Capped(before), before);
  EXPECT_EQ(capped.OutOfTime(kSkippableRequestBudget, before, "its budget"),
            "no answer before ITR_NETWORK_BUDGET_MS ran out");
}

TEST(Endpoints, AgentlessDefaultSiteUrls) {
  HttpClient client;
  ConnectionSettings settings;
  settings.agentless = true;
  settings.api_key = "secret-key-0123";
  settings.site = "datadoghq.eu";
  absl::StatusOr<Endpoints> endpoints =
      Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(1));
  ASSERT_TRUE(endpoints.ok()) << endpoints.status();
  EXPECT_TRUE(endpoints->agentless());
  EXPECT_EQ(endpoints->Target(Intake::kApi, "/api/v2/ci/tests/skippable").url,
            "https://api.datadoghq.eu/api/v2/ci/tests/skippable");
  EXPECT_EQ(endpoints->Target(Intake::kTestCycle, "/api/v2/citestcycle").url,
            "https://citestcycle-intake.datadoghq.eu/api/v2/citestcycle");
  IntakeTarget coverage =
      endpoints->Target(Intake::kCoverage, "/api/v2/citestcov");
  EXPECT_EQ(coverage.url,
            "https://citestcov-intake.datadoghq.eu/api/v2/citestcov");
  EXPECT_TRUE(coverage.gzip_allowed);
  ASSERT_EQ(coverage.headers.size(), 1u);
  EXPECT_EQ(coverage.headers[0].first, "dd-api-key");
  EXPECT_EQ(coverage.headers[0].second, "secret-key-0123");
  EXPECT_FALSE(absl::StrContains(endpoints->Describe(), "secret-key-0123"));
}

TEST(Endpoints, AgentlessWithoutApiKeyIsAnError) {
  HttpClient client;
  ConnectionSettings settings;
  settings.agentless = true;
  absl::StatusOr<Endpoints> endpoints =
      Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(1));
  EXPECT_EQ(endpoints.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Endpoints, UnixSocketAgentIsNotSupported) {
  HttpClient client;
  ConnectionSettings settings;
  settings.agent_url = "unix:///var/run/datadog/apm.socket";
  EXPECT_EQ(Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace itr::skipper::transport
