// One test process (or one `itr ctest` run) under the Intelligent Test
// Runner, whatever its test framework. The runner does only what is
// framework-specific — list the tests, apply the skip list with the
// framework's own filter, report each test's start and end — and the
// session does the rest, once for everyone: settings, backend choice,
// planning, the summary line and the warnings, coverage brackets and
// recording.
//
//   auto session = ItrSession::Start(std::move(options));
//   if (!session->enabled()) return;              // ITR off: touch nothing
//   session->Plan(tests);
//   ...the runner applies its own filters, then says which it considered:
//   session->SelectTests(considered);             // the summary line
//   session->TestStarted(i); ... session->TestFinished(i, outcome);
//   session->Finish({/*clean=*/true, exit_code});
//
// Fail open by construction: any error (no instrumentation, store unusable,
// planning failed) turns the backend into a NullBackend, so every test
// runs, with one warning line.
#ifndef ITR_SKIPPER_SESSION_ITR_SESSION_H_
#define ITR_SKIPPER_SESSION_ITR_SESSION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "skipper/backend/backend.h"
#include "skipper/base/diagnostics.h"
#include "skipper/config/settings.h"
#include "skipper/coverage/coverage_source.h"
#include "skipper/model/planning.h"
#include "skipper/model/test_outcome.h"
#include "skipper/model/test_run.h"

namespace itr::skipper {

struct SessionOptions {
  std::string framework;  // "gtest", "catch2", "doctest", "ctest"
  std::string framework_version;
  // itr::BuildConfiguration() of the test binary (or of the build tree).
  std::string build_configuration;
  std::string module;   // "" : the running executable's name
  std::string command;  // "" : this process's command line
  std::string repo_root;
  // Modification time of the binary whose tests are planned, or
  // kNoBuildTime when the planner is not that binary.
  int64_t planning_built_at_ns = 0;
  std::unique_ptr<CoverageSource> coverage;  // required
  Diagnostics* diagnostics = nullptr;        // "" : ProcessDiagnostics()
  GetEnv getenv;                             // empty: the process's
};

// When a test ran, where the runner knows better than the session's clock
// (`itr ctest` reads it from CTest's report after the fact).
struct TestTiming {
  int64_t start_unix_ns = 0;
  double duration_ms = 0;
};

class ItrSession {
 public:
  // Reads the settings. Never fails; when ITR is disabled, enabled() is
  // false and the runner should change nothing. The backend is chosen and
  // opened by the first Plan().
  static std::unique_ptr<ItrSession> Start(SessionOptions options);
  ~ItrSession();

  bool enabled() const { return enabled_; }
  // After Plan: false when nothing is planned from records or recorded
  // (the backend is a NullBackend).
  bool records() const { return backend_ != nullptr && backend_->Records(); }
  const Settings& settings() const { return settings_; }
  const std::string& module() const { return options_.module; }
  Diagnostics& diagnostics() { return *options_.diagnostics; }

  // `file` relative to the repository root when it lies inside it.
  std::string RepoRelative(const std::string& file) const;

  // The markers every framework shares: a suite or name containing
  // datadog_itr_unskippable, ITR_UNSKIPPABLE filters; "" when none.
  std::string SharedUnskippableReason(const std::string& suite,
                                      const std::string& name) const;

  // One decision per test, in order. Errors fail open (all run). The
  // session keeps the tests and decisions for what follows.
  const std::vector<TestDecision>& Plan(std::vector<PlannedTest> tests);

  // Before SelectTests: the runner cannot skip this planned test safely
  // (e.g. its framework cannot leave it out alone), so it runs, with
  // `reason`.
  void RunAnyway(size_t index, const std::string& reason);

  // Balanced sharding (ITR_SHARDING=balanced, decision/shard_partition.h),
  // after Plan and RunAnyway, before SelectTests: `considered` lists the
  // planned tests that passed the runner's own filters, in the same order
  // in every shard. Returns those shard `shard_index` of `total_shards`
  // owns under the run's plan (the first shard's split of the tests it
  // would run, by recorded duration, shared through the store; the others
  // round-robin by position); SelectTests then runs or skips each by this
  // shard's own decision. nullopt when the framework's own sharding applies
  // (not asked for). A backend without a store (Datadog's) deals every test
  // round-robin by position, with one warning. When no plan can be had
  // (the store failed in this process, the plan could not be published or
  // read): every considered test, with one warning line — the other shards
  // may have planned, and no test may be left to no shard.
  std::optional<std::vector<size_t>> ShardTests(
      const std::vector<size_t>& considered, int total_shards, int shard_index);

  // The runner's final choice: indices of the planned tests that passed its
  // own filters and sharding. Those whose decision says skip are skipped,
  // the others run. Prints the summary line (and, verbose, each decision).
  // Returns the indices skipped.
  std::vector<size_t> SelectTests(const std::vector<size_t>& considered);

  // Brackets one planned test with the coverage source and records it.
  void TestStarted(size_t index);
  // Process-level runners: these planned tests are about to run in other
  // processes; each then ends with TestFinished (with its timing) or never.
  void TestsLaunched(const std::vector<size_t>& indices);
  void TestFinished(size_t index, TestOutcome outcome,
                    const std::optional<TestTiming>& timing = std::nullopt);

  // Records what ran outside the tests so far, in case the process dies
  // before Finish (done by the first TestStarted too).
  void RecordCodeBeforeTests();
  // At the end of the run. Idempotent.
  void Finish(const SessionEnd& end);

  const std::vector<PlannedTest>& planned() const { return planned_; }
  const std::vector<TestDecision>& decisions() const { return decisions_; }
  // The tests SelectTests skipped, in order.
  const std::vector<SkippedTest>& skipped() const { return skipped_; }

 private:
  explicit ItrSession(SessionOptions options);
  void OpenBackend();
  void WarnAboutRecording();
  // What the shards of one sharded run share: ITR_RUN_ID, else the commit
  // (DD_GIT_COMMIT_SHA, the CI's), else "" (decision/shard_partition.h,
  // ShardPlanKey).
  std::string ShardedRunIdentity() const;

  SessionOptions options_;
  bool enabled_ = false;
  Settings settings_;
  std::unique_ptr<Backend> backend_;
  std::vector<PlannedTest> planned_;
  std::vector<TestDecision> decisions_;
  std::vector<SkippedTest> skipped_;
  bool code_before_tests_recorded_ = false;
  bool finished_ = false;
  bool warned_about_recording_ = false;
  std::chrono::steady_clock::time_point started_;
  int64_t started_unix_ns_ = 0;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_SESSION_ITR_SESSION_H_
