// The Datadog backend (DatadogBackend: start-up, planning, reporting) as the
// session drives it, against tests/datadog/conformance_server.py on
// 127.0.0.1, with a real git checkout in a temporary directory: what the
// requests and events carry at test and suite level, with DD_TAGS, and when
// the service's settings turn test skipping or the whole ITR off.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"
#include "skipper/datadog/datadog_backend.h"
#include "skipper/datadog/datadog_config.h"
#include "tests/datadog/conformance_server_fixture.h"

namespace itr::skipper::datadog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kApiKey[] = "backend-api-key-0123456789";
constexpr char kSettings[] = "/api/v2/libraries/tests/services/setting";
constexpr char kSkippable[] = "/api/v2/ci/tests/skippable";
constexpr char kCycle[] = "/api/v2/citestcycle";
constexpr char kCov[] = "/api/v2/citestcov";
constexpr char kSkipReason[] = "Skipped by Datadog Intelligent Test Runner";

// Every variable that would make the machine running the test look like a
// CI job, or name git values: the checkout below must be all there is.
constexpr const char* kForeignVariables[] = {"APPVEYOR",
                                             "TF_BUILD",
                                             "BITBUCKET_COMMIT",
                                             "BUILDKITE",
                                             "CIRCLECI",
                                             "CF_BUILD_ID",
                                             "GITHUB_SHA",
                                             "GITLAB_CI",
                                             "JENKINS_URL",
                                             "TEAMCITY_VERSION",
                                             "TRAVIS",
                                             "BITRISE_BUILD_SLUG",
                                             "BUDDY",
                                             "CODEBUILD_INITIATOR",
                                             "DRONE",
                                             "DD_GIT_BRANCH",
                                             "DD_GIT_TAG",
                                             "DD_GIT_COMMIT_SHA",
                                             "DD_GIT_REPOSITORY_URL"};

std::string Sh(const std::string& dir, const std::string& command) {
  std::string full = "cd '" + dir + "' && export GIT_CONFIG_NOSYSTEM=1 HOME='" +
                     dir +
                     "' GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.com "
                     "GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.com "
                     "&& (" +
                     command + ") 2>/dev/null";
  std::string out;
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) {
    out.append(buffer, n);
  }
  EXPECT_EQ(pclose(pipe), 0) << command;
  return std::string(absl::StripAsciiWhitespace(out));
}

PlannedTest Planned(const std::string& suite, const std::string& name,
                    bool unskippable = false) {
  PlannedTest test;
  test.identity = {"calc_tests", suite, name, "", "tests/calc_test.cc", 7};
  test.unskippable = unskippable;
  if (unskippable) test.unskippable_reason = "ITR_UNSKIPPABLE";
  return test;
}

json SkippableTest(const std::string& suite, const std::string& name) {
  return {{"type", "test"},
          {"id", suite + "." + name},
          {"attributes",
           {{"suite", suite},
            {"name", name},
            {"configurations", {{"test.bundle", "calc_tests"}}}}}};
}

json SkippableSuite(const std::string& suite) {
  return {{"type", "suite"},
          {"id", suite},
          {"attributes",
           {{"suite", suite},
            {"configurations", {{"test.bundle", "calc_tests"}}}}}};
}

class DatadogBackendTest : public itr::testing::ConformanceServerTest {
 protected:
  void SetUp() override {
    ConformanceServerTest::SetUp();
    for (const char* name : kForeignVariables) unsetenv(name);
    char pattern[] = "/tmp/itr-dd-backend-XXXXXX";
    repo_ = mkdtemp(pattern);
    Sh(repo_,
       "git init -q -b main . && mkdir -p src tests && echo 'int x;' > "
       "src/calc.cc && echo 'TEST' > tests/calc_test.cc && printf '* "
       "@org/all\\ntests/ @org/testers @carol\\n' > CODEOWNERS && git add -A "
       "&& git commit -q -m init");
    // With credentials: no URL tag or request may carry them.
    setenv("DD_GIT_REPOSITORY_URL",
           "https://ci-token:s3cret@example.com/org/Calc.git", 1);
    char cwd[4096];
    old_cwd_ = getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : ".";
    // As a test binary run from the repository's tests/ directory.
    EXPECT_EQ(chdir((repo_ + "/tests").c_str()), 0);
  }

  void TearDown() override {
    EXPECT_EQ(chdir(old_cwd_.c_str()), 0);
    unsetenv("DD_GIT_REPOSITORY_URL");
    std::error_code ignored;
    fs::remove_all(repo_, ignored);
    ConformanceServerTest::TearDown();
  }

  std::unique_ptr<DatadogBackend> Open(
      const std::map<std::string, std::string>& env) {
    GetEnv getenv = [&env](const char* name) -> const char* {
      auto it = env.find(name);
      return it == env.end() ? nullptr : it->second.c_str();
    };
    Settings settings = LoadSettings(getenv, repo_, diagnostics_);
    DatadogConfig config;
    config.backend = BackendKind::kDatadog;
    config.connection.agentless = true;
    config.connection.api_key = kApiKey;
    config.connection.agentless_url = server_->base_url();
    config.git_upload = false;
    ProcessInfo process{"calc_tests", repo_,  "clang 14.0.6  optimized NDEBUG",
                        "gtest",      "1.12", "calc_tests --gtest_brief=1"};
    auto backend =
        DatadogBackend::Open(settings, config, process, diagnostics_);
    EXPECT_TRUE(backend.ok()) << backend.status();
    return backend.ok() ? std::move(*backend) : nullptr;
  }

  // Plans `tests`, runs those not skipped (each executing src/calc.cc
  // lines {1, suite's index}), reports the skipped, ends the session.
  std::vector<TestDecision> Run(DatadogBackend& backend,
                                const std::vector<PlannedTest>& tests,
                                int exit_code = 0) {
    auto planned = backend.Plan(tests);
    EXPECT_TRUE(planned.ok()) << planned.status();
    std::vector<TestDecision> decisions = *planned;
    CodeOutsideTests outside;
    outside.startup = {.complete = true, .files = {"src/main.cc"}};
    outside.between_tests.complete = true;
    backend.OutsideTestsExecuted(outside, false);
    std::vector<SkippedTest> skipped;
    for (size_t i = 0; i < tests.size(); ++i) {
      if (decisions[i].skip) {
        skipped.push_back({tests[i].identity, decisions[i]});
        continue;
      }
      backend.TestStarted(tests[i].identity);
      TestRun run;
      run.identity = tests[i].identity;
      run.unskippable = tests[i].unskippable;
      run.forced = decisions[i].forced;
      run.executed = {.complete = true,
                      .files = {"src/calc.cc", "src/" + run.identity.name},
                      .lines = {{1, static_cast<uint32_t>(i + 2)}, {}}};
      backend.TestFinished(run);
    }
    backend.OutsideTestsExecuted(outside, true);
    backend.TestsSkipped(skipped);
    backend.SessionEnded({.clean = true, .exit_code = exit_code});
    return decisions;
  }

  static json Requests(const std::string& route) {
    json result = json::array();
    const json recorded = server_->Recorded();
    for (const json& request : recorded["requests"]) {
      if (request["route"] == route) result.push_back(request);
    }
    return result;
  }

  static std::vector<json> Events(const std::string& type) {
    std::vector<json> events;
    for (const json& request : Requests(kCycle)) {
      for (const json& event : request["events_merged"]) {
        if (event["type"] == type) events.push_back(event["content"]);
      }
    }
    return events;
  }

  static std::vector<json> Coverages() {
    std::vector<json> entries;
    for (const json& request : Requests(kCov)) {
      for (const json& part : request["body"]) {
        if (part["name"] != "coverage1") continue;
        for (const json& entry : part["data"]["coverages"]) {
          entries.push_back(entry);
        }
      }
    }
    return entries;
  }

  static json Attributes(const std::string& route) {
    json requests = Requests(route);
    return requests.empty() ? json()
                            : requests.back()["body"]["data"]["attributes"];
  }

  std::string repo_;
  std::string old_cwd_;
  std::vector<std::string> warnings_;
  Diagnostics diagnostics_{
      [this](const std::string& line) { warnings_.push_back(line); }};
};

TEST_F(DatadogBackendTest, TestLevelTagsEveryEventAsTheClientsDo) {
  server_->SetScenario(
      {{"skippable",
        {SkippableTest("Csv", "Parses"), SkippableTest("Ledger", "Balance")}},
       {"correlation_id", "corr-test"}});
  auto backend = Open({{"DD_TAGS", "test.configuration.board:rev2,team:core"},
                       {"DD_SERVICE", "calc-service"}});
  ASSERT_NE(backend, nullptr);
  std::vector<TestDecision> decisions =
      Run(*backend,
          {Planned("Csv", "Parses"), Planned("Csv", "Quotes"),
           Planned("Ledger", "Balance", /*unskippable=*/true),
           Planned("Ledger", "Other", /*unskippable=*/true)},
          /*exit_code=*/1);
  EXPECT_TRUE(decisions[0].skip);
  EXPECT_TRUE(decisions[2].forced);
  EXPECT_EQ(server_->Recorded()["violations"], json::array());

  // One configuration for requests and events (item 1, 9e).
  const json settings = Attributes(kSettings);
  EXPECT_EQ(settings["configurations"]["custom"],
            json({{"board", "rev2"}, {"build_flavor", "optimized NDEBUG"}}));
  EXPECT_EQ(settings["configurations"]["runtime.version"], "14.0.6");
  EXPECT_EQ(Attributes(kSkippable)["configurations"],
            settings["configurations"]);
  EXPECT_EQ(settings["branch"], "main");
  EXPECT_EQ(settings["service"], "calc-service");
  EXPECT_EQ(settings["repository_url"], "https://example.com/org/Calc.git");

  std::vector<json> all;
  for (const char* type :
       {"test", "test_suite_end", "test_module_end", "test_session_end"}) {
    for (json& event : Events(type)) all.push_back(std::move(event));
  }
  ASSERT_EQ(all.size(), 4u + 2 + 1 + 1);
  for (json event : all) {
    json meta = event["meta"];
    EXPECT_EQ(meta["test.configuration.board"], "rev2");
    EXPECT_EQ(meta["test.configuration.build_flavor"], "optimized NDEBUG");
    EXPECT_EQ(meta["team"], "core");
    EXPECT_EQ(meta["runtime.version"], "14.0.6");
    EXPECT_EQ(meta["_dd.test.is_user_provided_service"], "true");
    EXPECT_EQ(meta["test.working_directory"], "tests");
    EXPECT_EQ(meta["git.repository_url"], "https://example.com/org/Calc.git");
    EXPECT_FALSE(meta.contains("env")) << "DD_ENV is not set";
    EXPECT_EQ(event.contains("itr_correlation_id"), meta.contains("test.name"));
  }

  for (json test : Events("test")) {
    json meta = test["meta"];
    const std::string name = meta["test.name"];
    EXPECT_EQ(test["itr_correlation_id"], "corr-test");
    EXPECT_EQ(meta["test.final_status"], meta["test.status"]);
    EXPECT_EQ(meta["test.codeowners"], R"(["@org/testers", "@carol"])");
    EXPECT_EQ(test["metrics"]["test.source.start"], 7);
    EXPECT_EQ(meta.value("test.skipped_by_itr", ""),
              name == "Parses" ? "true" : "");
    // Only the listed unskippable test is a forced run.
    EXPECT_EQ(meta.value("test.itr.forced_run", ""),
              name == "Balance" ? "true" : "");
    EXPECT_EQ(meta.value("test.itr.unskippable", ""),
              name == "Balance" ? "true" : "");
  }
  for (const std::string type : {"test_module_end", "test_session_end"}) {
    json event = Events(type).at(0);
    EXPECT_EQ(event["meta"]["test.itr.tests_skipping.enabled"], "true");
    EXPECT_EQ(event["meta"]["test.itr.tests_skipping.type"], "test");
    EXPECT_EQ(event["meta"]["test.itr.tests_skipping.tests_skipped"], "true");
    EXPECT_EQ(event["meta"]["_dd.ci.itr.tests_skipped"], "true");
    EXPECT_EQ(event["metrics"]["test.itr.tests_skipping.count"], 1);
    EXPECT_EQ(event["resource"], type == "test_module_end"
                                     ? "calc_tests"
                                     : "gtest.test_session.calc_tests "
                                       "--gtest_brief=1");
  }
  EXPECT_EQ(Events("test_session_end").at(0)["metrics"]["test.exit_code"], 1);

  // One coverage entry per test that ran, each with its span id.
  std::set<uint64_t> test_spans;
  for (const json& test : Events("test")) {
    test_spans.insert(test["span_id"].get<uint64_t>());
  }
  std::vector<json> coverages = Coverages();
  EXPECT_EQ(coverages.size(), 3u);
  for (const json& entry : coverages) {
    EXPECT_EQ(test_spans.count(entry.value("span_id", uint64_t{0})), 1u);
  }
}

// dd-trace-py's suite mode: the skipped suite is one event without tests,
// the count is of suites, the correlation id is on suites, and coverage is
// one entry per suite without a span id.
TEST_F(DatadogBackendTest, SuiteLevelReportsSuites) {
  server_->SetScenario({{"skippable", {SkippableSuite("Csv")}},
                        {"correlation_id", "corr-suite"}});
  auto backend =
      Open({{"DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE", "suite"}});
  ASSERT_NE(backend, nullptr);
  Run(*backend, {Planned("Csv", "Parses"), Planned("Csv", "Quotes"),
                 Planned("Ledger", "Balance"), Planned("Ledger", "Other")});
  EXPECT_EQ(server_->Recorded()["violations"], json::array());
  EXPECT_EQ(Attributes(kSkippable)["test_level"], "suite");

  std::vector<json> tests = Events("test");
  ASSERT_EQ(tests.size(), 2u) << "no test events for the skipped suite";
  for (json test : tests) {
    EXPECT_EQ(test["meta"]["test.suite"], "Ledger");
    EXPECT_FALSE(test.contains("itr_correlation_id"));
  }
  std::map<std::string, json> suites;
  for (const json& suite : Events("test_suite_end")) {
    suites[suite["meta"]["test.suite"].get<std::string>()] = suite;
    EXPECT_EQ(suite["itr_correlation_id"], "corr-suite");
    EXPECT_EQ(suite["resource"], suite["meta"]["test.suite"]);
  }
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites["Csv"]["meta"]["test.status"], "skip");
  EXPECT_EQ(suites["Csv"]["meta"]["test.skipped_by_itr"], "true");
  EXPECT_EQ(suites["Csv"]["meta"]["test.skip_reason"], kSkipReason);
  EXPECT_EQ(suites["Ledger"]["meta"]["test.status"], "pass");
  json session = Events("test_session_end").at(0);
  EXPECT_EQ(session["meta"]["test.itr.tests_skipping.type"], "suite");
  EXPECT_EQ(session["metrics"]["test.itr.tests_skipping.count"], 1);

  std::vector<json> coverages = Coverages();
  ASSERT_EQ(coverages.size(), 1u);
  EXPECT_FALSE(coverages[0].contains("span_id"));
  EXPECT_EQ(coverages[0]["test_suite_id"], suites["Ledger"]["test_suite_id"]);
  std::set<std::string> files;
  for (const json& file : coverages[0]["files"]) {
    files.insert(file["filename"].get<std::string>());
  }
  EXPECT_EQ(files, (std::set<std::string>{"src/Balance", "src/Other",
                                          "src/calc.cc", "src/main.cc"}));
}

// A suite with an unskippable test runs whole: its listed tests are forced
// runs, only the unskippable one says so.
TEST_F(DatadogBackendTest, SuiteLevelUnskippableRunsTheSuite) {
  server_->SetScenario({{"skippable", {SkippableSuite("Csv")}}});
  auto backend =
      Open({{"DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE", "suite"}});
  ASSERT_NE(backend, nullptr);
  Run(*backend, {Planned("Csv", "Parses", /*unskippable=*/true),
                 Planned("Csv", "Quotes")});
  EXPECT_EQ(server_->Recorded()["violations"], json::array());
  for (json test : Events("test")) {
    EXPECT_EQ(test["meta"]["test.itr.forced_run"], "true");
    EXPECT_EQ(test["meta"].value("test.itr.unskippable", ""),
              test["meta"]["test.name"] == "Parses" ? "true" : "");
  }
  json session = Events("test_session_end").at(0);
  EXPECT_EQ(session["metrics"]["test.itr.tests_skipping.count"], 0);
  EXPECT_EQ(session["meta"]["test.itr.tests_skipping.tests_skipped"], "false");
  EXPECT_EQ(session["meta"]["_dd.ci.itr.tests_skipped"], "false");
}

// dd-trace-py's test_itr_disabled: with ITR off no skipping tag is set at
// all, and nothing of ITR is asked or sent.
TEST_F(DatadogBackendTest, ItrDisabledBySettingsSetsNoItrTags) {
  server_->SetScenario({{"settings", {{"itr_enabled", false}}},
                        {"skippable", {SkippableTest("Csv", "Parses")}}});
  auto backend = Open({});
  ASSERT_NE(backend, nullptr);
  Run(*backend, {Planned("Csv", "Parses", /*unskippable=*/true),
                 Planned("Csv", "Quotes")});
  EXPECT_EQ(server_->Recorded()["violations"], json::array());
  EXPECT_EQ(Requests(kSkippable).size(), 0u);
  EXPECT_EQ(Requests(kCov).size(), 0u);
  for (const std::string type : {"test_module_end", "test_session_end"}) {
    json event = Events(type).at(0);
    EXPECT_EQ(event["meta"]["test.itr.tests_skipping.enabled"], "false");
    EXPECT_EQ(event["meta"]["test.code_coverage.enabled"], "false");
    for (const char* absent :
         {"test.itr.tests_skipping.type", "_dd.ci.itr.tests_skipped",
          "test.itr.tests_skipping.tests_skipped"}) {
      EXPECT_FALSE(event["meta"].contains(absent)) << absent;
    }
    EXPECT_FALSE(event["metrics"].contains("test.itr.tests_skipping.count"));
    EXPECT_EQ(event["meta"]["_dd.test.is_user_provided_service"], "false");
  }
  for (json test : Events("test")) {
    EXPECT_FALSE(test.contains("itr_correlation_id"));
    for (const char* absent : {"test.itr.unskippable", "test.itr.forced_run",
                               "test.skipped_by_itr"}) {
      EXPECT_FALSE(test["meta"].contains(absent)) << absent;
    }
  }
}

// ITR on, test skipping off: coverage still goes (the backend learns), the
// skipping tags do not.
TEST_F(DatadogBackendTest, SkippingOffStillSendsCoverage) {
  server_->SetScenario({{"settings", {{"tests_skipping", false}}}});
  auto backend = Open({});
  ASSERT_NE(backend, nullptr);
  Run(*backend, {Planned("Csv", "Parses")});
  EXPECT_EQ(server_->Recorded()["violations"], json::array());
  json session = Events("test_session_end").at(0);
  EXPECT_EQ(session["meta"]["test.itr.tests_skipping.enabled"], "false");
  EXPECT_EQ(session["meta"]["test.code_coverage.enabled"], "true");
  EXPECT_FALSE(session["meta"].contains("test.itr.tests_skipping.type"));
  EXPECT_FALSE(session["metrics"].contains("test.itr.tests_skipping.count"));
  EXPECT_EQ(Coverages().size(), 1u);
}

// dd-trace-go's placeholder for a detached checkout, in the settings
// request only.
TEST_F(DatadogBackendTest, DetachedHeadAsksWithThePlaceholderBranch) {
  Sh(repo_, "git checkout -q --detach");
  auto backend = Open({});
  ASSERT_NE(backend, nullptr);
  Run(*backend, {Planned("Csv", "Parses")});
  EXPECT_EQ(Attributes(kSettings)["branch"], "auto:git-detached-head");
  EXPECT_FALSE(Events("test").at(0)["meta"].contains("git.branch"));
}

}  // namespace
}  // namespace itr::skipper::datadog
