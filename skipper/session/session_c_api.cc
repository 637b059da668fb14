// The skipper library's side of itr/session.h: the table of functions that
// libitr_runtime.so forwards the public C API to, over an ItrSession with
// the coverage runtime of this process as its coverage source.
#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "itr/coverage.h"
#include "itr/coverage.hpp"
#include "itr/internal/session_table.h"
#include "skipper/base/process_info.h"
#include "skipper/coverage/in_process_coverage.h"
#include "skipper/reports/skipped_in_reports.h"
#include "skipper/session/itr_session.h"

using itr::skipper::ItrSession;
using itr::skipper::PlannedTest;

struct itr_session {
  std::unique_ptr<ItrSession> session;
  std::vector<PlannedTest> tests;           // added, then planned
  std::vector<std::string> report_classes;  // by index
  std::vector<size_t> skipped;              // from select
  std::deque<std::string> strings;          // returned c_str()s stay valid
};

namespace itr::skipper {
namespace {

std::string Text(const char* text) { return text != nullptr ? text : ""; }

itr_session* Start(const char* framework, const char* framework_version,
                   const char* build_configuration) {
  SessionOptions options;
  options.framework = framework;
  options.framework_version = framework_version;
  options.build_configuration = build_configuration;
  options.repo_root = itr_repository_root();
  options.planning_built_at_ns = ExecutableModifiedAtNs();
  options.coverage =
      std::make_unique<InProcessCoverage>(CoveragePrintRequested());
  std::unique_ptr<ItrSession> session = ItrSession::Start(std::move(options));
  if (!session->enabled()) return nullptr;
  auto* s = new itr_session();  // lives until the process exits
  s->session = std::move(session);
  return s;
}

void AddTest(itr_session* s, const itr_test* test) {
  PlannedTest planned;
  planned.identity.module = s->session->module();
  planned.identity.suite = Text(test->suite);
  planned.identity.name = Text(test->name);
  planned.identity.parameters = Text(test->parameters);
  planned.identity.source_file =
      s->session->RepoRelative(Text(test->source_file));
  planned.identity.source_line = test->source_line;
  planned.unskippable_reason = Text(test->unskippable_reason);
  if (planned.unskippable_reason.empty()) {
    planned.unskippable_reason = s->session->SharedUnskippableReason(
        planned.identity.suite, planned.identity.name);
  }
  planned.unskippable = !planned.unskippable_reason.empty();
  s->report_classes.push_back(test->report_classname ? test->report_classname
                                                     : planned.identity.suite);
  s->tests.push_back(std::move(planned));
}

void Plan(itr_session* s) { s->session->Plan(std::move(s->tests)); }

itr_decision Decision(const itr_session* s, size_t index) {
  const TestDecision& d = s->session->decisions().at(index);
  return itr_decision{d.skip ? 1 : 0, d.forced ? 1 : 0, d.reason.c_str()};
}

void RunAnyway(itr_session* s, size_t index, const char* reason) {
  s->session->RunAnyway(index, reason);
}

size_t Shard(itr_session* s, const size_t* considered, size_t count,
             int total_shards, int shard_index, size_t* in_shard) {
  std::optional<std::vector<size_t>> mine = s->session->ShardTests(
      std::vector<size_t>(considered, considered + count), total_shards,
      shard_index);
  if (!mine) return ITR_SHARD_BY_FRAMEWORK;
  std::copy(mine->begin(), mine->end(), in_shard);
  return mine->size();
}

size_t Select(itr_session* s, const size_t* considered, size_t count) {
  s->skipped = s->session->SelectTests(
      std::vector<size_t>(considered, considered + count));
  return s->skipped.size();
}

void TestStarted(itr_session* s, size_t index) {
  s->session->TestStarted(index);
}

void TestFinished(itr_session* s, size_t index, itr_outcome outcome) {
  s->session->TestFinished(index, outcome == ITR_OUTCOME_PASSED
                                      ? TestOutcome::kPassed
                                  : outcome == ITR_OUTCOME_FAILED
                                      ? TestOutcome::kFailed
                                      : TestOutcome::kSkippedByFramework);
}

void Finish(itr_session* s, int clean, int exit_code) {
  SessionEnd end;
  end.clean = clean != 0;
  if (exit_code >= 0) end.exit_code = exit_code;
  s->session->Finish(end);
}

void AddSkippedToReport(itr_session* s, itr_report_format format,
                        const char* path) {
  std::vector<SkippedReportEntry> entries;
  for (size_t index : s->skipped) {
    const PlannedTest& test = s->session->planned()[index];
    entries.push_back({test.identity.suite, s->report_classes[index],
                       test.identity.name, test.identity.source_file,
                       test.identity.source_line,
                       s->session->decisions()[index].reason});
  }
  ReportFormat kind = format == ITR_REPORT_GTEST_XML ? ReportFormat::kGtestXml
                      : format == ITR_REPORT_GTEST_JSON
                          ? ReportFormat::kGtestJson
                          : ReportFormat::kJunit;
  absl::Status added = AddSkippedToReport(kind, path, entries);
  if (!added.ok()) s->session->diagnostics().Warning(added.message());
}

const char* Module(const itr_session* s) {
  return s->session->module().c_str();
}

const char* RepoRelative(itr_session* s, const char* path) {
  s->strings.push_back(s->session->RepoRelative(path));
  return s->strings.back().c_str();
}

void Warn(itr_session* s, const char* text) {
  s->session->diagnostics().Warning(text);
}

}  // namespace
}  // namespace itr::skipper

extern "C" __attribute__((visibility("default"))) const itr_session_table*
itr_skipper_session_table() {
  using namespace itr::skipper;
  static const itr_session_table table = {ITR_SESSION_TABLE_VERSION,
                                          Start,
                                          AddTest,
                                          Plan,
                                          Decision,
                                          RunAnyway,
                                          Shard,
                                          Select,
                                          TestStarted,
                                          TestFinished,
                                          Finish,
                                          AddSkippedToReport,
                                          Module,
                                          RepoRelative,
                                          Warn};
  return &table;
}
