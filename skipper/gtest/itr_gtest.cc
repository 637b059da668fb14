// GoogleTest adapter of the skipper: plan before the run, filter, record.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "gtest_filter.h"
#include "itr/coverage.hpp"
#include "itr/gtest_coverage.h"
#include "itr/gtest_itr.h"
#include "report_patch.h"
#include "skipper/identity/test_identity.h"
#include "skipper/markers/unskippable.h"
#include "skipper/session/itr_session.h"

namespace itr::gtest {

namespace {

using skipper::ItrSession;

std::string Getenv(const char* name) {
  const char* value = getenv(name);
  return value ? value : "";
}

std::string FullName(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

skipper::TestIdentity IdentityOf(const testing::TestInfo& info,
                                 const ItrSession& session) {
  skipper::TestIdentity id;
  id.module = session.module();
  id.suite = info.test_suite_name();
  id.name = info.name();
  if (info.value_param() != nullptr) id.parameters = info.value_param();
  if (info.type_param() != nullptr) {
    id.parameters +=
        std::string(id.parameters.empty() ? "" : ", ") + info.type_param();
  }
  id.source_file = session.RepoRelative(info.file() ? info.file() : "");
  return id;
}

// Brackets each test through the session; owned by GoogleTest's listener
// list. `index_` maps GoogleTest's tests to the session's planned ones.
class RecordingListener : public testing::EmptyTestEventListener {
 public:
  RecordingListener(std::unique_ptr<ItrSession> session,
                    std::map<const testing::TestInfo*, size_t> index)
      : session_(std::move(session)), index_(std::move(index)) {}

  ITR_NO_COVERAGE void OnTestStart(const testing::TestInfo& info) override {
    auto it = index_.find(&info);
    if (it != index_.end()) session_->TestStarted(it->second);
  }

  ITR_NO_COVERAGE void OnTestEnd(const testing::TestInfo& info) override {
    auto it = index_.find(&info);
    if (it == index_.end()) return;
    const testing::TestResult* result = info.result();
    session_->TestFinished(it->second,
                           result->Failed() ? skipper::TestOutcome::kFailed
                           : result->Skipped()
                               ? skipper::TestOutcome::kSkippedByFramework
                               : skipper::TestOutcome::kPassed);
  }

  ITR_NO_COVERAGE void OnTestProgramEnd(
      const testing::UnitTest& unit) override {
    // A failure outside any test (global environment, TearDownTestSuite)
    // leaves the run unfinished: none of its tests is skipped next time.
    bool clean = !unit.ad_hoc_test_result().Failed();
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      clean = clean && !unit.GetTestSuite(i)->ad_hoc_test_result().Failed();
    }
    session_->Finish(clean);
  }

 private:
  std::unique_ptr<ItrSession> session_;
  std::map<const testing::TestInfo*, size_t> index_;
};

struct PendingReport {
  ReportFile file;
  std::vector<SkippedTestReport> skipped;
};
PendingReport* g_pending_report = nullptr;

void PatchReportAtExit() {
  if (g_pending_report == nullptr) return;
  if (!AddSkippedTests(g_pending_report->file, g_pending_report->skipped)) {
    skipper::SayItr("warning: could not add the skipped tests to " +
                    g_pending_report->file.path);
  }
}

}  // namespace

void InstallItrWithCompiler(const char* compiler) {
  // The child process of a "threadsafe" death test runs one statement of a
  // test the parent owns: it neither plans nor records.
  if (!GTEST_FLAG_GET(internal_run_death_test).empty()) return;
  // Listing (e.g. CTest's gtest_discover_tests) must show every test, and
  // runs nothing to record.
  if (GTEST_FLAG_GET(list_tests)) return;
  std::unique_ptr<ItrSession> session =
      ItrSession::Start(compiler, {"gtest", ITR_GTEST_VERSION});
  if (!session->enabled()) return;

  // Every registered test, in GoogleTest's order.
  testing::UnitTest* unit = testing::UnitTest::GetInstance();
  std::vector<const testing::TestInfo*> infos;
  std::vector<skipper::PlannedTest> planned;
  std::map<const testing::TestInfo*, size_t> index;
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const testing::TestSuite* suite = unit->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j) {
      const testing::TestInfo* info = suite->GetTestInfo(j);
      index[info] = infos.size();
      infos.push_back(info);
      skipper::PlannedTest test;
      test.identity = IdentityOf(*info, *session);
      test.unskippable_reason = session->SharedUnskippableReason(
          info->test_suite_name(), info->name(),
          info->file() ? info->file() : "");
      test.unskippable = !test.unskippable_reason.empty();
      planned.push_back(std::move(test));
    }
  }
  session->Plan(std::move(planned));

  // Compose with the user's filter and sharding: GoogleTest shards the tests
  // that pass its filter, so removing skipped tests through the filter would
  // move tests between shards. With sharding on, itr-cpp assigns shards
  // itself over the user-filtered list, exactly as GoogleTest would, and
  // turns GoogleTest's sharding off for this process.
  std::string user_filter = GTEST_FLAG_GET(filter);
  int total_shards = atoi(Getenv("GTEST_TOTAL_SHARDS").c_str());
  int shard_index = atoi(Getenv("GTEST_SHARD_INDEX").c_str());
  bool sharded =
      total_shards > 1 && shard_index >= 0 && shard_index < total_shards;
  std::vector<std::string> excluded;
  std::vector<size_t> considered;
  int runnable = 0;
  for (size_t i = 0; i < infos.size(); ++i) {
    std::string name = FullName(*infos[i]);
    // GoogleTest's own rule (kDisableTestFilter), on suite and test name.
    auto is_disabled = [](const char* part) {
      return skipper::WildcardMatch("DISABLED_*", part) ||
             skipper::WildcardMatch("*/DISABLED_*", part);
    };
    bool disabled = is_disabled(infos[i]->test_suite_name()) ||
                    is_disabled(infos[i]->name());
    bool matches = MatchesFilter(user_filter, name) &&
                   (!disabled || GTEST_FLAG_GET(also_run_disabled_tests));
    if (!matches) continue;
    bool in_shard = !sharded || runnable % total_shards == shard_index;
    ++runnable;
    if (in_shard) {
      considered.push_back(i);
    } else {
      excluded.push_back(name);
    }
  }
  std::vector<SkippedTestReport> report_entries;
  for (size_t i : session->Commit(considered)) {
    excluded.push_back(FullName(*infos[i]));
    report_entries.push_back({infos[i]->test_suite_name(), infos[i]->name(),
                              infos[i]->file() ? infos[i]->file() : "",
                              infos[i]->line(),
                              session->decisions()[i].reason});
  }
  if (sharded) {
    unsetenv("GTEST_TOTAL_SHARDS");
    unsetenv("GTEST_SHARD_INDEX");
    // GoogleTest touches this file to tell the runner it understands
    // sharding; it no longer will, so do it here.
    std::string status_file = Getenv("GTEST_SHARD_STATUS_FILE");
    if (!status_file.empty()) {
      if (FILE* f = fopen(status_file.c_str(), "a")) fclose(f);
    }
  }
  GTEST_FLAG_SET(filter, FilterExcluding(user_filter, excluded));
  ReportFile report = ReportFileFor(GTEST_FLAG_GET(output), session->module());
  if (!report.path.empty() && !report_entries.empty()) {
    g_pending_report = new PendingReport{report, std::move(report_entries)};
    atexit(PatchReportAtExit);
  }
  unit->listeners().Append(
      new RecordingListener(std::move(session), std::move(index)));
}

}  // namespace itr::gtest
