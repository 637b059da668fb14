#include "skipper/session/itr_session.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "itr/coverage.hpp"
#include "skipper/backend/local_backend.h"
#include "skipper/datadog/datadog_backend.h"
#include "skipper/datadog/datadog_config.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/markers/unskippable.h"

namespace itr::skipper {

namespace {

ITR_NO_COVERAGE ExecutedCode Executed(const TestCoverage& coverage) {
  ExecutedCode executed;
  executed.complete = coverage.complete();
  for (const CoveredFile& file : coverage.files) {
    // Files outside the repository belong to the toolchain: configuration.
    if (file.external) continue;
    executed.files.push_back(file.path);
    executed.lines.push_back(file.lines);
  }
  return executed;
}

// The test command, as the tracers' test.command: the process's argv.
std::string CommandLine() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(file)),
                  std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

// The backend for this process (datadog/datadog_config.h has the
// precedence): Datadog, the local store, or a NullBackend (run everything,
// record nothing) when no backend is usable.
std::unique_ptr<Backend> ChooseBackend(const Settings& settings,
                                       const std::string& repo_root,
                                       const std::string& module,
                                       const std::string& compiler,
                                       const Framework& framework) {
  if (itr_coverage_state() == ITR_COVERAGE_UNAVAILABLE) {
    SayItr(
        "warning: this binary has no coverage instrumentation (see "
        "itr_instrument); all tests run");
    return std::make_unique<NullBackend>("no coverage instrumentation");
  }
  datadog::DatadogConfig datadog_config = datadog::LoadDatadogConfig(getenv);
  for (const std::string& warning : datadog_config.warnings) {
    SayItr("warning: " + warning);
  }
  if (datadog_config.backend == datadog::BackendKind::kDatadog) {
    datadog::ProcessInfo process{
        module,         repo_root,         compiler,
        framework.name, framework.version, CommandLine()};
    std::vector<std::string> warnings;
    auto remote = datadog::DatadogBackend::Open(settings, datadog_config,
                                                process, &warnings);
    for (const std::string& warning : warnings) SayItr("warning: " + warning);
    if (!remote.ok()) {
      SayItr("warning: cannot reach Datadog (" +
             std::string(remote.status().message()) + "); all tests run");
      return std::make_unique<NullBackend>("Datadog is unreachable");
    }
    if (settings.verbosity >= 1) {
      SayItr("backend: Datadog (" + datadog_config.why + ")");
    }
    return std::move(*remote);
  }
  std::string configuration =
      TestConfiguration::Current(compiler, settings.custom_configuration).Key();
  std::string notice;
  auto local = LocalBackend::Open(settings, repo_root, module, configuration,
                                  ExecutableModifiedAtNs(), &notice);
  if (!notice.empty()) SayItr("warning: " + notice + "; all tests run");
  if (!local.ok()) {
    SayItr("warning: " + std::string(local.status().message()) +
           "; all tests run");
    return std::make_unique<NullBackend>("the store is unusable");
  }
  return std::move(*local);
}

}  // namespace

void SayItr(const std::string& line) {
  fprintf(stderr, "itr: %s\n", line.c_str());
  fflush(stderr);
}

std::unique_ptr<ItrSession> ItrSession::Start(const std::string& compiler,
                                              Framework framework) {
  std::unique_ptr<ItrSession> session(new ItrSession());
  session->framework_ = std::move(framework);
  session->repo_root_ = itr_repository_root();
  session->settings_ = LoadSettings(getenv, session->repo_root_);
  for (const std::string& warning : session->settings_.warnings) {
    SayItr("warning: " + warning);
  }
  if (!session->settings_.itr_enabled) {
    SayItr("disabled (DD_CIVISIBILITY_ITR_ENABLED); all tests run");
    return session;
  }
  if (const char* unit = getenv("ITR_TEST_ID"); unit != nullptr && *unit) {
    // A process of a CTest test run by `itr ctest`: the whole process is the
    // unit that is skipped or recorded, so nothing inside it is skipped.
    if (session->settings_.verbosity >= 1) {
      SayItr(std::string("part of ") + unit + " (itr ctest); all tests run");
    }
    return session;
  }
  session->enabled_ = true;
  session->print_coverage_ = CoveragePrintRequested();
  session->module_ = CurrentModuleName();
  session->backend_ =
      ChooseBackend(session->settings_, session->repo_root_, session->module_,
                    compiler, session->framework_);
  return session;
}

ItrSession::~ItrSession() = default;

std::string ItrSession::RepoRelative(const std::string& file) const {
  if (!repo_root_.empty() &&
      file.compare(0, repo_root_.size() + 1, repo_root_ + "/") == 0) {
    return file.substr(repo_root_.size() + 1);
  }
  return file;
}

std::string ItrSession::SharedUnskippableReason(
    const std::string& suite, const std::string& name,
    const std::string& raw_file) const {
  return UnskippableBy({suite, name, raw_file}, settings_.unskippable_patterns);
}

const std::vector<TestDecision>& ItrSession::Plan(
    std::vector<PlannedTest> tests) {
  planned_ = std::move(tests);
  auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<TestDecision>> decisions =
      backend_->Plan(planned_);
  if (!decisions.ok()) {
    SayItr("warning: cannot plan (" +
           std::string(decisions.status().message()) + "); all tests run");
    backend_ = std::make_unique<NullBackend>("planning failed");
    decisions = backend_->Plan(planned_);
  }
  decisions_ = std::move(*decisions);
  if (settings_.verbosity >= 1) {
    SayItr(absl::StrFormat("planned in %.1f ms from %s",
                           std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - started)
                               .count(),
                           settings_.store_path));
  }
  return decisions_;
}

std::vector<size_t> ItrSession::Commit(const std::vector<size_t>& considered) {
  std::vector<size_t> skipped;
  size_t forced = 0;
  double saved_ms = 0;
  for (size_t i : considered) {
    const TestDecision& d = decisions_[i];
    forced += d.forced;
    if (settings_.verbosity >= 2 || (settings_.verbosity >= 1 && d.skip)) {
      SayItr(std::string(d.skip ? "skip " : "run  ") +
             planned_[i].identity.Key() + ": " + d.reason);
    }
    if (!d.skip) continue;
    saved_ms += d.estimated_saving_ms;
    skipped.push_back(i);
    skipped_.push_back({planned_[i].identity, d});
  }
  SayItr(absl::StrFormat(
      "skipped %zu of %zu tests, est. %.1f s saved%s%s", skipped.size(),
      considered.size(), saved_ms / 1000.0,
      forced == 0 ? std::string()
                  : absl::StrFormat(" (%zu unskippable forced to run)", forced),
      settings_.collect_only ? " [collect-only]" : ""));
  return skipped;
}

void ItrSession::RunAnyway(size_t index, const std::string& reason) {
  TestDecision& decision = decisions_[index];
  decision.skip = false;
  decision.forced = false;
  decision.reason = reason;
}

ITR_NO_COVERAGE void ItrSession::ReportEarlySessionCoverage() {
  if (early_session_reported_) return;
  early_session_reported_ = true;
  backend_->SessionExecuted(Executed(SessionCoverage()), /*final=*/false);
}

ITR_NO_COVERAGE void ItrSession::TestStarted(size_t index) {
  ReportEarlySessionCoverage();
  backend_->TestStarted(planned_[index].identity);
  itr_test_begin(planned_[index].identity.Key().c_str());
  started_unix_ns_ = absl::ToUnixNanos(absl::Now());
  started_ = std::chrono::steady_clock::now();
}

ITR_NO_COVERAGE void ItrSession::TestFinished(size_t index,
                                              TestOutcome outcome) {
  TestCoverage coverage = EndTest();
  TestRun run;
  run.duration_ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - started_)
                        .count();
  run.identity = planned_[index].identity;
  run.outcome = outcome;
  run.start_unix_ns = started_unix_ns_;
  run.unskippable = planned_[index].unskippable;
  run.forced = decisions_[index].forced;
  run.executed = Executed(coverage);
  if (print_coverage_) PrintTestCoverage(run.identity.Key(), coverage);
  backend_->TestFinished(run);
  WarnOnce();
}

ITR_NO_COVERAGE void ItrSession::Finish(bool clean) {
  if (finished_) return;
  finished_ = true;
  backend_->SessionExecuted(Executed(SessionCoverage()), /*final=*/clean);
  backend_->TestsSkipped(skipped_);
  backend_->SessionEnded(clean);
  WarnOnce();
}

void ItrSession::WarnOnce() {
  if (warned_ || backend_->LastError().empty()) return;
  warned_ = true;
  SayItr("warning: cannot record results (" + backend_->LastError() +
         "); this run will not be used for skipping");
}

}  // namespace itr::skipper
