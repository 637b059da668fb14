// The Datadog backend's pure parts: request bodies, response parsing, the
// skippable matching and the backend choice.
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "skipper/ci/test_environment.h"
#include "skipper/datadog/api_client.h"
#include "skipper/datadog/datadog_config.h"
#include "skipper/datadog/datadog_startup.h"
#include "skipper/datadog/skippable_matcher.h"

namespace itr::skipper::datadog {
namespace {

using nlohmann::json;

RunContext SampleRun() {
  RunContext run;
  run.service = "calc";
  run.env = "ci";
  run.repository_url = "https://example.com/org/calc.git";
  run.branch = "main";
  run.sha = std::string(40, 'a');
  run.configurations = {{"os.platform", "linux"}, {"runtime.name", "clang"}};
  run.custom = {{"board", "x1"}};
  return run;
}

TEST(SettingsRequest, CarriesTheRunAndItsConfigurations) {
  json body = json::parse(SettingsRequestBody(SampleRun(), "42"));
  EXPECT_EQ(body["data"]["type"], "ci_app_test_service_libraries_settings");
  EXPECT_EQ(body["data"]["id"], "42");
  const json& a = body["data"]["attributes"];
  EXPECT_EQ(a["service"], "calc");
  EXPECT_EQ(a["env"], "ci");
  EXPECT_EQ(a["test_level"], "test");
  EXPECT_EQ(a["branch"], "main");
  EXPECT_EQ(a["sha"], std::string(40, 'a'));
  EXPECT_EQ(a["configurations"]["os.platform"], "linux");
  EXPECT_EQ(a["configurations"]["custom"]["board"], "x1");
}

TEST(SettingsResponse, MissingFlagsAreFalse) {
  auto settings = ParseSettingsResponse(
      R"({"data":{"type":"ci_app_tracers_test_service_settings",
          "attributes":{"itr_enabled":true,"code_coverage":"yes"}}})");
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_TRUE(settings->itr_enabled);
  EXPECT_FALSE(settings->code_coverage) << "a string is not true";
  EXPECT_FALSE(settings->tests_skipping);
  EXPECT_FALSE(settings->require_git);
}

TEST(SettingsResponse, GarbageErrorsAndPartialJsonAreErrors) {
  EXPECT_FALSE(ParseSettingsResponse("<html>oops</html>").ok());
  EXPECT_FALSE(ParseSettingsResponse(R"({"data":{"attributes":{"itr_en)").ok());
  EXPECT_FALSE(ParseSettingsResponse(R"({"errors":["denied"]})").ok());
  EXPECT_FALSE(ParseSettingsResponse(R"({"data":[]})").ok());
  EXPECT_FALSE(ParseSettingsResponse("").ok());
}

TEST(SkippableRequest, HasTheDocumentedShape) {
  RunContext run = SampleRun();
  run.test_level = "suite";
  json body = json::parse(SkippableRequestBody(run));
  EXPECT_EQ(body["data"]["type"], "test_params");
  EXPECT_EQ(body["data"]["attributes"]["test_level"], "suite");
  EXPECT_EQ(body["data"]["attributes"]["configurations"]["custom"]["board"],
            "x1");
}

TEST(SkippableResponse, KeepsOnlyItemsThatNameAModuleAndSuite) {
  auto list = ParseSkippableResponse(R"({
    "data": [
      {"type":"test","attributes":{"suite":"Csv","name":"Parses",
        "configurations":{"test.bundle":"calc_tests"}}},
      {"type":"test","attributes":{"suite":"Csv","name":"NoModule"}},
      {"type":"test","attributes":{"suite":"Csv",
        "configurations":{"test.bundle":"calc_tests"}}},
      {"type":"suite","attributes":{"suite":"Ledger",
        "configurations":{"test.bundle":"calc_tests"}}},
      {"type":"test"},
      "junk"
    ],
    "meta": {"correlation_id": "c0ffee"}})");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->correlation_id, "c0ffee");
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0].name, "Parses");
  EXPECT_EQ(list->items[0].module, "calc_tests");
  EXPECT_EQ(list->items[1].type, "suite");
}

TEST(SkippableResponse, DataThatIsNotAListIsAnError) {
  EXPECT_FALSE(ParseSkippableResponse(R"({"data":{}})").ok());
  EXPECT_FALSE(ParseSkippableResponse("[]").ok());
}

TEST(SearchCommits, RoundTripAndStrictness) {
  json request = json::parse(SearchCommitsRequestBody(
      "https://example.com/r.git", {std::string(40, 'b')}));
  EXPECT_EQ(request["meta"]["repository_url"], "https://example.com/r.git");
  EXPECT_EQ(request["data"][0]["type"], "commit");
  auto known = ParseSearchCommitsResponse(
      json{{"data", {{{"id", std::string(40, 'c')}, {"type", "commit"}}}}}
          .dump());
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(*known, std::vector<std::string>{std::string(40, 'c')});
  EXPECT_FALSE(ParseSearchCommitsResponse(
                   R"({"data":[{"id":"not-a-sha","type":"commit"}]})")
                   .ok());
}

PlannedTest Planned(const std::string& suite, const std::string& name,
                    bool unskippable = false) {
  PlannedTest t;
  t.identity = {"calc_tests", suite, name, "", ""};
  t.unskippable = unskippable;
  if (unskippable) t.unskippable_reason = "DATADOG_ITR_UNSKIPPABLE";
  return t;
}

SkippableList List(std::vector<SkippableItem> items) {
  SkippableList list;
  list.items = std::move(items);
  return list;
}

TEST(DecideFromSkippable, SkipsOnlyListedTestsOfThisModule) {
  std::vector<PlannedTest> tests = {Planned("Csv", "Parses"),
                                    Planned("Csv", "Quotes"),
                                    Planned("Inst/Param", "Case/2")};
  tests[2].identity.parameters = "7";
  SkippableList list = List({{"test", "calc_tests", "Csv", "Parses", ""},
                             {"test", "other_binary", "Csv", "Quotes", ""},
                             {"test", "calc_tests", "Inst/Param", "Case/2",
                              TestParametersJson("7")}});
  Settings settings;
  auto d = DecideFromSkippable(tests, list, settings);
  EXPECT_TRUE(d[0].skip);
  EXPECT_FALSE(d[1].skip) << "listed for another module";
  EXPECT_TRUE(d[2].skip);
}

TEST(DecideFromSkippable, AnInstanceWhoseParametersChangedRuns) {
  std::vector<PlannedTest> tests = {Planned("Inst/Param", "Case/2"),
                                    Planned("Inst/Param", "Case/3")};
  tests[0].identity.parameters = "8";  // was 7 when it was recorded
  tests[1].identity.parameters = "9";
  SkippableList list = List(
      {{"test", "calc_tests", "Inst/Param", "Case/2", TestParametersJson("7")},
       {"test", "calc_tests", "Inst/Param", "Case/3", ""}});
  auto d = DecideFromSkippable(tests, list, Settings());
  EXPECT_FALSE(d[0].skip) << "same name, other value";
  EXPECT_FALSE(d[1].skip) << "listed without the parameters it has";
}

TEST(TestParametersJson, EscapesAndWraps) {
  EXPECT_EQ(TestParametersJson(""), "");
  auto parsed = json::parse(TestParametersJson("a\"b\\c\n"));
  EXPECT_EQ(parsed["arguments"]["param"], "a\"b\\c ");
  EXPECT_TRUE(parsed["metadata"].is_object());
}

TEST(DecideFromSkippable, UnskippableIsAForcedRun) {
  std::vector<PlannedTest> tests = {Planned("Ledger", "Balance", true),
                                    Planned("Ledger", "Other", true)};
  SkippableList list = List({{"test", "calc_tests", "Ledger", "Balance", ""}});
  auto d = DecideFromSkippable(tests, list, Settings());
  EXPECT_FALSE(d[0].skip);
  EXPECT_TRUE(d[0].forced);
  EXPECT_FALSE(d[1].forced) << "not listed: an ordinary run";
}

TEST(DecideFromSkippable, SuiteLevelRunsSuitesWithAnUnskippableTestWhole) {
  std::vector<PlannedTest> tests = {Planned("Ledger", "A"),
                                    Planned("Ledger", "B", true),
                                    Planned("Csv", "C")};
  SkippableList list = List({{"suite", "calc_tests", "Ledger", "", ""},
                             {"suite", "calc_tests", "Csv", "", ""}});
  Settings settings;
  settings.level = SkipLevel::kSuite;
  auto d = DecideFromSkippable(tests, list, settings);
  EXPECT_FALSE(d[0].skip);
  EXPECT_TRUE(d[0].forced);
  EXPECT_FALSE(d[1].skip);
  EXPECT_TRUE(d[2].skip);
}

TEST(DecideFromSkippable, CollectOnlyNeverSkips) {
  Settings settings;
  settings.collect_only = true;
  auto d = DecideFromSkippable(
      {Planned("Csv", "Parses")},
      List({{"test", "calc_tests", "Csv", "Parses", ""}}), settings);
  EXPECT_FALSE(d[0].skip);
}

GetEnv Env(std::map<std::string, std::string> vars) {
  auto owned =
      std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [owned](const char* name) -> const char* {
    auto it = owned->find(name);
    return it == owned->end() ? nullptr : it->second.c_str();
  };
}

// Loads with a Diagnostics that counts warnings into *warnings.
DatadogConfig LoadDatadogConfig(const GetEnv& env, size_t* warnings = nullptr) {
  Diagnostics diagnostics([](const std::string&) {});
  DatadogConfig config = datadog::LoadDatadogConfig(env, diagnostics);
  if (warnings != nullptr) *warnings = diagnostics.warning_count();
  return config;
}

TEST(BackendChoice, LocalUnlessDatadogIsConfigured) {
  EXPECT_EQ(LoadDatadogConfig(Env({})).backend, BackendKind::kLocal);
  EXPECT_EQ(LoadDatadogConfig(Env({{"DD_CIVISIBILITY_AGENTLESS_ENABLED", "1"},
                                   {"DD_API_KEY", "k"}}))
                .backend,
            BackendKind::kDatadog);
  EXPECT_EQ(
      LoadDatadogConfig(Env({{"DD_TRACE_AGENT_URL", "http://127.0.0.1:1"}}))
          .backend,
      BackendKind::kDatadog);
  EXPECT_EQ(LoadDatadogConfig(
                Env({{"DD_AGENT_HOST", "agent"}, {"ITR_BACKEND", "local"}}))
                .backend,
            BackendKind::kLocal);
}

TEST(BackendChoice, AgentlessWithoutKeyWarnsAndStaysLocal) {
  size_t warnings = 0;
  DatadogConfig config = LoadDatadogConfig(
      Env({{"DD_CIVISIBILITY_AGENTLESS_ENABLED", "true"}}), &warnings);
  EXPECT_EQ(config.backend, BackendKind::kLocal);
  EXPECT_GT(warnings, 0u);
}

TEST(BackendChoice, UnknownItrBackendWarns) {
  size_t warnings = 0;
  DatadogConfig config =
      LoadDatadogConfig(Env({{"ITR_BACKEND", "cloud"}}), &warnings);
  EXPECT_EQ(config.backend, BackendKind::kLocal);
  EXPECT_GT(warnings, 0u);
}

TEST(DatadogConfig, IntakePayloadLimit) {
  EXPECT_EQ(LoadDatadogConfig(Env({})).intake.max_payload_bytes,
            itr::datadog::reporting::kDefaultMaxPayloadBytes);
  EXPECT_EQ(LoadDatadogConfig(Env({{"ITR_INTAKE_MAX_PAYLOAD_BYTES", "4096"}}))
                .intake.max_payload_bytes,
            4096u);
  size_t warnings = 0;
  EXPECT_EQ(
      LoadDatadogConfig(Env({{"ITR_INTAKE_MAX_PAYLOAD_BYTES", "0"}}), &warnings)
          .intake.max_payload_bytes,
      itr::datadog::reporting::kDefaultMaxPayloadBytes);
  EXPECT_EQ(warnings, 1u);
}

// dd-trace-go and datadog-ci-rb keep the repository name's case.
TEST(DefaultService, IsTheRepositoryName) {
  EXPECT_EQ(DefaultServiceName("https://github.com/Org/Calc-Suite.git"),
            "Calc-Suite");
  EXPECT_EQ(DefaultServiceName("git@github.com:org/repo.git"), "repo");
  EXPECT_EQ(DefaultServiceName("https://host/org/repo/"), "repo");
  EXPECT_EQ(DefaultServiceName(""), "test");
}

// runtime.version is the version alone; the flavour becomes the
// build_flavor custom configuration.
TEST(HostTags, CleanVersionAndTheFlavourApart) {
  auto c = HostTags("clang 14.0.6  optimized NDEBUG");
  EXPECT_EQ(c["runtime.name"], "clang");
  EXPECT_EQ(c["runtime.version"], "14.0.6");
  EXPECT_EQ(c["os.platform"], "linux");
  EXPECT_FALSE(c["os.architecture"].empty());
  EXPECT_EQ(BuildFlavor("clang 14.0.6  optimized NDEBUG"), "optimized NDEBUG");
  EXPECT_EQ(BuildFlavor("gcc 12.2.0 asan"), "asan");
  EXPECT_EQ(BuildFlavor("clang 14.0.6 "), "");
  EXPECT_EQ(HostTags("gcc 12.2.0")["runtime.version"], "12.2.0");
  EXPECT_EQ(HostTags("clang 17.0.1 (https://github.com/llvm/llvm-project x) "
                     "optimized")["runtime.version"],
            "17.0.1");
  EXPECT_EQ(BuildFlavor("clang 17.0.1 (https://github.com/llvm/llvm-project "
                        "x) optimized"),
            "optimized");
  // itr ctest's: CMake's compiler, build type and flags.
  EXPECT_EQ(HostTags("Clang 14.0.6 Release -O2 -g")["runtime.version"],
            "14.0.6");
  EXPECT_EQ(BuildFlavor("Clang 14.0.6 Release -O2 -g"), "Release -O2 -g");
  // No version to tell: none sent, rather than a word that is not one.
  EXPECT_EQ(HostTags("unknown build").count("runtime.version"), 0u);
  EXPECT_EQ(BuildFlavor("unknown build"), "build");
}

TEST(WorkingDirectory, RelativeToTheWorkspace) {
  EXPECT_EQ(WorkingDirectoryTag("/w/repo", "/w/repo"), ".");
  EXPECT_EQ(WorkingDirectoryTag("/w/repo/build/tests", "/w/repo/"),
            "build/tests");
  EXPECT_EQ(WorkingDirectoryTag("/w/repository", "/w/repo"), "/w/repository");
  EXPECT_EQ(WorkingDirectoryTag("/tmp/x", ""), "/tmp/x");
}

}  // namespace
}  // namespace itr::skipper::datadog
