#include "skipper/datadog/datadog_backend.h"

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "itr/test_optimization.h"
#include "skipper/base/status_macros.h"
#include "skipper/datadog/reporting/intake_sink.h"
#include "skipper/datadog/skippable_matcher.h"

namespace itr::skipper::datadog {

namespace {

// The tracers' (Go, Python) reason on skipped test events.
constexpr char kSkipReason[] = "Skipped by Datadog Intelligent Test Runner";

std::string Bool(bool value) { return value ? "true" : "false"; }

}  // namespace

// The test cycle of this process in Datadog's model: one session, one
// module (the test binary), its suites, its tests.
class TestCycleReport {
 public:
  TestCycleReport(std::unique_ptr<itr::datadog::TestSession> session,
                  const std::string& module)
      : session_(std::move(session)), module_(session_->StartModule(module)) {}

  itr::datadog::TestSession* session() { return session_.get(); }
  itr::datadog::TestModule* module() { return module_; }

  itr::datadog::Test* Start(const TestIdentity& id,
                            std::optional<absl::Time> start = std::nullopt) {
    itr::datadog::Test* test = SuiteOf(id)->StartTest(id.name, start);
    if (!id.source_file.empty()) test->SetSourceFile(id.source_file);
    if (!id.parameters.empty()) {
      test->SetParameters(TestParametersJson(id.parameters));
    }
    return test;
  }

  // The running test of `id`, or a new one started at `start` when
  // TestStarted was not called (a process-level runner learns of a test
  // when it has ended).
  itr::datadog::Test* Take(const TestIdentity& id,
                           std::optional<absl::Time> start) {
    auto it = running_.find(id.Key());
    if (it == running_.end()) return Start(id, start);
    itr::datadog::Test* test = it->second;
    running_.erase(it);
    return test;
  }

  void Started(const TestIdentity& id) { running_[id.Key()] = Start(id); }

  itr::datadog::TestSuite* SuiteOf(const TestIdentity& id) {
    itr::datadog::TestSuite*& suite = suites_[id.suite];
    if (suite == nullptr) suite = module_->StartSuite(id.suite);
    return suite;
  }

 private:
  std::unique_ptr<itr::datadog::TestSession> session_;
  itr::datadog::TestModule* module_;
  std::map<std::string, itr::datadog::TestSuite*> suites_;
  std::map<std::string, itr::datadog::Test*> running_;
};

absl::StatusOr<std::unique_ptr<DatadogBackend>> DatadogBackend::Open(
    const Settings& settings, const DatadogConfig& config,
    const ProcessInfo& process, Diagnostics& diagnostics) {
  // Nothing below should throw; if a library does (bad_alloc, a JSON or
  // thread error), the tests run rather than the binary terminating.
  try {
    return OpenOrThrow(settings, config, process, diagnostics);
  } catch (const std::exception& error) {
    return absl::InternalError(
        absl::StrCat("unexpected error: ", error.what()));
  }
}

absl::StatusOr<std::unique_ptr<DatadogBackend>> DatadogBackend::OpenOrThrow(
    const Settings& settings, const DatadogConfig& config,
    const ProcessInfo& process, Diagnostics& diagnostics) {
  std::unique_ptr<DatadogBackend> backend(new DatadogBackend());
  backend->settings_ = settings;
  backend->process_ = process;
  backend->http_ = std::make_unique<transport::HttpClient>();
  ITR_ASSIGN_OR_RETURN(
      Startup startup,
      RunStartup(settings, config, process, backend->http_.get(), diagnostics));
  backend->startup_ = std::move(startup.result);
  backend->api_ = std::move(startup.api);
  backend->upload_ = std::move(startup.upload);
  backend->StartReport(config);
  return backend;
}

void DatadogBackend::StartReport(const DatadogConfig& config) {
  const StartupResult& s = startup_;
  itr::datadog::SessionOptions options;
  options.service = s.run.service;
  options.env = s.run.env;
  options.command = process_.command;
  options.framework = process_.framework;
  options.framework_version = process_.framework_version;
  options.session_name = config.session_name;
  options.environment_tags = s.environment_tags;
  // On every event, as the tracers do: which start-up request failed.
  for (const std::string& request : s.configuration_errors) {
    options.environment_tags[absl::StrCat("_dd.ci.library_configuration_error.",
                                          request)] = "true";
  }
  if (s.skippable && settings_.level == SkipLevel::kTest) {
    options.itr_correlation_id = s.skippable->correlation_id;
  }
  sink_ = std::make_shared<itr::datadog::reporting::IntakeSink>(
      api_->endpoints(), transport::HttpClient());
  options.sink = sink_;
  report_ = std::make_unique<TestCycleReport>(
      itr::datadog::TestSession::Start(std::move(options)), process_.module);
  // Session and module tags (protocol §5.4).
  bool skipping = s.skippable.has_value();
  bool coverage =
      s.settings && s.settings->itr_enabled && s.settings->code_coverage;
  for (itr::datadog::TestSpan* span :
       {static_cast<itr::datadog::TestSpan*>(report_->session()),
        static_cast<itr::datadog::TestSpan*>(report_->module())}) {
    span->SetTag("test.itr.tests_skipping.enabled", Bool(skipping));
    span->SetTag("test.itr.tests_skipping.type", s.run.test_level);
    span->SetTag("test.code_coverage.enabled", Bool(coverage));
  }
}

DatadogBackend::~DatadogBackend() = default;

absl::StatusOr<std::vector<TestDecision>> DatadogBackend::Plan(
    const std::vector<PlannedTest>& tests) {
  if (!startup_.no_skipping_reason.empty() || !startup_.skippable) {
    std::vector<TestDecision> decisions(tests.size());
    for (TestDecision& d : decisions) {
      d.reason = startup_.no_skipping_reason.empty()
                     ? "no skippable list from Datadog"
                     : startup_.no_skipping_reason;
    }
    return decisions;
  }
  return DecideFromSkippable(tests, *startup_.skippable, settings_);
}

void DatadogBackend::TestStarted(const TestIdentity& test) {
  report_->Started(test);
}

void DatadogBackend::TestFinished(const TestRun& run) {
  std::optional<absl::Time> start;
  if (run.start_unix_ns != 0) start = absl::FromUnixNanos(run.start_unix_ns);
  itr::datadog::Test* test = report_->Take(run.identity, start);
  if (run.unskippable) test->SetTag("test.itr.unskippable", "true");
  if (run.forced) test->SetTag("test.itr.forced_run", "true");
  bool send_coverage = startup_.settings && startup_.settings->itr_enabled &&
                       startup_.settings->code_coverage;
  // Incomplete coverage is not sent: a file list missing something could
  // make the backend call the test skippable when that file changes.
  // Complete coverage waits for the end of the process: the code that ran
  // outside every test (static initialisation, SetUpTestSuite, an
  // Environment) is added to each test's files then.
  if (send_coverage && run.executed.complete) {
    PendingCoverage pending;
    pending.coverage.test_session_id = report_->session()->span_id();
    pending.coverage.test_suite_id = report_->SuiteOf(run.identity)->span_id();
    pending.coverage.span_id = test->span_id();
    for (size_t i = 0; i < run.executed.files.size(); ++i) {
      itr::datadog::FileLines file{run.executed.files[i], {}};
      if (i < run.executed.lines.size()) {
        file.lines.assign(run.executed.lines[i].begin(),
                          run.executed.lines[i].end());
      }
      pending.coverage.files.push_back(std::move(file));
    }
    // Scripts and data files a process-level test names (itr ctest).
    for (const std::string& file : run.uncompiled_files) {
      pending.coverage.files.push_back({file, {}});
    }
    pending_coverage_.push_back(std::move(pending));
  }
  itr::datadog::TestStatus status =
      run.outcome == TestOutcome::kPassed   ? itr::datadog::TestStatus::kPass
      : run.outcome == TestOutcome::kFailed ? itr::datadog::TestStatus::kFail
                                            : itr::datadog::TestStatus::kSkip;
  std::optional<absl::Time> end;
  if (start) end = *start + absl::Milliseconds(run.duration_ms);
  if (status == itr::datadog::TestStatus::kSkip) {
    test->Skip("skipped by the test framework", end);
  } else {
    test->Finish(status, end);
  }
}

void DatadogBackend::OutsideTestsExecuted(const CodeOutsideTests& code, bool) {
  // Datadog knows files: the code outside tests is one set of them (the
  // in-process source attributes both phases' lines together).
  session_executed_ = code.between_tests;
  for (const std::string& file : code.startup.files) {
    session_executed_.files.push_back(file);
  }
  session_executed_.complete =
      code.startup.complete && code.between_tests.complete;
}

void DatadogBackend::TestsSkipped(const std::vector<SkippedTest>& skipped) {
  for (const SkippedTest& s : skipped) {
    itr::datadog::Test* test = report_->Start(s.identity);
    test->SetTag("test.skipped_by_itr", "true");
    test->Skip(kSkipReason);
  }
  for (itr::datadog::TestSpan* span :
       {static_cast<itr::datadog::TestSpan*>(report_->session()),
        static_cast<itr::datadog::TestSpan*>(report_->module())}) {
    span->SetMetric("test.itr.tests_skipping.count",
                    static_cast<double>(skipped.size()));
    span->SetTag("_dd.ci.itr.tests_skipped", Bool(!skipped.empty()));
  }
}

void DatadogBackend::SessionEnded(const SessionEnd& end) {
  if (upload_ != nullptr) {
    absl::Status outcome = upload_->Join();
    if (!outcome.ok() && error_.empty())
      error_ = std::string(outcome.message());
  }
  if (!end.clean) {
    report_->module()->SetError("itr.unclean_end",
                                "a failure outside any test");
  }
  // Coverage only when what ran outside the tests is fully known: it is
  // part of every test's dependencies.
  if (session_executed_.complete) {
    for (PendingCoverage& pending : pending_coverage_) {
      for (const std::string& file : session_executed_.files) {
        pending.coverage.files.push_back({file, {}});
      }
      sink_->WriteCoverage(std::move(pending.coverage));
    }
  }
  pending_coverage_.clear();
  report_->module()->Finish();
  report_->session()->Finish();  // flushes the sink
}

}  // namespace itr::skipper::datadog
