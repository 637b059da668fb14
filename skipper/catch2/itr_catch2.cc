// Catch2 v2 adapter: plan before the run, narrow Catch2's test spec to the
// test cases that must run, bracket and record each through a listener.
// Config, TestSpec and the listener base: Catch2's interfaces for code
// outside the TU that implements it. Talks to the Intelligent Test Runner
// only through its C API (itr/session.h).
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "itr/catch2_itr.h"
#include "itr/session.h"
#include "skipper/markers/unskippable.h"

namespace itr {
namespace catch2 {

namespace {

constexpr char kUnskippableTag[] = "datadog_itr_unskippable";
// Added to every test case that must run; the narrowed spec selects it.
// A tag, not names: test case names may hold any character, and one tag
// pattern keeps Catch2's matching linear in the number of test cases.
constexpr char kSelectedTag[] = "itr-selected";
constexpr size_t kNotATest = static_cast<size_t>(-1);

std::string Version() {
  return std::to_string(CATCH_VERSION_MAJOR) + "." +
         std::to_string(CATCH_VERSION_MINOR) + "." +
         std::to_string(CATCH_VERSION_PATCH);
}

// What the listener and ReportSkipped need; lives until the process ends.
struct Recording {
  itr_session* session = nullptr;
  std::unordered_map<std::string, size_t> index;  // name -> session index
  // `-c <section>` runs only part of a test case: a pass says nothing
  // about the whole test case, so it is not recorded as one.
  bool partial = false;
  // A signal arrived: Catch2 reports the rest from its signal handler.
  // Nothing more is recorded there (no store or coverage work on a small
  // signal stack): the test stays `running` and the run unfinished, so
  // both run again next time.
  bool crashed = false;
  size_t current = kNotATest;
  std::string junit_path;  // -r junit -o <file>, when tests were skipped
};
Recording* g_recording = nullptr;

// Brackets each test case once: Catch2 v2 re-enters a test case for each
// leaf section between testCaseStarting and testCaseEnded.
class RecordingListener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    TestEventListenerBase::testCaseStarting(info);
    auto it = g_recording->index.find(info.name);
    if (it == g_recording->index.end()) return;
    g_recording->current = it->second;
    itr_session_test_started(g_recording->session, it->second);
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    if (g_recording->current != kNotATest && !g_recording->crashed) {
      // [!mayfail] / [!shouldfail] failures count as failedButOk: not a
      // pass either, so the test case runs again next time.
      const Catch::Counts& assertions = stats.totals.assertions;
      itr_outcome outcome = assertions.failed > 0 || assertions.failedButOk > 0
                                ? ITR_OUTCOME_FAILED
                            : g_recording->partial
                                ? ITR_OUTCOME_SKIPPED_BY_FRAMEWORK
                                : ITR_OUTCOME_PASSED;
      itr_session_test_finished(g_recording->session, g_recording->current,
                                outcome);
      g_recording->current = kNotATest;
    }
    TestEventListenerBase::testCaseEnded(stats);
  }

  // A signal: Catch2 reports it as a fatal-error assertion, ends the test
  // case and the run, then dies. (Listeners do not get
  // fatalErrorEncountered in Catch2 v2.)
  bool assertionEnded(Catch::AssertionStats const& stats) override {
    if (stats.assertionResult.getResultType() ==
        Catch::ResultWas::FatalErrorCondition) {
      g_recording->crashed = true;
    }
    return TestEventListenerBase::assertionEnded(stats);
  }

  void testRunEnded(Catch::TestRunStats const& stats) override {
    // Catch::Session::run() returns the failed test cases, at most 255.
    int failed = static_cast<int>(
        std::min<std::uint64_t>(stats.totals.testCases.failed, 255));
    if (!g_recording->crashed) {
      itr_session_finish(g_recording->session, 1, failed);
    }
    TestEventListenerBase::testRunEnded(stats);
  }
};

bool HasTag(const Catch::TestCaseInfo& info, const std::string& tag) {
  for (const std::string& lower : info.lcaseTags) {
    if (lower == tag) return true;
  }
  return false;
}

std::set<std::string> NamesSelectedBy(const Catch::ConfigData& data) {
  Catch::Config config(data);
  std::set<std::string> names;
  for (const Catch::TestCase& test : Catch::filterTests(
           Catch::getAllTestCasesSorted(config), config.testSpec(), config)) {
    names.insert(test.name);
  }
  return names;
}

// Tags the test cases that must run and makes the spec that tag alone;
// when the narrowed spec would not select exactly them, restores the
// user's spec and runs everything considered.
void NarrowSpec(Catch::ConfigData& data,
                const std::vector<Catch::TestCase>& registered,
                const std::set<std::string>& must_run,
                const std::vector<size_t>& considered, itr_session* session) {
  // Catch2 itself retags this vector for -#; it is the one the run uses.
  auto& mutable_registered =
      const_cast<std::vector<Catch::TestCase>&>(registered);
  for (Catch::TestCase& test : mutable_registered) {
    if (must_run.count(test.name) == 0) continue;
    std::vector<std::string> tags = test.tags;
    tags.push_back(kSelectedTag);
    setTags(test, tags);
  }
  std::vector<std::string> user_spec = data.testsOrTags;
  data.testsOrTags = {std::string("[") + kSelectedTag + "]"};
  // Safety check: the narrowed spec must select exactly what must run.
  if (NamesSelectedBy(data) != must_run) {
    data.testsOrTags = user_spec;
    itr_session_warn(session,
                     "cannot narrow Catch2's test spec; all tests run");
    for (size_t index : considered) {
      itr_session_run_anyway(session, index,
                             "Catch2's test spec could not be narrowed");
    }
  }
}

// Every registered test case, in run order. Catch2 has no suites: the
// suite is the source file. Named in JUnit reports as Catch2's JUnit
// reporter names them.
void RegisterTests(const std::vector<Catch::TestCase>& registered,
                   const std::string& binary, Recording* recording) {
  for (const Catch::TestCase& test : registered) {
    std::string suite =
        itr_session_repo_relative(recording->session, test.lineInfo.file);
    std::string marker = HasTag(test, kUnskippableTag)
                             ? std::string("tag [") + kUnskippableTag + "]"
                             : skipper::RegisteredUnskippableReason(
                                   {suite, test.name, test.lineInfo.file});
    std::string classname =
        binary + "." + (test.className.empty() ? "global" : test.className);
    itr_test entry = {};
    entry.suite = suite.c_str();
    entry.name = test.name.c_str();
    entry.source_file = test.lineInfo.file;
    entry.source_line = static_cast<int>(test.lineInfo.line);
    entry.unskippable_reason = marker.empty() ? nullptr : marker.c_str();
    entry.report_classname = classname.c_str();
    size_t index = recording->index.size();
    recording->index[test.name] = index;
    itr_session_add_test(recording->session, &entry);
  }
}

// The user's spec (names, tags, exclusions, hidden tests, -e) decides
// which test cases are considered; of those, the ones that must run get
// the selection tag, and the spec becomes that tag alone.
std::vector<size_t> SelectTests(Catch::ConfigData& data,
                                const Catch::Config& user_config,
                                const std::vector<Catch::TestCase>& registered,
                                Recording* recording) {
  std::vector<size_t> considered;
  std::set<std::string> must_run;
  for (const Catch::TestCase& test :
       Catch::filterTests(registered, user_config.testSpec(), user_config)) {
    size_t index = recording->index.at(test.name);
    considered.push_back(index);
    if (!itr_session_decision(recording->session, index).skip) {
      must_run.insert(test.name);
    }
  }
  // Nothing to leave out (first run, store unusable): the user's spec stays.
  if (must_run.size() < considered.size()) {
    NarrowSpec(data, registered, must_run, considered, recording->session);
  }
  // Everything skipped: the selection tag matches nothing, which `-w
  // NoTests` would turn into exit code 2. Nothing to run is not an error
  // here: the user's spec did match tests.
  if (must_run.empty() && !considered.empty()) {
    data.warnings = static_cast<Catch::WarnAbout::What>(
        data.warnings & ~Catch::WarnAbout::NoTests);
  }
  return considered;
}

}  // namespace

void InstallItr(Catch::ConfigData& data, const char* compiler) {
  // Listing (and CTest discovery) must show every test and runs nothing.
  if (data.listTests || data.listTestNamesOnly || data.listTags ||
      data.listReporters || data.showHelp || data.libIdentify) {
    return;
  }
  itr_session* session =
      itr_session_start("catch2", Version().c_str(), compiler);
  if (session == nullptr) return;
  if (data.filenamesAsTags) {
    // Catch2 adds the #file tags after this point: the user's spec could
    // not be evaluated here.
    itr_session_warn(session,
                     "-# (filenames as tags) is not supported; all tests "
                     "run, none recorded");
    return;
  }
  Catch::Config user_config(data);
  if (!user_config.testSpec().getInvalidArgs().empty()) return;  // Catch2 says

  const std::vector<Catch::TestCase>& registered =
      Catch::getAllTestCasesSorted(user_config);
  auto recording = std::unique_ptr<Recording>(new Recording());
  recording->session = session;
  RegisterTests(registered, data.name.empty() ? data.processName : data.name,
                recording.get());
  itr_session_plan(session);
  std::vector<size_t> considered =
      SelectTests(data, user_config, registered, recording.get());
  size_t skipped =
      itr_session_select(session, considered.data(), considered.size());
  if (data.reporterName == "junit" && skipped > 0) {
    recording->junit_path = data.outputFilename;
  }
  recording->partial = !data.sectionsToRun.empty();
  g_recording = recording.release();
  Catch::ListenerRegistrar<RecordingListener> register_listener;
}

void ReportSkipped() {
  if (g_recording == nullptr || g_recording->junit_path.empty()) return;
  itr_session_add_skipped_to_report(g_recording->session, ITR_REPORT_JUNIT,
                                    g_recording->junit_path.c_str());
}

}  // namespace catch2
}  // namespace itr
