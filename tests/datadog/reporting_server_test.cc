// The manual testing API and IntakeSink against
// tests/datadog/conformance_server.py on 127.0.0.1: a whole session's
// events and coverage, decoded and shape-checked by the server; batching;
// the agent's EVP proxy v2 and v4; a dead or failing intake; ActiveTest();
// objects finished out of order, never, or at exit().
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "itr/test_optimization.h"
#include "skipper/datadog/reporting/coverage_encoding.h"
#include "skipper/datadog/reporting/intake_sink.h"
#include "skipper/transport/endpoints.h"
#include "skipper/transport/http_client.h"
#include "tests/datadog/conformance_server_fixture.h"

namespace itr::datadog {
namespace {

using nlohmann::json;
using reporting::IntakeSink;
using reporting::IntakeSinkOptions;
using skipper::transport::ConnectionSettings;
using skipper::transport::Endpoints;
using skipper::transport::HttpClient;
using skipper::transport::RetryPolicy;

constexpr char kApiKey[] = "reporting-api-key-never-printed-42";
constexpr char kCycle[] = "/api/v2/citestcycle";
constexpr char kCov[] = "/api/v2/citestcov";

RetryPolicy FastPolicy() {
  return RetryPolicy{.max_attempts = 3,
                     .initial_backoff = absl::Milliseconds(10),
                     .max_backoff = absl::Milliseconds(50),
                     .attempt_timeout = absl::Seconds(20)};
}

SessionOptions Options(std::shared_ptr<EventSink> sink) {
  SessionOptions options;
  options.service = "calc";
  options.env = "ci";
  options.command = "calc_tests --all";
  options.framework = "myframework";
  options.framework_version = "0.0.1";
  options.environment_tags = {{"git.commit.sha", std::string(40, 'a')},
                              {"git.repository_url", "https://x/calc.git"},
                              {"ci.provider.name", "github"},
                              {"os.platform", "linux"}};
  options.sink = std::move(sink);
  return options;
}

class ReportingTest : public itr::testing::ConformanceServerTest {
 protected:
  // Agentless to the server (or to `url`).
  static std::shared_ptr<IntakeSink> Agentless(IntakeSinkOptions options = {},
                                               std::string url = "") {
    ConnectionSettings settings;
    settings.agentless = true;
    settings.api_key = kApiKey;
    settings.agentless_url = url.empty() ? server_->base_url() : url;
    HttpClient client(FastPolicy());
    auto endpoints =
        Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(20));
    EXPECT_TRUE(endpoints.ok()) << endpoints.status();
    return std::make_shared<IntakeSink>(*std::move(endpoints), client, options);
  }

  // Through the server acting as the agent.
  static std::shared_ptr<IntakeSink> Agent() {
    ConnectionSettings settings;
    settings.agent_url = server_->base_url();
    HttpClient client(FastPolicy());
    auto endpoints =
        Endpoints::Resolve(settings, client, absl::Now() + absl::Seconds(20));
    EXPECT_TRUE(endpoints.ok()) << endpoints.status();
    return std::make_shared<IntakeSink>(*std::move(endpoints), client);
  }

  static json Requests(const std::string& route) {
    json result = json::array();
    const json recorded = server_->Recorded();  // outlives the loop
    for (const json& request : recorded["requests"]) {
      if (request["route"] == route) result.push_back(request);
    }
    return result;
  }
  static json Violations() { return server_->Recorded()["violations"]; }

  // Every event sent, as merged by the server (metadata into meta).
  static std::vector<json> MergedEvents() {
    std::vector<json> events;
    for (const json& request : Requests(kCycle)) {
      for (const json& event : request["events_merged"]) {
        events.push_back(event);
      }
    }
    return events;
  }

  static std::vector<json> OfType(const std::vector<json>& events,
                                  const std::string& type) {
    std::vector<json> result;
    for (const json& event : events) {
      if (event["type"] == type) result.push_back(event);
    }
    return result;
  }

  static json ByName(const std::vector<json>& events,
                     const std::string& test_name) {
    for (const json& event : events) {
      if (event["content"]["meta"].value("test.name", "") == test_name) {
        return event;
      }
    }
    ADD_FAILURE() << "no test " << test_name;
    return json::object();
  }
};

TEST_F(ReportingTest, SessionWithTwoModulesIsConformant) {
  auto sink = Agentless();
  auto session = TestSession::Start(Options(sink));
  session->SetTag("test.itr.tests_skipping.enabled", "true");
  session->SetMetric("test.itr.tests_skipping.count", 1);

  TestModule* math = session->StartModule("math");
  TestSuite* arithmetic = math->StartSuite("Arithmetic");
  datadog::Test* adds = arithmetic->StartTest("Adds");
  adds->SetSourceFile("tests/arith_test.cc");
  adds->SetSourceLines(10, 20);
  adds->SetParameters(R"({"arguments":{"x":"1"},"metadata":{}})");
  adds->Finish(TestStatus::kPass);
  datadog::Test* divides = arithmetic->StartTest("Divides");
  divides->SetError("std::domain_error", "division by zero", "frame #0");
  divides->Finish(TestStatus::kFail);
  arithmetic->Finish();
  math->Finish();

  TestModule* io = session->StartModule("io");
  TestSuite* csv = io->StartSuite("Csv");
  datadog::Test* skipped = csv->StartTest("ReadsLargeFiles");
  skipped->SetTag("test.skipped_by_itr", "true");
  skipped->Skip("Skipped by Datadog Intelligent Test Runner");
  datadog::Test* forced = csv->StartTest("ParsesQuotes");
  forced->SetTag("test.itr.unskippable", "true");
  forced->SetTag("test.itr.forced_run", "true");
  forced->Finish(TestStatus::kPass);
  csv->Finish();
  io->Finish();
  const uint64_t session_id = session->span_id();
  const uint64_t math_id = math->span_id();
  const uint64_t arithmetic_id = arithmetic->span_id();
  session->Finish();

  EXPECT_EQ(Violations(), json::array());
  json cycle = Requests(kCycle);
  ASSERT_EQ(cycle.size(), 1u);
  EXPECT_EQ(cycle[0]["headers"]["content-type"], "application/msgpack");
  EXPECT_EQ(cycle[0]["headers"]["content-encoding"], "gzip");
  EXPECT_EQ(cycle[0]["body"]["version"], 1);
  const json& star = cycle[0]["body"]["metadata"]["*"];
  EXPECT_EQ(star["language"], "cpp");
  EXPECT_EQ(star["git.commit.sha"], std::string(40, 'a'));
  EXPECT_EQ(star["ci.provider.name"], "github");
  EXPECT_EQ(star["env"], "ci");
  EXPECT_EQ(star["test_session.name"], "calc_tests --all");
  EXPECT_EQ(star["_dd.origin"], "ciapp-test");
  EXPECT_FALSE(star.value("runtime-id", "").empty());
  EXPECT_FALSE(star.value("library_version", "").empty());
  EXPECT_EQ(sink->stats().events_dropped, 0);
  EXPECT_EQ(sink->stats().events_sent, 9);

  std::vector<json> events = MergedEvents();
  ASSERT_EQ(events.size(), 4u + 2 + 2 + 1);
  std::vector<json> tests = OfType(events, "test");
  ASSERT_EQ(tests.size(), 4u);
  for (const json& raw : cycle[0]["body"]["events"]) {
    EXPECT_EQ(raw["version"], raw["type"] == "test" ? 2 : 1);
  }

  json add = ByName(tests, "Adds")["content"];
  EXPECT_EQ(add["name"], "myframework.test");
  EXPECT_EQ(add["resource"], "Arithmetic.Adds");
  EXPECT_EQ(add["service"], "calc");
  EXPECT_EQ(add["error"], 0);
  EXPECT_EQ(add["test_session_id"].get<uint64_t>(), session_id);
  EXPECT_EQ(add["test_module_id"].get<uint64_t>(), math_id);
  EXPECT_EQ(add["test_suite_id"].get<uint64_t>(), arithmetic_id);
  EXPECT_EQ(add["span_id"].get<uint64_t>(), adds->span_id());
  EXPECT_NE(add["trace_id"].get<uint64_t>(), 0u);
  const json& meta = add["meta"];
  EXPECT_EQ(meta["test.status"], "pass");
  EXPECT_EQ(meta["test.suite"], "Arithmetic");
  EXPECT_EQ(meta["test.module"], "math");
  EXPECT_EQ(meta["test.type"], "test");
  EXPECT_EQ(meta["span.kind"], "test");
  EXPECT_EQ(meta["component"], "myframework");
  EXPECT_EQ(meta["test.framework"], "myframework");
  EXPECT_EQ(meta["test.framework_version"], "0.0.1");
  EXPECT_EQ(meta["test.command"], "calc_tests --all");
  EXPECT_EQ(meta["test.source.file"], "tests/arith_test.cc");
  EXPECT_EQ(meta["test.parameters"],
            R"({"arguments":{"x":"1"},"metadata":{}})");
  EXPECT_EQ(meta["git.repository_url"], "https://x/calc.git");  // merged
  EXPECT_EQ(add["metrics"]["test.source.start"], 10);
  EXPECT_EQ(add["metrics"]["test.source.end"], 20);
  EXPECT_EQ(meta["test.final_status"], "pass");
  EXPECT_EQ(meta["_dd.library_capabilities.test_impact_analysis"], "1");
  EXPECT_EQ(cycle[0]["body"]["metadata"]["test"]
                 ["_dd.library_capabilities.test_impact_analysis"],
            "1");

  json divide = ByName(tests, "Divides")["content"];
  EXPECT_EQ(divide["error"], 1);
  EXPECT_EQ(divide["meta"]["test.status"], "fail");
  EXPECT_EQ(divide["meta"]["test.final_status"], "fail");
  EXPECT_EQ(divide["meta"]["error.type"], "std::domain_error");
  EXPECT_EQ(divide["meta"]["error.message"], "division by zero");
  EXPECT_EQ(divide["meta"]["error.stack"], "frame #0");
  EXPECT_NE(divide["trace_id"], add["trace_id"]);

  json skip = ByName(tests, "ReadsLargeFiles")["content"];
  EXPECT_EQ(skip["meta"]["test.status"], "skip");
  EXPECT_EQ(skip["meta"]["test.final_status"], "skip");
  EXPECT_EQ(skip["meta"]["test.skip_reason"],
            "Skipped by Datadog Intelligent Test Runner");
  EXPECT_EQ(skip["meta"]["test.skipped_by_itr"], "true");
  json force = ByName(tests, "ParsesQuotes")["content"];
  EXPECT_EQ(force["meta"]["test.itr.forced_run"], "true");
  EXPECT_EQ(force["meta"]["test.itr.unskippable"], "true");

  // Roll-up: the failure in math fails its suite, module, and the session;
  // io passes (one skip, one pass).
  std::vector<json> suites = OfType(events, "test_suite_end");
  ASSERT_EQ(suites.size(), 2u);
  for (const json& suite : suites) {
    const json& content = suite["content"];
    EXPECT_FALSE(content.contains("span_id"));
    const bool is_math = content["meta"]["test.suite"] == "Arithmetic";
    EXPECT_EQ(content["meta"]["test.status"], is_math ? "fail" : "pass");
    EXPECT_EQ(content["name"], "myframework.test_suite");
    // The bare name, as dd-trace-py's.
    EXPECT_EQ(content["resource"], is_math ? "Arithmetic" : "Csv");
    EXPECT_FALSE(content["meta"].contains("test.final_status"));
    EXPECT_EQ(content["test_session_id"].get<uint64_t>(), session_id);
    if (is_math) {
      EXPECT_EQ(content["test_suite_id"].get<uint64_t>(), arithmetic_id);
      EXPECT_EQ(content["test_module_id"].get<uint64_t>(), math_id);
    }
  }
  std::vector<json> modules = OfType(events, "test_module_end");
  ASSERT_EQ(modules.size(), 2u);
  for (const json& module : modules) {
    const json& content = module["content"];
    const bool is_math = content["meta"]["test.module"] == "math";
    EXPECT_EQ(content["meta"]["test.status"], is_math ? "fail" : "pass");
    EXPECT_EQ(content["name"], "myframework.test_module");
    EXPECT_EQ(content["resource"], content["meta"]["test.module"]);
    if (is_math) EXPECT_EQ(content["test_module_id"].get<uint64_t>(), math_id);
  }
  std::vector<json> sessions = OfType(events, "test_session_end");
  ASSERT_EQ(sessions.size(), 1u);
  const json& s = sessions[0]["content"];
  EXPECT_EQ(s["test_session_id"].get<uint64_t>(), session_id);
  EXPECT_EQ(s["meta"]["test.status"], "fail");
  EXPECT_EQ(s["error"], 1);
  EXPECT_EQ(s["name"], "myframework.test_session");
  EXPECT_EQ(s["resource"], "myframework.test_session.calc_tests --all");
  EXPECT_EQ(s["meta"]["test.itr.tests_skipping.enabled"], "true");
  EXPECT_EQ(s["metrics"]["test.itr.tests_skipping.count"], 1);
  EXPECT_EQ(s["meta"]["test_session.name"], "calc_tests --all");
  EXPECT_FALSE(s["meta"].contains("test.final_status"));
}

// dd-trace-py's suite mode: the correlation id on suite events only, and a
// suite skipped whole reported as one skipped suite without tests.
TEST_F(ReportingTest, SuiteLevelCorrelationAndASkippedSuite) {
  SessionOptions options = Options(Agentless());
  options.itr_correlation_id = "corr-suite";
  options.itr_correlation_level = SkippingLevel::kSuite;
  auto session = TestSession::Start(std::move(options));
  TestModule* module = session->StartModule("m");
  datadog::Test* test = module->StartSuite("Ran")->StartTest("T");
  test->SetSourceLines(12);
  test->Finish(TestStatus::kPass);
  TestSuite* skipped = module->StartSuite("Skipped");
  skipped->SetTag("test.skipped_by_itr", "true");
  skipped->Skip("Skipped by Datadog Intelligent Test Runner");
  session->Finish();

  EXPECT_EQ(Violations(), json::array());
  std::vector<json> events = MergedEvents();
  std::vector<json> tests = OfType(events, "test");
  ASSERT_EQ(tests.size(), 1u);
  EXPECT_FALSE(tests[0]["content"].contains("itr_correlation_id"));
  EXPECT_EQ(tests[0]["content"]["metrics"]["test.source.start"], 12);
  EXPECT_FALSE(tests[0]["content"]["metrics"].contains("test.source.end"));
  std::vector<json> suites = OfType(events, "test_suite_end");
  ASSERT_EQ(suites.size(), 2u);
  for (const json& suite : suites) {
    const json& content = suite["content"];
    EXPECT_EQ(content["itr_correlation_id"], "corr-suite");
    if (content["meta"]["test.suite"] == "Skipped") {
      EXPECT_EQ(content["meta"]["test.status"], "skip");
      EXPECT_EQ(content["meta"]["test.skip_reason"],
                "Skipped by Datadog Intelligent Test Runner");
      EXPECT_EQ(content["meta"]["test.skipped_by_itr"], "true");
    }
  }
}

TEST_F(ReportingTest, TestLevelCorrelationIsOnTestsOnly) {
  SessionOptions options = Options(Agentless());
  options.itr_correlation_id = "corr-test";
  auto session = TestSession::Start(std::move(options));
  session->StartModule("m")->StartSuite("S")->StartTest("T")->Finish(
      TestStatus::kPass);
  session->Finish();
  for (const json& event : MergedEvents()) {
    EXPECT_EQ(event["content"].value("itr_correlation_id", ""),
              event["type"] == "test" ? "corr-test" : "")
        << event["type"];
  }
}

// dd-trace-go's default session name: the CI job and the command.
TEST_F(ReportingTest, SessionNameIsTheJobAndTheCommand) {
  SessionOptions options = Options(Agentless());
  options.environment_tags["ci.job.name"] = "unit-tests";
  auto session = TestSession::Start(std::move(options));
  EXPECT_EQ(session->options().session_name, "unit-tests-calc_tests --all");
  session->Finish();
  SessionOptions named = Options(nullptr);
  named.environment_tags["ci.job.name"] = "unit-tests";
  named.session_name = "nightly";
  EXPECT_EQ(TestSession::Start(std::move(named))->options().session_name,
            "nightly");
}

TEST_F(ReportingTest, CoverageBitmapsRoundTrip) {
  auto session = TestSession::Start(Options(Agentless()));
  TestSuite* suite = session->StartModule("m")->StartSuite("S");
  datadog::Test* first = suite->StartTest("First");
  first->SetCoverage({{"src/calc.cc", {1, 3, 10}},
                      {"/src/calc.h", {5, 200, 64, 65}},
                      {"src/empty.cc", {}}});
  first->Finish(TestStatus::kPass);
  datadog::Test* second = suite->StartTest("Second");
  second->SetCoverage({{"src/other.cc", {8, 9}}});
  second->Finish(TestStatus::kPass);
  datadog::Test* uncovered = suite->StartTest("NoCoverageSet");
  uncovered->Finish(TestStatus::kPass);
  session->Finish();

  EXPECT_EQ(Violations(), json::array());
  json cov = Requests(kCov);
  ASSERT_EQ(cov.size(), 1u);
  const json& parts = cov[0]["body"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["name"], "coverage1");
  EXPECT_EQ(parts[0]["filename"], "coverage1.msgpack");
  EXPECT_EQ(parts[0]["content_type"], "application/msgpack");
  EXPECT_EQ(parts[1]["name"], "event");
  EXPECT_EQ(parts[1]["data"], json({{"dummy", true}}));
  const json& payload = parts[0]["data"];
  EXPECT_EQ(payload["version"], 2);
  ASSERT_EQ(payload["coverages"].size(), 2u);  // none for NoCoverageSet
  const json& entry = payload["coverages"][0];
  EXPECT_EQ(entry["test_session_id"].get<uint64_t>(), session->span_id());
  EXPECT_EQ(entry["test_suite_id"].get<uint64_t>(), suite->span_id());
  EXPECT_EQ(entry["span_id"].get<uint64_t>(), first->span_id());
  ASSERT_EQ(entry["files"].size(), 3u);

  auto lines_of = [](const json& file) {
    std::string bitmap;
    EXPECT_TRUE(
        absl::Base64Unescape(file["bitmap"].get<std::string>(), &bitmap));
    return reporting::BitmapLines(bitmap);
  };
  EXPECT_EQ(entry["files"][0]["filename"], "src/calc.cc");
  std::string raw;
  ASSERT_TRUE(absl::Base64Unescape(
      entry["files"][0]["bitmap"].get<std::string>(), &raw));
  EXPECT_EQ(raw, std::string("\xA0\x40", 2));
  EXPECT_EQ(lines_of(entry["files"][0]), (std::vector<int>{1, 3, 10}));
  EXPECT_EQ(entry["files"][1]["filename"], "src/calc.h");  // no leading /
  EXPECT_EQ(lines_of(entry["files"][1]), (std::vector<int>{5, 64, 65, 200}));
  EXPECT_EQ(entry["files"][2], json({{"filename", "src/empty.cc"}}));
  EXPECT_EQ(lines_of(payload["coverages"][1]["files"][0]),
            (std::vector<int>{8, 9}));
}

TEST_F(ReportingTest, SmallPayloadLimitSplitsRequestsWithoutLoss) {
  constexpr size_t kLimit = 4096;
  auto sink = Agentless({.max_payload_bytes = kLimit});
  auto session = TestSession::Start(Options(sink));
  TestSuite* suite = session->StartModule("m")->StartSuite("Many");
  constexpr int kTests = 80;
  for (int i = 0; i < kTests; ++i) {
    datadog::Test* test = suite->StartTest(absl::StrCat("Test", i));
    test->SetCoverage({{absl::StrCat("src/file", i, ".cc"), {1, 2, 3, 400}}});
    test->Finish(TestStatus::kPass);
  }
  session->Finish();

  EXPECT_EQ(Violations(), json::array());
  json cycle = Requests(kCycle);
  EXPECT_GT(cycle.size(), 2u);
  for (const json& request : cycle) {
    EXPECT_LE(request["decoded_size"].get<size_t>(), kLimit);
  }
  std::vector<json> events = MergedEvents();
  std::vector<json> tests = OfType(events, "test");
  EXPECT_EQ(events.size(), kTests + 3u);
  std::set<std::string> names;
  for (const json& test : tests) {
    names.insert(test["content"]["meta"]["test.name"].get<std::string>());
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kTests));

  json cov = Requests(kCov);
  EXPECT_GT(cov.size(), 1u);
  size_t coverages = 0;
  for (const json& request : cov) {
    EXPECT_LE(request["decoded_size"].get<size_t>(), kLimit);
    coverages += request["body"][0]["data"]["coverages"].size();
  }
  EXPECT_EQ(coverages, static_cast<size_t>(kTests));
  EXPECT_EQ(sink->stats().events_sent, kTests + 3);
  EXPECT_EQ(sink->stats().coverages_sent, kTests);
  EXPECT_EQ(sink->stats().requests,
            static_cast<int>(cycle.size() + cov.size()));
}

// One small session through whatever sink, for the transport variants.
void RunSmallSession(std::shared_ptr<EventSink> sink) {
  auto session = TestSession::Start(Options(std::move(sink)));
  datadog::Test* test =
      session->StartModule("m")->StartSuite("S")->StartTest("T");
  test->SetCoverage({{"src/a.cc", {1}}});
  test->Finish(TestStatus::kPass);
  session->Finish();
}

TEST_F(ReportingTest, AgentEvpV4IsGzipped) {
  RunSmallSession(Agent());
  EXPECT_EQ(Violations(), json::array());
  for (const char* route : {kCycle, kCov}) {
    json requests = Requests(route);
    ASSERT_EQ(requests.size(), 1u) << route;
    EXPECT_EQ(requests[0]["mode"], "evp_v4");
    EXPECT_EQ(requests[0]["headers"]["content-encoding"], "gzip");
    EXPECT_FALSE(requests[0]["api_key_present"]);
  }
  EXPECT_EQ(MergedEvents().size(), 4u);
}

TEST_F(ReportingTest, AgentEvpV2IsNotGzipped) {
  server_->SetScenario(
      {{"info_endpoints", {"/v0.4/traces", "/evp_proxy/v2/"}}});
  RunSmallSession(Agent());
  EXPECT_EQ(Violations(), json::array());
  for (const char* route : {kCycle, kCov}) {
    json requests = Requests(route);
    ASSERT_EQ(requests.size(), 1u) << route;
    EXPECT_EQ(requests[0]["mode"], "evp_v2");
    EXPECT_FALSE(requests[0]["headers"].contains("content-encoding"));
    EXPECT_EQ(requests[0]["headers"]["x-datadog-evp-subdomain"],
              route == std::string(kCycle) ? "citestcycle-intake"
                                           : "citestcov-intake");
  }
  EXPECT_EQ(MergedEvents().size(), 4u);
}

TEST_F(ReportingTest, ServerDownWarnsOnceAndDropsInBoundedTime) {
  auto sink =
      Agentless({.max_payload_bytes = 2048, .request_budget = absl::Seconds(5)},
                absl::StrCat("http://127.0.0.1:", itr::testing::ClosedPort()));
  ::testing::internal::CaptureStderr();
  const absl::Time start = absl::Now();
  auto session = TestSession::Start(Options(sink));
  TestSuite* suite = session->StartModule("m")->StartSuite("S");
  for (int i = 0; i < 50; ++i) {
    datadog::Test* test = suite->StartTest(absl::StrCat("T", i));
    test->SetCoverage({{"src/a.cc", {1, 2}}});
    test->Finish(TestStatus::kPass);
  }
  session->Finish();
  const absl::Duration took = absl::Now() - start;
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_LT(took, absl::Seconds(10));
  EXPECT_TRUE(absl::StartsWith(err, "itr: warning: ")) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(absl::StrContains(err, kApiKey));
  EXPECT_EQ(sink->stats().events_sent, 0);
  EXPECT_EQ(sink->stats().events_dropped, 53);
  EXPECT_EQ(sink->stats().coverages_dropped, 50);
}

TEST_F(ReportingTest, Http500ForeverWarnsOnceAndDropsInBoundedTime) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", "/api/v2/citest"},
                           {"status", 500},
                           {"count", -1}}}}});
  auto sink = Agentless({.request_budget = absl::Seconds(5)});
  ::testing::internal::CaptureStderr();
  const absl::Time start = absl::Now();
  RunSmallSession(sink);
  const absl::Duration took = absl::Now() - start;
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_LT(took, absl::Seconds(10));
  EXPECT_TRUE(absl::StrContains(err, "itr: warning: ")) << err;
  EXPECT_TRUE(absl::StrContains(err, "HTTP 500")) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(absl::StrContains(err, kApiKey));
  // Each intake's final batch is tried (with retries) even though the other
  // one failed: a failure loses its own batch only.
  EXPECT_EQ(Requests(kCycle).size(), 3u);
  EXPECT_EQ(Requests(kCov).size(), 3u);
  EXPECT_EQ(sink->stats().events_dropped, 4);
  EXPECT_EQ(sink->stats().coverages_dropped, 1);
}

// dd-trace-go loses the one payload whose request failed; the batches after
// it, and so the session's and module's own events, still arrive.
TEST_F(ReportingTest, OneFailedRequestLosesOnlyItsBatch) {
  server_->SetScenario({{"failures",
                         {{{"path_prefix", kCycle},
                           {"status", 500},
                           {"count", FastPolicy().max_attempts}}}}});
  auto sink = Agentless({.max_payload_bytes = 2048});
  ::testing::internal::CaptureStderr();
  auto session = TestSession::Start(Options(sink));
  TestSuite* suite = session->StartModule("m")->StartSuite("S");
  constexpr int kTests = 40;
  for (int i = 0; i < kTests; ++i) {
    suite->StartTest(absl::StrCat("T", i))->Finish(TestStatus::kPass);
  }
  session->Finish();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_TRUE(absl::StrContains(err, "later ones are still sent")) << err;

  json cycle = Requests(kCycle);
  ASSERT_GT(cycle.size(), static_cast<size_t>(FastPolicy().max_attempts) + 1);
  // The first request was tried max_attempts times, then given up.
  const size_t lost = cycle[0]["body"]["events"].size();
  for (int i = 0; i < FastPolicy().max_attempts; ++i) {
    EXPECT_EQ(cycle[i]["answered"], 500);
    EXPECT_EQ(cycle[i]["body"], cycle[0]["body"]);
  }
  std::set<std::string> received;
  for (size_t i = FastPolicy().max_attempts; i < cycle.size(); ++i) {
    EXPECT_EQ(cycle[i]["answered"], 202);
    for (const json& event : cycle[i]["events_merged"]) {
      received.insert(event["type"].get<std::string>() + "/" +
                      event["content"]["meta"].value("test.name", ""));
    }
  }
  EXPECT_EQ(received.size(), kTests + 3 - lost);
  EXPECT_EQ(received.count("test_session_end/"), 1u);
  EXPECT_EQ(received.count("test_module_end/"), 1u);
  EXPECT_EQ(sink->stats().events_dropped, static_cast<int>(lost));
  EXPECT_EQ(sink->stats().events_sent, kTests + 3 - static_cast<int>(lost));
  EXPECT_EQ(sink->stats().failed_requests, 1);
}

// dd-trace-py's circuit breaker: after three failed requests in a row only
// every third batch is tried, and the final flush always is.
TEST_F(ReportingTest, FailingIntakeIsProbedNotHammered) {
  server_->SetScenario(
      {{"failures",
        {{{"path_prefix", kCycle}, {"status", 500}, {"count", -1}}}}});
  RetryPolicy once = FastPolicy();
  auto sink = Agentless({.max_payload_bytes = 1024});
  auto session = TestSession::Start(Options(sink));
  TestSuite* suite = session->StartModule("m")->StartSuite("S");
  for (int i = 0; i < 60; ++i) {
    suite->StartTest(absl::StrCat("T", i))->Finish(TestStatus::kPass);
  }
  session->Finish();
  const IntakeSink::Stats stats = sink->stats();
  const int tried = stats.failed_requests;  // every request made failed
  const int batches = tried + stats.batches_not_tried;
  EXPECT_EQ(Requests(kCycle).size(),
            static_cast<size_t>(tried * once.max_attempts));
  EXPECT_EQ(stats.events_sent, 0);
  EXPECT_EQ(stats.events_dropped, 63);
  // Three tried, then one in three, then the final flush.
  EXPECT_GT(batches, 6);
  EXPECT_GT(stats.batches_not_tried, 0);
  EXPECT_LE(tried, 3 + (batches - 3) / 3 + 1);
}

TEST_F(ReportingTest, UnfinishedAndOutOfOrderObjectsDoNotCrash) {
  {
    auto session = TestSession::Start(Options(Agentless()));
    TestModule* module = session->StartModule("m");
    TestSuite* suite = module->StartSuite("S");
    datadog::Test* late = suite->StartTest("FinishedAfterItsSuite");
    datadog::Test* never = suite->StartTest("NeverFinished");
    TestSuite* open_suite = module->StartSuite("NeverFinishedSuite");
    open_suite->StartTest("Skipped")->Skip("not today");
    suite->Finish(TestStatus::kPass);
    late->Finish(TestStatus::kPass);   // ignored: its suite finished it
    never->Finish(TestStatus::kPass);  // likewise
    suite->Finish(TestStatus::kPass);  // twice: ignored
    EXPECT_TRUE(late->finished());
    // The module and the session are never finished: the destructor does.
  }
  EXPECT_EQ(Violations(), json::array());
  std::vector<json> events = MergedEvents();
  ASSERT_EQ(events.size(), 3u + 2 + 1 + 1);
  std::vector<json> tests = OfType(events, "test");
  // Finished by their suite: a test that never reported its end failed.
  EXPECT_EQ(
      ByName(tests, "FinishedAfterItsSuite")["content"]["meta"]["test.status"],
      "fail");
  EXPECT_EQ(ByName(tests, "NeverFinished")["content"]["meta"]["test.status"],
            "fail");
  EXPECT_EQ(ByName(tests, "Skipped")["content"]["meta"]["test.status"], "skip");
  for (const json& suite : OfType(events, "test_suite_end")) {
    const json& meta = suite["content"]["meta"];
    EXPECT_EQ(meta["test.status"], meta["test.suite"] == "S" ? "fail" : "skip");
  }
  EXPECT_EQ(
      OfType(events, "test_session_end")[0]["content"]["meta"]["test.status"],
      "fail");
}

TEST_F(ReportingTest, ExitWithAnUnfinishedSessionStillSends) {
  // A session of this process, live while the child below exits: the child
  // must report its own session only, never this one.
  auto parent = TestSession::Start(Options(Agentless()));
  parent->StartModule("p")->StartSuite("P")->StartTest("ParentTest");
  EXPECT_EXIT(
      {
        // Leaked on purpose: exit() does not run its destructor; the atexit
        // handler must finish and flush it.
        auto session = TestSession::Start(Options(Agentless()));
        session->StartModule("m")->StartSuite("S")->StartTest("CallsExit");
        session.release();
        std::exit(3);
      },
      ::testing::ExitedWithCode(3), "");
  EXPECT_EQ(Violations(), json::array());
  std::vector<json> events = MergedEvents();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(ByName(OfType(events, "test"),
                   "CallsExit")["content"]["meta"]["test.status"],
            "fail");
  for (const json& event : events) {
    // value(): a session event has no test.module at all.
    EXPECT_NE(event["content"]["meta"].value("test.module", ""), "p");
  }
  parent->Finish();
  EXPECT_EQ(MergedEvents().size(), 8u);
}

TEST_F(ReportingTest, ParallelThreadsEachGetTheirActiveTest) {
  auto session = TestSession::Start(Options(Agentless()));
  TestSuite* suite = session->StartModule("m")->StartSuite("Parallel");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([suite, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string name = absl::StrCat("T", t, "_", i);
        datadog::Test* test = suite->StartTest(name);
        ActiveTest()->SetTag("thread.test", name);
        EXPECT_EQ(ActiveTest(), test);
        test->Finish(TestStatus::kPass);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ActiveTest(), nullptr);
  session->Finish();
  EXPECT_EQ(Violations(), json::array());
  std::vector<json> tests = OfType(MergedEvents(), "test");
  ASSERT_EQ(tests.size(), 100u);
  for (const json& test : tests) {
    EXPECT_EQ(test["content"]["meta"]["thread.test"],
              test["content"]["meta"]["test.name"]);
  }
}

// A GoogleTest fixture reporting its own tests, as an adapter would: SetUp
// starts the test, the body tags it through ActiveTest(), TearDown finishes
// it and checks what the server received.
class ActiveTestFromGtestBody : public ReportingTest {
 protected:
  void SetUp() override {
    ReportingTest::SetUp();
    session_ = TestSession::Start(Options(Agentless()));
    const ::testing::TestInfo* info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    test_ = session_->StartModule("gtest")
                ->StartSuite(info->test_suite_name())
                ->StartTest(info->name());
  }
  void TearDown() override {
    test_->Finish(HasFailure() ? TestStatus::kFail : TestStatus::kPass);
    session_->Finish();
    std::vector<json> tests = OfType(MergedEvents(), "test");
    ASSERT_EQ(tests.size(), 1u);
    const json& meta = tests[0]["content"]["meta"];
    EXPECT_EQ(meta["test.name"], "TagsItself");
    EXPECT_EQ(meta["test.suite"], "ActiveTestFromGtestBody");
    EXPECT_EQ(meta["owner"], "team-calc");
    EXPECT_EQ(tests[0]["content"]["metrics"]["answer"], 42);
    EXPECT_EQ(meta["test.status"], "pass");
    ReportingTest::TearDown();
  }

  std::unique_ptr<TestSession> session_;
  datadog::Test* test_ = nullptr;
};

TEST_F(ActiveTestFromGtestBody, TagsItself) {
  ASSERT_NE(itr::datadog::ActiveTest(), nullptr);
  itr::datadog::ActiveTest()->SetTag("owner", "team-calc");
  // A helper thread of the body sees the body's test too (fallback).
  std::thread([] {
    itr::datadog::ActiveTest()->SetMetric("answer", 42);
  }).join();
}

}  // namespace
}  // namespace itr::datadog
