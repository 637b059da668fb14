// doctest adapter of the skipper: plan before the run, mark the test cases
// to leave out as skipped, record each through a listener.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "itr/doctest_itr.h"
#include "itr/doctest_unskippable.h"
#include "skipper/identity/test_identity.h"
#include "skipper/reports/junit_skipped.h"
#include "skipper/session/itr_session.h"

namespace itr::doctest {

namespace {

using skipper::ItrSession;

// Marked through the unskippable() decorator, during static initialization.
struct DecoratorMarks {
  std::mutex mutex;
  std::set<std::pair<std::string, unsigned>> test_cases;  // (file, line)
  std::set<std::string> suites;
};
DecoratorMarks& Marks() {
  static auto* marks = new DecoratorMarks();
  return *marks;
}

// What the listener needs; lives until the process ends.
struct Recording {
  std::unique_ptr<ItrSession> session;
  std::map<const ::doctest::TestCaseData*, size_t> index;
  bool partial = false;
  // A signal arrived: doctest reports the rest from its signal handler.
  // Nothing more is recorded there (no store or coverage work on a small
  // signal stack): the test stays `running` and the run unfinished, so
  // both run again next time.
  bool crashed = false;
  std::optional<size_t> current;
};
Recording* g_recording = nullptr;

// Brackets each test case once: doctest re-enters a test case for each
// subcase path between test_case_start and test_case_end.
class RecordingListener : public ::doctest::IReporter {
 public:
  explicit RecordingListener(const ::doctest::ContextOptions&) {}

  void test_case_start(const ::doctest::TestCaseData& test) override {
    auto it = g_recording->index.find(&test);
    if (it == g_recording->index.end()) return;
    g_recording->current = it->second;
    g_recording->session->TestStarted(it->second);
  }

  void test_case_end(const ::doctest::CurrentTestCaseStats& stats) override {
    if (!g_recording->current || g_recording->crashed) return;
    // may_fail / should_fail / expected_failures leave failure flags even
    // when doctest counts the test case a success: not a pass for ITR.
    bool passed = stats.testCaseSuccess && stats.failure_flags == 0 &&
                  stats.numAssertsFailedCurrentTest == 0;
    g_recording->session->TestFinished(
        *g_recording->current, !passed ? skipper::TestOutcome::kFailed
                               : g_recording->partial
                                   ? skipper::TestOutcome::kSkippedByFramework
                                   : skipper::TestOutcome::kPassed);
    g_recording->current.reset();
  }

  // A signal: doctest still ends the test case and the run, then dies.
  void test_case_exception(const ::doctest::TestCaseException& e) override {
    if (e.is_crash) g_recording->crashed = true;
  }

  void test_run_end(const ::doctest::TestRunStats&) override {
    if (!g_recording->crashed) g_recording->session->Finish(/*clean=*/true);
  }

  void report_query(const ::doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_case_reenter(const ::doctest::TestCaseData&) override {}
  void subcase_start(const ::doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const ::doctest::AssertData&) override {}
  void log_message(const ::doctest::MessageData&) override {}
  void test_case_skipped(const ::doctest::TestCaseData&) override {}
};

std::string DecoratorReason(const ::doctest::TestCaseData& test) {
  DecoratorMarks& marks = Marks();
  std::lock_guard<std::mutex> lock(marks.mutex);
  if (marks.test_cases.count({test.m_file.c_str(), test.m_line}) != 0 ||
      marks.suites.count(test.m_test_suite) != 0) {
    return "decorator itr::doctest::unskippable()";
  }
  return "";
}

}  // namespace

void MarkUnskippableTestCase(const char* file, unsigned line) {
  DecoratorMarks& marks = Marks();
  std::lock_guard<std::mutex> lock(marks.mutex);
  marks.test_cases.insert({file, line});
}

void MarkUnskippableTestSuite(const char* suite) {
  DecoratorMarks& marks = Marks();
  std::lock_guard<std::mutex> lock(marks.mutex);
  marks.suites.insert(suite ? suite : "");
}

void InstallItr(Selection& selection, const char* compiler) {
  std::unique_ptr<ItrSession> session =
      ItrSession::Start(compiler, {"doctest", DOCTEST_VERSION_STR});
  if (!session->enabled()) return;

  // Identity: the doctest suite, or the source file for test cases outside
  // any suite; the name. doctest allows equal names (other file or line):
  // such test cases share one record, so they always run.
  auto recording = std::make_unique<Recording>();
  std::vector<skipper::PlannedTest> planned;
  std::map<std::string, size_t> first_with_key;
  for (const RegisteredTest& registered : selection.tests) {
    const ::doctest::TestCaseData& test = *registered.test;
    skipper::PlannedTest entry;
    entry.identity.module = session->module();
    entry.identity.source_file = session->RepoRelative(test.m_file.c_str());
    entry.identity.suite = test.m_test_suite[0] != '\0'
                               ? std::string(test.m_test_suite)
                               : entry.identity.source_file;
    entry.identity.name = test.m_name;
    entry.unskippable_reason = DecoratorReason(test);
    if (entry.unskippable_reason.empty()) {
      entry.unskippable_reason = session->SharedUnskippableReason(
          entry.identity.suite, entry.identity.name, test.m_file.c_str());
    }
    auto [first, inserted] =
        first_with_key.emplace(entry.identity.Key(), planned.size());
    if (!inserted) {
      entry.unskippable_reason = "duplicate test name";
      planned[first->second].unskippable_reason = "duplicate test name";
      planned[first->second].unskippable = true;
    }
    entry.unskippable = !entry.unskippable_reason.empty();
    recording->index[&test] = planned.size();
    planned.push_back(std::move(entry));
  }
  session->Plan(std::move(planned));

  std::vector<size_t> considered;
  for (size_t i = 0; i < selection.tests.size(); ++i) {
    if (!selection.tests[i].considered) continue;
    considered.push_back(i);
    if (!selection.cannot_skip.empty()) {
      session->RunAnyway(i, "nothing is skipped with " + selection.cannot_skip);
    }
  }
  std::vector<size_t> skipped = session->Commit(considered);
  for (size_t i : skipped) selection.tests[i].skip = true;
  if (!selection.junit_path.empty() && !skipped.empty()) {
    // Named as doctest's JUnit reporter names test cases.
    std::vector<skipper::JunitSkippedCase> cases;
    for (size_t i : skipped) {
      const ::doctest::TestCaseData& test = *selection.tests[i].test;
      cases.push_back({::doctest::skipPathFromFilename(test.m_file.c_str()),
                       test.m_name, "itr: " + session->decisions()[i].reason});
    }
    skipper::DeferJunitSkipped(selection.junit_path, std::move(cases));
  }
  recording->partial = selection.partial;
  recording->session = std::move(session);
  g_recording = recording.release();
  ::doctest::registerReporter<RecordingListener>("itr", 0,
                                                 /*isReporter=*/false);
}

void ReportSkipped() { skipper::AddDeferredJunitSkipped(); }

}  // namespace itr::doctest
