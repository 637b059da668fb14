// The skipper's backend: who answers "which of these tests may be skipped"
// and receives results and per-test coverage. The session talks only to
// this interface: the embedded store (LocalBackend) and Datadog's Test
// Optimization service (datadog/DatadogBackend) implement it, and
// NullBackend stands in whenever the feature is off or a backend failed, so
// failing open is the default shape.
#ifndef ITR_SKIPPER_BACKEND_BACKEND_H_
#define ITR_SKIPPER_BACKEND_BACKEND_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "skipper/model/planning.h"
#include "skipper/model/test_run.h"

namespace itr::skipper {

class Backend {
 public:
  virtual ~Backend() = default;

  // One decision per test, in order. An error means: run everything.
  virtual absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::vector<PlannedTest>& tests) = 0;

  // Recording. Errors never stop the tests; the first one is kept for a
  // one-line warning (FirstError).
  virtual void TestStarted(const TestIdentity& test) = 0;
  // After planning: the tests this process is about to run (those not
  // skipped among the ones the framework will run), before the first.
  virtual void TestsWillRun(const std::vector<TestIdentity>& tests) {
    (void)tests;
  }
  // A process-level runner is about to run these tests in other processes;
  // each ends with TestFinished, or never (not run, runner killed).
  virtual void TestsLaunched(const std::vector<TestIdentity>& tests) {
    (void)tests;
  }
  virtual void TestFinished(const TestRun& run) = 0;
  // What executed outside every test so far; `final` at the end of the
  // process.
  virtual void OutsideTestsExecuted(const CodeOutsideTests& code,
                                    bool final) = 0;
  // Tests this process skipped (from Plan): their time saved.
  virtual void TestsSkipped(const std::vector<SkippedTest>& skipped) = 0;
  // The process is done with tests (after the final OutsideTestsExecuted
  // and TestsSkipped).
  virtual void SessionEnded(const SessionEnd& end) { (void)end; }

  // The first recording error, or "".
  virtual std::string FirstError() const = 0;

  // False for the NullBackend: nothing is planned from records or recorded.
  virtual bool Records() const { return true; }
  // Balanced shards (decision/shard_partition.h): publishes `proposed` as
  // the plan of the sharded run `key` unless one is there, and returns the
  // plan every shard of that run uses. An error: this backend cannot share
  // one (the shard then runs every test).
  virtual absl::StatusOr<std::string> SharedShardPlan(
      const std::string& key, const std::string& proposed) {
    (void)key;
    (void)proposed;
    return absl::UnimplementedError("this backend shares no shard plan");
  }

  // After Plan: whether TestRun::executed must carry files and lines
  // (attributing probes to lines costs a DWARF pass per binary).
  virtual bool WantsFiles() const { return true; }
};

// Runs everything, records nothing; `why` is every decision's reason.
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
  void OutsideTestsExecuted(const CodeOutsideTests&, bool) override {}
  bool WantsFiles() const override { return false; }
  void TestsSkipped(const std::vector<SkippedTest>&) override {}
  std::string FirstError() const override { return ""; }
  bool Records() const override { return false; }

 private:
  std::string why_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_BACKEND_BACKEND_H_
