// doctest adapter: plan before the run, mark the test cases to leave out as
// skipped, bracket and record each through a listener. Talks to the
// Intelligent Test Runner only through its C API (itr/session.h).
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "itr/doctest_itr.h"
#include "itr/doctest_unskippable.h"
#include "itr/session.h"
#include "skipper/markers/unskippable.h"

namespace itr {
namespace doctest {

namespace {

constexpr size_t kNotATest = static_cast<size_t>(-1);

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

// What the listener and ReportSkipped need; lives until the process ends.
struct Recording {
  itr_session* session = nullptr;
  std::map<const ::doctest::TestCaseData*, size_t> index;
  bool partial = false;
  // A signal arrived: doctest reports the rest from its signal handler.
  // Nothing more is recorded there (no store or coverage work on a small
  // signal stack): the test stays `running` and the run unfinished, so
  // both run again next time.
  bool crashed = false;
  size_t current = kNotATest;
  std::string junit_path;  // when tests were skipped
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
    itr_session_test_started(g_recording->session, it->second);
  }

  void test_case_end(const ::doctest::CurrentTestCaseStats& stats) override {
    if (g_recording->current == kNotATest || g_recording->crashed) return;
    // may_fail / should_fail / expected_failures leave failure flags even
    // when doctest counts the test case a success: not a pass for ITR.
    bool passed = stats.testCaseSuccess && stats.failure_flags == 0 &&
                  stats.numAssertsFailedCurrentTest == 0;
    itr_session_test_finished(g_recording->session, g_recording->current,
                              !passed ? ITR_OUTCOME_FAILED
                              : g_recording->partial
                                  ? ITR_OUTCOME_SKIPPED_BY_FRAMEWORK
                                  : ITR_OUTCOME_PASSED);
    g_recording->current = kNotATest;
  }

  // A signal: doctest still ends the test case and the run, then dies.
  void test_case_exception(const ::doctest::TestCaseException& e) override {
    if (e.is_crash) g_recording->crashed = true;
  }

  void test_run_end(const ::doctest::TestRunStats& stats) override {
    // doctest::Context::run() returns 1 when a test case failed.
    int code = stats.numTestCasesFailed > 0 ? 1 : 0;
    if (!g_recording->crashed) {
      itr_session_finish(g_recording->session, 1, code);
    }
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

// The framework's own reason for a test case to always run ("" if none).
std::string MarkerReason(const ::doctest::TestCaseData& test,
                         const std::string& suite) {
  {
    DecoratorMarks& marks = Marks();
    std::lock_guard<std::mutex> lock(marks.mutex);
    if (marks.test_cases.count({test.m_file.c_str(), test.m_line}) != 0 ||
        marks.suites.count(test.m_test_suite) != 0) {
      return "decorator itr::doctest::unskippable()";
    }
  }
  return skipper::RegisteredUnskippableReason(
      {suite, test.m_name, test.m_file.c_str()});
}

// Identity: the doctest suite, or the source file for test cases outside
// any suite; the name. doctest allows equal names (other file or line):
// such test cases share one record, so they always run. Named in JUnit
// reports as doctest's JUnit reporter names them.
void RegisterTests(const std::vector<RegisteredTest>& tests,
                   Recording* recording) {
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < tests.size(); ++i) {
    const ::doctest::TestCaseData& test = *tests[i].test;
    std::string file =
        itr_session_repo_relative(recording->session, test.m_file.c_str());
    std::string suite = test.m_test_suite[0] != '\0' ? test.m_test_suite : file;
    by_key[suite + "." + test.m_name].push_back(i);
  }
  std::set<size_t> duplicates;
  for (const auto& entry : by_key) {
    if (entry.second.size() > 1) {
      duplicates.insert(entry.second.begin(), entry.second.end());
    }
  }
  for (size_t i = 0; i < tests.size(); ++i) {
    const ::doctest::TestCaseData& test = *tests[i].test;
    std::string file =
        itr_session_repo_relative(recording->session, test.m_file.c_str());
    std::string suite = test.m_test_suite[0] != '\0' ? test.m_test_suite : file;
    std::string marker = duplicates.count(i) != 0 ? "duplicate test name"
                                                  : MarkerReason(test, suite);
    std::string classname =
        ::doctest::skipPathFromFilename(test.m_file.c_str());
    itr_test entry = {};
    entry.suite = suite.c_str();
    entry.name = test.m_name;
    entry.source_file = test.m_file.c_str();
    entry.source_line = static_cast<int>(test.m_line);
    entry.unskippable_reason = marker.empty() ? nullptr : marker.c_str();
    entry.report_classname = classname.c_str();
    recording->index[&test] = i;
    itr_session_add_test(recording->session, &entry);
  }
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
  itr_session* session =
      itr_session_start("doctest", DOCTEST_VERSION_STR, compiler);
  if (session == nullptr) return;
  auto recording = std::unique_ptr<Recording>(new Recording());
  recording->session = session;
  RegisterTests(selection.tests, recording.get());
  itr_session_plan(session);
  std::vector<size_t> considered;
  for (size_t i = 0; i < selection.tests.size(); ++i) {
    if (!selection.tests[i].considered) continue;
    considered.push_back(i);
    if (!selection.cannot_skip.empty()) {
      itr_session_run_anyway(
          session, i,
          ("nothing is skipped with " + selection.cannot_skip).c_str());
    }
  }
  size_t skipped =
      itr_session_select(session, considered.data(), considered.size());
  for (size_t i : considered) {
    if (itr_session_decision(session, i).skip) selection.tests[i].skip = true;
  }
  if (!selection.junit_path.empty() && skipped > 0) {
    recording->junit_path = selection.junit_path;
  }
  recording->partial = selection.partial;
  g_recording = recording.release();
  ::doctest::registerReporter<RecordingListener>("itr", 0,
                                                 /*isReporter=*/false);
}

void ReportSkipped() {
  if (g_recording == nullptr || g_recording->junit_path.empty()) return;
  itr_session_add_skipped_to_report(g_recording->session, ITR_REPORT_JUNIT,
                                    g_recording->junit_path.c_str());
}

}  // namespace doctest
}  // namespace itr
