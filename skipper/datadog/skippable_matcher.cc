#include "skipper/datadog/skippable_matcher.h"

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace itr::skipper::datadog {

namespace {

constexpr char kSkipReason[] = "skippable per Datadog";

}  // namespace

std::string TestParametersJson(const std::string& parameters) {
  if (parameters.empty()) return "";
  std::string escaped;
  for (char c : parameters) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      escaped += ' ';
      continue;
    }
    escaped += c;
  }
  return absl::StrCat(R"({"arguments":{"param":")", escaped,
                      R"("},"metadata":{}})");
}

std::vector<TestDecision> DecideFromSkippable(
    const std::vector<PlannedTest>& tests, const SkippableList& list,
    const Settings& settings) {
  // (module, suite, name) -> the parameters listed ("" for none).
  std::map<std::tuple<std::string, std::string, std::string>,
           std::set<std::string>>
      listed_tests;
  std::set<std::pair<std::string, std::string>> listed_suites;
  for (const SkippableItem& item : list.items) {
    if (item.type == "suite") {
      listed_suites.emplace(item.module, item.suite);
    } else {
      listed_tests[{item.module, item.suite, item.name}].insert(
          item.parameters);
    }
  }
  bool suite_level = settings.level == SkipLevel::kSuite;
  std::set<std::pair<std::string, std::string>> suites_with_unskippable;
  for (const PlannedTest& test : tests) {
    if (test.unskippable) {
      suites_with_unskippable.emplace(test.identity.module,
                                      test.identity.suite);
    }
  }

  std::vector<TestDecision> decisions(tests.size());
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestIdentity& id = tests[i].identity;
    TestDecision& d = decisions[i];
    std::pair<std::string, std::string> suite{id.module, id.suite};
    bool listed = listed_suites.count(suite) > 0;
    if (!suite_level && !listed) {
      auto found = listed_tests.find({id.module, id.suite, id.name});
      listed = found != listed_tests.end() &&
               found->second.count(TestParametersJson(id.parameters)) > 0;
    }
    if (!listed) {
      d.reason = "not in Datadog's skippable list";
      continue;
    }
    if (tests[i].unskippable) {
      d.forced = true;
      d.reason =
          absl::StrCat("unskippable (", tests[i].unskippable_reason, ")");
    } else if (suite_level && suites_with_unskippable.count(suite) > 0) {
      d.forced = true;
      d.reason = "its suite has an unskippable test (suite level)";
    } else if (settings.collect_only) {
      d.reason = "collect-only mode (ITR_COLLECT_ONLY)";
    } else {
      d.skip = true;
      d.reason = kSkipReason;
    }
  }
  return decisions;
}

}  // namespace itr::skipper::datadog
