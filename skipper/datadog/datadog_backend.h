// The Datadog backend: Datadog's Test Optimization service answers which
// tests may be skipped (from the coverage earlier runs reported and the git
// history it was sent), and receives every result and per-test coverage.
// Used instead of the local store when the environment says so
// (datadog_config.h). Fails open: whatever the startup could not learn
// means "run", and reporting errors never change a test's outcome.
#ifndef ITR_SKIPPER_DATADOG_DATADOG_BACKEND_H_
#define ITR_SKIPPER_DATADOG_DATADOG_BACKEND_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "itr/test_optimization.h"
#include "skipper/backend/backend.h"
#include "skipper/config/settings.h"
#include "skipper/datadog/api_client.h"
#include "skipper/datadog/datadog_config.h"
#include "skipper/datadog/datadog_startup.h"
#include "skipper/transport/http_client.h"

namespace itr::skipper::datadog {

class TestCycleReport;  // datadog_backend.cc

class DatadogBackend : public Backend {
 public:
  // Runs the startup sequence (bounded by the startup budget); what it
  // could not learn is warned about. Errors: no way to reach Datadog (the
  // caller runs everything).
  static absl::StatusOr<std::unique_ptr<DatadogBackend>> Open(
      const Settings& settings, const DatadogConfig& config,
      const ProcessInfo& process, Diagnostics& diagnostics);
  ~DatadogBackend() override;

  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::vector<PlannedTest>& tests) override;
  void TestStarted(const TestIdentity& test) override;
  void TestFinished(const TestRun& run) override;
  void OutsideTestsExecuted(const CodeOutsideTests& code, bool final) override;
  void TestsSkipped(const std::vector<SkippedTest>& skipped) override;
  void SessionEnded(const SessionEnd& end) override;
  std::string FirstError() const override { return error_; }

  const StartupResult& startup() const { return startup_; }

 private:
  DatadogBackend() = default;
  static absl::StatusOr<std::unique_ptr<DatadogBackend>> OpenOrThrow(
      const Settings& settings, const DatadogConfig& config,
      const ProcessInfo& process, Diagnostics& diagnostics);
  void StartReport(const DatadogConfig& config);
  void TagSessionAndModule();
  void AddCoverage(const TestRun& run, uint64_t test_span_id);
  void SendCoverage();
  // Suite level: skipped suites as one skipped suite event each; a suite
  // some of whose tests ran has its skipped tests reported one by one.
  int ReportSkippedSuites(const std::vector<SkippedTest>& skipped);
  void ReportSkippedTest(const TestIdentity& test);

  // The settings say itr_enabled (and code_coverage).
  bool ItrEnabled() const;
  bool CoverageEnabled() const;
  // A skippable list came: the skipping tags apply (protocol §5.4).
  bool Skipping() const { return startup_.skippable.has_value(); }
  bool SuiteLevel() const { return settings_.level == SkipLevel::kSuite; }

  // What a test (test level) or a suite (suite level, the union of its
  // tests') executed, sent at the end with the session's files added.
  struct PendingCoverage {
    uint64_t suite_id = 0;
    uint64_t span_id = 0;  // 0 at suite level
    bool complete = true;  // suite level: every test's coverage was
    std::map<std::string, std::set<int>> lines;  // file -> lines (or none)
  };

  Settings settings_;
  ProcessInfo process_;
  std::unique_ptr<transport::HttpClient> http_;
  std::unique_ptr<ApiClient> api_;
  std::unique_ptr<GitUploadTask> upload_;
  StartupResult startup_;
  std::unique_ptr<TestCycleReport> report_;
  std::shared_ptr<itr::datadog::EventSink> sink_;
  // By test span id (test level) or suite name (suite level).
  std::map<std::string, PendingCoverage> pending_coverage_;
  ExecutedCode session_executed_;  // complete == false until reported
  std::string error_;
};

}  // namespace itr::skipper::datadog

#endif  // ITR_SKIPPER_DATADOG_DATADOG_BACKEND_H_
