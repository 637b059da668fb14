#include "skipper/datadog/datadog_backend.h"

#include <unistd.h>

#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "itr/test_optimization.h"
#include "skipper/base/status_macros.h"
#include "skipper/ci/ci_tags.h"
#include "skipper/ci/codeowners.h"
#include "skipper/ci/test_environment.h"
#include "skipper/datadog/reporting/intake_sink.h"
#include "skipper/datadog/skippable_matcher.h"
#include "skipper/transport/network_limits.h"

namespace itr::skipper::datadog {

namespace {

// The tracers' (Go, Python) reason on skipped test events.
constexpr char kSkipReason[] = "Skipped by Datadog Intelligent Test Runner";

std::string Bool(bool value) { return value ? "true" : "false"; }

std::string TagOr(const std::map<std::string, std::string>& tags,
                  const char* name) {
  auto it = tags.find(name);
  return it == tags.end() ? "" : it->second;
}

std::string CurrentDirectory() {
  char cwd[4096];
  return getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "";
}

}  // namespace

// The test cycle of this process in Datadog's model: one session, one
// module (the test binary), its suites, its tests.
class TestCycleReport {
 public:
  TestCycleReport(std::unique_ptr<itr::datadog::TestSession> session,
                  const std::string& module,
                  std::optional<Codeowners> codeowners)
      : session_(std::move(session)),
        module_(session_->StartModule(module)),
        codeowners_(std::move(codeowners)) {}

  itr::datadog::TestSession* session() { return session_.get(); }
  itr::datadog::TestModule* module() { return module_; }

  itr::datadog::Test* Start(const TestIdentity& id,
                            std::optional<absl::Time> start = std::nullopt) {
    itr::datadog::Test* test = SuiteOf(id)->StartTest(id.name, start);
    if (!id.source_file.empty()) {
      test->SetSourceFile(id.source_file);
      if (std::string owners = OwnersOf(id.source_file); !owners.empty()) {
        test->SetTag("test.codeowners", owners);
      }
    }
    // Only the first line is known (GoogleTest, Catch2, doctest).
    if (id.source_line > 0) test->SetSourceLines(id.source_line);
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

  // Whether a test of `suite` was reported (ran, or is running).
  bool HasSuite(const std::string& suite) const {
    return suites_.count(suite) > 0;
  }

 private:
  // test.codeowners of a file, once per file.
  std::string OwnersOf(const std::string& file) {
    if (!codeowners_) return "";
    auto [it, inserted] = owners_.try_emplace(file);
    if (inserted) it->second = codeowners_->OwnersJson(file);
    return it->second;
  }

  std::unique_ptr<itr::datadog::TestSession> session_;
  itr::datadog::TestModule* module_;
  std::optional<Codeowners> codeowners_;
  std::map<std::string, std::string> owners_;
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
  transport::SetExitNetworkBudget(config.connection.exit_budget);
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
  // DD_ENV only: the requests need an env ("none"), the events do not.
  options.env = settings_.env;
  options.command = process_.command;
  options.framework = process_.framework;
  options.framework_version = process_.framework_version;
  options.session_name = config.session_name;
  options.environment_tags = s.environment_tags;
  std::map<std::string, std::string>& tags = options.environment_tags;
  tags["_dd.test.is_user_provided_service"] = Bool(!settings_.service.empty());
  const std::string workspace = TagOr(tags, kTagWorkspacePath);
  const std::string root = workspace.empty() ? process_.repo_root : workspace;
  if (std::string cwd = CurrentDirectory(); !cwd.empty()) {
    tags["test.working_directory"] = WorkingDirectoryTag(cwd, root);
  }
  // On every event, as the tracers do: which start-up request failed.
  for (const std::string& request : s.configuration_errors) {
    tags[absl::StrCat("_dd.ci.library_configuration_error.", request)] = "true";
  }
  if (Skipping()) {
    options.itr_correlation_id = s.skippable->correlation_id;
    options.itr_correlation_level = SuiteLevel()
                                        ? itr::datadog::SkippingLevel::kSuite
                                        : itr::datadog::SkippingLevel::kTest;
  }
  sink_ = std::make_shared<itr::datadog::reporting::IntakeSink>(
      api_->endpoints(), transport::HttpClient(), config.intake);
  options.sink = sink_;
  // CODEOWNERS of the CI workspace, else of the repository.
  std::optional<Codeowners> codeowners = Codeowners::Load(root);
  if (!codeowners && root != process_.repo_root &&
      !process_.repo_root.empty()) {
    codeowners = Codeowners::Load(process_.repo_root);
  }
  report_ = std::make_unique<TestCycleReport>(
      itr::datadog::TestSession::Start(std::move(options)), process_.module,
      std::move(codeowners));
  TagSessionAndModule();
}

// Session and module tags (protocol §5.4), as dd-trace-py sets them: the
// skipping ones only when skipping is on, so a run whose settings turned it
// off never looks like one that skipped nothing.
void DatadogBackend::TagSessionAndModule() {
  for (itr::datadog::TestSpan* span :
       {static_cast<itr::datadog::TestSpan*>(report_->session()),
        static_cast<itr::datadog::TestSpan*>(report_->module())}) {
    span->SetTag("test.itr.tests_skipping.enabled", Bool(Skipping()));
    if (Skipping()) {
      span->SetTag("test.itr.tests_skipping.type", startup_.run.test_level);
    }
    span->SetTag("test.code_coverage.enabled", Bool(CoverageEnabled()));
  }
}

bool DatadogBackend::ItrEnabled() const {
  return startup_.settings && startup_.settings->itr_enabled;
}

bool DatadogBackend::CoverageEnabled() const {
  return ItrEnabled() && startup_.settings->code_coverage;
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
  // A forced run is a test the list named that ran anyway; it is
  // unskippable itself, or (suite level) shares a suite with one.
  if (Skipping() && run.forced) {
    test->SetTag("test.itr.forced_run", "true");
    if (run.unskippable) test->SetTag("test.itr.unskippable", "true");
  }
  if (CoverageEnabled()) AddCoverage(run, test->span_id());
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

// Incomplete coverage is not sent: a file list missing something could make
// the backend call the test (or suite) skippable when that file changes.
// Complete coverage waits for the end of the process: the code that ran
// outside every test (static initialisation, SetUpTestSuite, an
// Environment) is added then. At suite level (dd-trace-py's suite mode) one
// entry per suite holds the union of its tests', without a span id, so the
// backend keys it by suite; one incomplete test spoils its suite's.
void DatadogBackend::AddCoverage(const TestRun& run, uint64_t test_span_id) {
  const std::string key =
      SuiteLevel() ? run.identity.suite : absl::StrCat(test_span_id);
  if (!SuiteLevel() && !run.executed.complete) return;
  PendingCoverage& pending = pending_coverage_[key];
  pending.suite_id = report_->SuiteOf(run.identity)->span_id();
  pending.span_id = SuiteLevel() ? 0 : test_span_id;
  if (!run.executed.complete) pending.complete = false;
  if (!pending.complete) return;
  for (size_t i = 0; i < run.executed.files.size(); ++i) {
    std::set<int>& lines = pending.lines[run.executed.files[i]];
    if (i < run.executed.lines.size()) {
      lines.insert(run.executed.lines[i].begin(), run.executed.lines[i].end());
    }
  }
  // Scripts and data files a process-level test names (itr ctest), and the
  // repository files the test read at run time: files without lines.
  for (const std::string& file : run.uncompiled_files) pending.lines[file];
  for (const std::string& file : run.executed.files_read) pending.lines[file];
}

void DatadogBackend::OutsideTestsExecuted(const CodeOutsideTests& code, bool) {
  // Datadog knows files: the code outside tests is one set of them (the
  // in-process source attributes both phases' lines together).
  session_executed_ = code.between_tests;
  for (const std::string& file : code.startup.files) {
    session_executed_.files.push_back(file);
  }
  for (const ExecutedCode* phase : {&code.startup, &code.between_tests}) {
    session_executed_.files.insert(session_executed_.files.end(),
                                   phase->files_read.begin(),
                                   phase->files_read.end());
  }
  session_executed_.complete =
      code.startup.complete && code.between_tests.complete;
}

void DatadogBackend::ReportSkippedTest(const TestIdentity& test) {
  itr::datadog::Test* span = report_->Start(test);
  span->SetTag("test.skipped_by_itr", "true");
  span->Skip(kSkipReason);
}

int DatadogBackend::ReportSkippedSuites(
    const std::vector<SkippedTest>& skipped) {
  std::map<std::string, std::vector<const TestIdentity*>> by_suite;
  for (const SkippedTest& s : skipped) {
    by_suite[s.identity.suite].push_back(&s.identity);
  }
  int suites = 0;
  for (const auto& [suite, tests] : by_suite) {
    if (report_->HasSuite(suite)) {
      // Some of its tests ran: the suite was not skipped, these tests were.
      for (const TestIdentity* test : tests) ReportSkippedTest(*test);
      continue;
    }
    itr::datadog::TestSuite* span = report_->SuiteOf(*tests.front());
    span->SetTag("test.skipped_by_itr", "true");
    span->Skip(kSkipReason);
    ++suites;
  }
  return suites;
}

void DatadogBackend::TestsSkipped(const std::vector<SkippedTest>& skipped) {
  // dd-trace-py (PR #18755): at suite level the skipped suite is reported,
  // not its tests, and the count is of suites.
  int count = 0;
  if (SuiteLevel()) {
    count = ReportSkippedSuites(skipped);
  } else {
    for (const SkippedTest& s : skipped) ReportSkippedTest(s.identity);
    count = static_cast<int>(skipped.size());
  }
  if (!Skipping()) return;  // no list, no skipping tags (and no skips)
  for (itr::datadog::TestSpan* span :
       {static_cast<itr::datadog::TestSpan*>(report_->session()),
        static_cast<itr::datadog::TestSpan*>(report_->module())}) {
    span->SetMetric("test.itr.tests_skipping.count", count);
    span->SetTag("test.itr.tests_skipping.tests_skipped", Bool(count > 0));
    span->SetTag("_dd.ci.itr.tests_skipped", Bool(count > 0));
  }
}

void DatadogBackend::SendCoverage() {
  // Coverage only when what ran outside the tests is fully known: it is
  // part of every test's dependencies.
  if (session_executed_.complete) {
    for (auto& [key, pending] : pending_coverage_) {
      if (!pending.complete) continue;
      for (const std::string& file : session_executed_.files) {
        pending.lines[file];
      }
      if (pending.lines.empty()) continue;
      itr::datadog::TestCoverage coverage;
      coverage.test_session_id = report_->session()->span_id();
      coverage.test_suite_id = pending.suite_id;
      coverage.span_id = pending.span_id;
      for (const auto& [file, lines] : pending.lines) {
        coverage.files.push_back({file, {lines.begin(), lines.end()}});
      }
      sink_->WriteCoverage(std::move(coverage));
    }
  }
  pending_coverage_.clear();
}

void DatadogBackend::SessionEnded(const SessionEnd& end) {
  // The process ends: the last batches and the git upload share the exit's
  // network time (an upload request still running stops at its end). The
  // results go first.
  transport::CutOffNetworkForExit();
  if (!end.clean) {
    report_->module()->SetError("itr.unclean_end",
                                "a failure outside any test");
  }
  // What the test command exits with (dd-trace-go's test.exit_code).
  if (end.exit_code) {
    report_->session()->SetMetric("test.exit_code", *end.exit_code);
  }
  SendCoverage();
  report_->module()->Finish();
  report_->session()->Finish();  // flushes the sink
  if (upload_ != nullptr) {
    absl::Status outcome = upload_->Join();
    if (!outcome.ok() && error_.empty()) {
      error_ = std::string(outcome.message());
    }
  }
}

}  // namespace itr::skipper::datadog
