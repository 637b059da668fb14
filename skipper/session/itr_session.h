// One test process under the Intelligent Test Runner, whatever its test
// framework. A framework adapter (GoogleTest, Catch2, doctest, a CTest
// child) does only what is framework-specific — list the tests, apply the
// skip list with the framework's own filter, observe each test's start and
// end — and the session does the rest: settings, backend choice, planning,
// coverage brackets, recording, the summary line and the warnings.
//
//   auto session = ItrSession::Start(BuildConfiguration(), {"catch2", "2.13"});
//   if (!session->enabled()) return;            // ITR off: touch nothing
//   std::vector<TestDecision> d = session->Plan(tests);
//   ...adapter filters; then tells which planned tests it considered:
//   session->Commit(considered_indices);        // summary line
//   session->TestStarted(i); ... session->TestFinished(i, outcome);
//   session->Finish(/*clean=*/true);
//
// Fail open by construction: any error (no instrumentation, store unusable,
// planning failed) turns the backend into a NullBackend, so every test runs,
// with one warning line on stderr.
#ifndef ITR_SKIPPER_SESSION_ITR_SESSION_H_
#define ITR_SKIPPER_SESSION_ITR_SESSION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "skipper/backend/backend.h"
#include "skipper/config/settings.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/identity/test_identity.h"
#include "skipper/store/local_store.h"

namespace itr::skipper {

struct Framework {
  std::string name;     // "gtest", "catch2", "doctest", "ctest"
  std::string version;  // "1.12.1"
};

class ItrSession {
 public:
  // Reads the environment and opens the backend. Never fails; when ITR is
  // disabled, enabled() is false and the adapter should change nothing.
  // `compiler` identifies the build (itr::BuildConfiguration() of the test
  // binary's TU).
  static std::unique_ptr<ItrSession> Start(const std::string& compiler,
                                           Framework framework);
  ~ItrSession();

  bool enabled() const { return enabled_; }
  const Settings& settings() const { return settings_; }
  const Framework& framework() const { return framework_; }
  const std::string& module() const { return module_; }
  const std::string& repo_root() const { return repo_root_; }

  // `file` relative to the repository root when it lies inside it.
  std::string RepoRelative(const std::string& file) const;

  // The unskippable markers every framework shares (registered
  // DATADOG_ITR_UNSKIPPABLE*, a name containing datadog_itr_unskippable,
  // ITR_UNSKIPPABLE filters); "" when none.
  std::string SharedUnskippableReason(const std::string& suite,
                                      const std::string& name,
                                      const std::string& raw_file) const;

  // One decision per test, in order. Errors fail open (all run).
  // The session keeps `tests` and the decisions for what follows.
  const std::vector<TestDecision>& Plan(std::vector<PlannedTest> tests);

  // The adapter's final choice: indices into the planned tests that passed
  // its own filters and sharding. Those whose decision says skip are
  // skipped; the others run. Prints the summary (and, verbose, each
  // decision). Returns the indices skipped.
  std::vector<size_t> Commit(const std::vector<size_t>& considered);

  // Before Commit: the adapter cannot skip this planned test safely (e.g.
  // its framework cannot exclude it alone), so it runs, with `reason`.
  void RunAnyway(size_t index, const std::string& reason);

  // Brackets one planned test with the coverage runtime and records it.
  void TestStarted(size_t index);
  void TestFinished(size_t index, TestOutcome outcome);

  // Session coverage before the first test, in case the process dies.
  void ReportEarlySessionCoverage();
  // At the end of the process; `clean`: no failure outside any test.
  void Finish(bool clean);

  const std::vector<PlannedTest>& planned() const { return planned_; }
  const std::vector<TestDecision>& decisions() const { return decisions_; }

 private:
  ItrSession() = default;
  void WarnOnce();

  bool enabled_ = false;
  Settings settings_;
  Framework framework_;
  std::string module_, repo_root_;
  std::unique_ptr<Backend> backend_;
  std::vector<PlannedTest> planned_;
  std::vector<TestDecision> decisions_;
  std::vector<SkippedTest> skipped_;
  bool early_session_reported_ = false;
  bool finished_ = false;
  bool warned_ = false;
  bool print_coverage_ = false;
  std::chrono::steady_clock::time_point started_;
  int64_t started_unix_ns_ = 0;
};

// Writes "itr: <line>" to stderr.
void SayItr(const std::string& line);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_SESSION_ITR_SESSION_H_
