#include "skipper/session/itr_session.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "itr/coverage.hpp"
#include "skipper/backend/local_backend.h"
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

// The backend for this process: the local store, or a NullBackend (run
// everything, record nothing) when the store is unusable.
std::unique_ptr<Backend> ChooseBackend(const Settings& settings,
                                       const std::string& repo_root,
                                       const std::string& module,
                                       const std::string& configuration) {
  if (itr_coverage_state() == ITR_COVERAGE_UNAVAILABLE) {
    SayItr(
        "warning: this binary has no coverage instrumentation (see "
        "itr_instrument); all tests run");
    return std::make_unique<NullBackend>("no coverage instrumentation");
  }
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
  session->enabled_ = true;
  session->print_coverage_ = CoveragePrintRequested();
  session->module_ = CurrentModuleName();
  std::string configuration =
      TestConfiguration::Current(compiler,
                                 session->settings_.custom_configuration)
          .Key();
  session->backend_ = ChooseBackend(session->settings_, session->repo_root_,
                                    session->module_, configuration);
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
  WarnOnce();
}

void ItrSession::WarnOnce() {
  if (warned_ || backend_->LastError().empty()) return;
  warned_ = true;
  SayItr("warning: cannot record results (" + backend_->LastError() +
         "); this run will not be used for skipping");
}

}  // namespace itr::skipper
