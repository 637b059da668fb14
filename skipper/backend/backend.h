// The skipper's backend: who answers "which of these tests may be skipped"
// and receives results and per-test coverage. Framework adapters talk only to
// this interface; the embedded store (LocalBackend) implements it today, the
// Datadog API will tomorrow, and NullBackend stands in whenever the feature
// is off or a backend failed — so failing open is the default shape.
#ifndef ITR_SKIPPER_BACKEND_BACKEND_H_
#define ITR_SKIPPER_BACKEND_BACKEND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/identity/test_identity.h"
#include "skipper/store/local_store.h"

namespace itr::skipper {

// What one test (or the session) executed, as the coverage runtime saw it.
struct ExecutedCode {
  bool complete = false;  // false: the executed code is not fully known
  std::vector<std::string> files;  // repository-relative paths
  // Executed lines of files[i] (ascending), when known; may be empty.
  std::vector<std::vector<uint32_t>> lines;
};

// One test that ran to its end in this process.
struct TestRun {
  TestIdentity identity;
  TestOutcome outcome = TestOutcome::kPassed;
  int64_t start_unix_ns = 0;
  double duration_ms = 0;
  bool unskippable = false;
  bool forced = false;  // was skippable, ran because it is unskippable
  ExecutedCode executed;
  // Further dependencies that are not compiled into the test binaries (a
  // CTest test's script): the "newer than the binary" rule does not apply.
  std::vector<std::string> uncompiled_files;
};

// One test this process skipped, with the decision that skipped it.
struct SkippedTest {
  TestIdentity identity;
  TestDecision decision;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // One decision per test, in order. An error means: run everything.
  virtual absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::vector<PlannedTest>& tests) = 0;

  // Recording. Errors are reported once through LastError() and never stop
  // the tests.
  virtual void TestStarted(const TestIdentity& test) = 0;
  virtual void TestFinished(const TestRun& run) = 0;
  // Session coverage so far; `final` at the end of the process.
  virtual void SessionExecuted(const ExecutedCode& executed, bool final) = 0;
  // Tests this process skipped (from Plan): their time saved.
  virtual void TestsSkipped(const std::vector<SkippedTest>& skipped) = 0;
  // The process is done with tests (after the final SessionExecuted and
  // TestsSkipped); `clean`: no failure outside any test.
  virtual void SessionEnded(bool clean) { (void)clean; }

  // The first recording error, or "" (for a one-line warning).
  virtual std::string LastError() const = 0;
};

// Runs everything, records nothing.
class NullBackend : public Backend {
 public:
  explicit NullBackend(std::string why) : why_(std::move(why)) {}
  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::vector<PlannedTest>& tests) override {
    std::vector<TestDecision> decisions(tests.size());
    for (TestDecision& d : decisions) d.reason = why_;
    return decisions;
  }
  void TestStarted(const TestIdentity&) override {}
  void TestFinished(const TestRun&) override {}
  void SessionExecuted(const ExecutedCode&, bool) override {}
  void TestsSkipped(const std::vector<SkippedTest>&) override {}
  std::string LastError() const override { return ""; }

 private:
  std::string why_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_BACKEND_H_
