// Catch2 v2 adapter of the skipper: plan before the run, narrow Catch2's
// test spec to the test cases that must run, record each through a listener.
// Config, TestSpec and the listener base: Catch2's interfaces for code
// outside the TU that implements it.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "itr/catch2_itr.h"
#include "skipper/identity/test_identity.h"
#include "skipper/reports/junit_skipped.h"
#include "skipper/session/itr_session.h"

namespace itr::catch2 {

namespace {

using skipper::ItrSession;

constexpr char kUnskippableTag[] = "datadog_itr_unskippable";
// Added to every test case that must run; the narrowed spec selects it.
// A tag, not names: test case names may hold any character, and one tag
// pattern keeps Catch2's matching linear in the number of test cases.
constexpr char kSelectedTag[] = "itr-selected";

std::string Version() {
  return std::to_string(CATCH_VERSION_MAJOR) + "." +
         std::to_string(CATCH_VERSION_MINOR) + "." +
         std::to_string(CATCH_VERSION_PATCH);
}

// What the listener needs; lives until the process ends.
struct Recording {
  std::unique_ptr<ItrSession> session;
  std::unordered_map<std::string, size_t> index;  // name -> planned index
  // `-c <section>` runs only part of a test case: a pass says nothing
  // about the whole test case, so it is not recorded as one.
  bool partial = false;
  // A signal arrived: Catch2 reports the rest from its signal handler.
  // Nothing more is recorded there (no store or coverage work on a small
  // signal stack): the test stays `running` and the run unfinished, so
  // both run again next time.
  bool crashed = false;
  std::optional<size_t> current;
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
    g_recording->session->TestStarted(it->second);
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    if (g_recording->current && !g_recording->crashed) {
      // [!mayfail] / [!shouldfail] failures count as failedButOk: not a
      // pass either, so the test case runs again next time.
      const Catch::Counts& assertions = stats.totals.assertions;
      skipper::TestOutcome outcome =
          assertions.failed > 0 || assertions.failedButOk > 0
              ? skipper::TestOutcome::kFailed
          : g_recording->partial ? skipper::TestOutcome::kSkippedByFramework
                                 : skipper::TestOutcome::kPassed;
      g_recording->session->TestFinished(*g_recording->current, outcome);
      g_recording->current.reset();
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
    if (!g_recording->crashed) g_recording->session->Finish(/*clean=*/true);
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
                const std::vector<size_t>& considered, ItrSession& session) {
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
    skipper::SayItr("warning: cannot narrow Catch2's test spec; all tests run");
    for (size_t index : considered) {
      session.RunAnyway(index, "Catch2's test spec could not be narrowed");
    }
  }
}

}  // namespace

void InstallItr(Catch::ConfigData& data, const char* compiler) {
  // Listing (and CTest discovery) must show every test and runs nothing.
  if (data.listTests || data.listTestNamesOnly || data.listTags ||
      data.listReporters || data.showHelp || data.libIdentify) {
    return;
  }
  std::unique_ptr<ItrSession> session =
      ItrSession::Start(compiler, {"catch2", Version()});
  if (!session->enabled()) return;
  if (data.filenamesAsTags) {
    // Catch2 adds the #file tags after this point: the user's spec could
    // not be evaluated here.
    skipper::SayItr(
        "warning: -# (filenames as tags) is not supported; "
        "all tests run, none recorded");
    return;
  }
  Catch::Config user_config(data);
  if (!user_config.testSpec().getInvalidArgs().empty()) return;  // Catch2 says

  // Every registered test case, in run order. Catch2 has no suites: the
  // suite is the source file.
  const std::vector<Catch::TestCase>& registered =
      Catch::getAllTestCasesSorted(user_config);
  auto recording = std::make_unique<Recording>();
  std::vector<skipper::PlannedTest> planned;
  for (const Catch::TestCase& test : registered) {
    skipper::PlannedTest entry;
    entry.identity.module = session->module();
    entry.identity.suite = session->RepoRelative(test.lineInfo.file);
    entry.identity.name = test.name;
    entry.identity.source_file = entry.identity.suite;
    entry.unskippable_reason =
        HasTag(test, kUnskippableTag)
            ? std::string("tag [") + kUnskippableTag + "]"
            : session->SharedUnskippableReason(entry.identity.suite, test.name,
                                               test.lineInfo.file);
    entry.unskippable = !entry.unskippable_reason.empty();
    recording->index[test.name] = planned.size();
    planned.push_back(std::move(entry));
  }
  session->Plan(std::move(planned));

  // The user's spec (names, tags, exclusions, hidden tests, -e) decides
  // which test cases are considered; of those, the ones that must run get
  // the selection tag, and the spec becomes that tag alone.
  std::vector<size_t> considered;
  std::set<std::string> must_run;
  for (const Catch::TestCase& test :
       Catch::filterTests(registered, user_config.testSpec(), user_config)) {
    size_t index = recording->index.at(test.name);
    considered.push_back(index);
    if (!session->decisions()[index].skip) must_run.insert(test.name);
  }
  // Nothing to leave out (first run, store unusable): the user's spec stays.
  if (must_run.size() < considered.size()) {
    NarrowSpec(data, registered, must_run, considered, *session);
  }
  // Everything skipped: the selection tag matches nothing, which `-w
  // NoTests` would turn into exit code 2. Nothing to run is not an error
  // here: the user's spec did match tests.
  if (must_run.empty() && !considered.empty()) {
    data.warnings = static_cast<Catch::WarnAbout::What>(
        data.warnings & ~Catch::WarnAbout::NoTests);
  }
  std::vector<size_t> skipped = session->Commit(considered);
  if (data.reporterName == "junit" && !data.outputFilename.empty() &&
      !skipped.empty()) {
    // Named as Catch2's JUnit reporter names test cases.
    std::string binary = data.name.empty() ? data.processName : data.name;
    std::vector<skipper::JunitSkippedCase> cases;
    for (size_t index : skipped) {
      const Catch::TestCase& test = registered[index];
      cases.push_back(
          {binary + "." + (test.className.empty() ? "global" : test.className),
           test.name, "itr: " + session->decisions()[index].reason});
    }
    skipper::DeferJunitSkipped(data.outputFilename, std::move(cases));
  }
  recording->partial = !data.sectionsToRun.empty();
  recording->session = std::move(session);
  g_recording = recording.release();
  Catch::ListenerRegistrar<RecordingListener> register_listener;
}

void ReportSkipped() { skipper::AddDeferredJunitSkipped(); }

}  // namespace itr::catch2
