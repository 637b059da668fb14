// GoogleTest adapter of the skipper: plan before the run, filter, record.
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
#include "skipper/backend/backend.h"
#include "skipper/backend/local_backend.h"
#include "skipper/config/settings.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/identity/test_identity.h"
#include "skipper/markers/unskippable.h"

namespace itr::gtest {

namespace {

using skipper::Backend;
using skipper::Settings;

void Say(const std::string& line) {
  fprintf(stderr, "itr: %s\n", line.c_str());
  fflush(stderr);
}

std::string Getenv(const char* name) {
  const char* value = getenv(name);
  return value ? value : "";
}

std::string FullName(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

skipper::TestIdentity IdentityOf(const testing::TestInfo& info,
                                 const std::string& module,
                                 const std::string& repo_root) {
  skipper::TestIdentity id;
  id.module = module;
  id.suite = info.test_suite_name();
  id.name = info.name();
  if (info.value_param() != nullptr) id.parameters = info.value_param();
  if (info.type_param() != nullptr) {
    id.parameters +=
        std::string(id.parameters.empty() ? "" : ", ") + info.type_param();
  }
  std::string file = info.file() ? info.file() : "";
  if (file.compare(0, repo_root.size() + 1, repo_root + "/") == 0) {
    file = file.substr(repo_root.size() + 1);
  }
  id.source_file = file;
  return id;
}

ITR_NO_COVERAGE skipper::ExecutedCode Executed(const TestCoverage& coverage) {
  skipper::ExecutedCode executed;
  executed.complete = coverage.complete();
  for (const CoveredFile& file : coverage.files) {
    // Files outside the repository belong to the toolchain: configuration.
    if (!file.external) executed.files.push_back(file.path);
  }
  return executed;
}

// Brackets each test with the coverage runtime and reports to the backend;
// owned by GoogleTest's listener list.
class RecordingListener : public testing::EmptyTestEventListener {
 public:
  RecordingListener(std::unique_ptr<Backend> backend, std::string module,
                    std::string repo_root,
                    std::vector<skipper::TestDecision> skipped,
                    std::vector<std::string> forced)
      : backend_(std::move(backend)),
        module_(std::move(module)),
        repo_root_(std::move(repo_root)),
        skipped_(std::move(skipped)),
        forced_(std::move(forced)) {}

  ITR_NO_COVERAGE void OnTestStart(const testing::TestInfo& info) override {
    if (!session_reported_) {
      // Pre-test session coverage, in case the process dies before the end.
      session_reported_ = true;
      backend_->SessionExecuted(Executed(SessionCoverage()), /*final=*/false);
    }
    backend_->TestStarted(IdentityOf(info, module_, repo_root_));
    itr_test_begin(FullName(info).c_str());
    started_ = std::chrono::steady_clock::now();
  }

  ITR_NO_COVERAGE void OnTestEnd(const testing::TestInfo& info) override {
    TestCoverage coverage = EndTest();
    double duration_ms = std::chrono::duration<double, std::milli>(
                             std::chrono::steady_clock::now() - started_)
                             .count();
    if (print_coverage_) CoverageListener::Print(info, coverage);
    const testing::TestResult* result = info.result();
    skipper::TestOutcome outcome =
        result->Failed()    ? skipper::TestOutcome::kFailed
        : result->Skipped() ? skipper::TestOutcome::kSkippedByFramework
                            : skipper::TestOutcome::kPassed;
    bool forced = false;
    for (const std::string& name : forced_) forced |= name == FullName(info);
    backend_->TestFinished(IdentityOf(info, module_, repo_root_), outcome,
                           duration_ms, forced, Executed(coverage));
    WarnOnce();
  }

  ITR_NO_COVERAGE void OnTestProgramEnd(
      const testing::UnitTest& unit) override {
    // A failure outside any test (global environment, TearDownTestSuite)
    // leaves the run unfinished: none of its tests is skipped next time.
    bool clean = !unit.ad_hoc_test_result().Failed();
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      clean = clean && !unit.GetTestSuite(i)->ad_hoc_test_result().Failed();
    }
    backend_->SessionExecuted(Executed(SessionCoverage()), /*final=*/clean);
    backend_->TestsSkipped(skipped_);
    WarnOnce();
  }

 private:
  void WarnOnce() {
    if (warned_ || backend_->LastError().empty()) return;
    warned_ = true;
    Say("warning: cannot record results (" + backend_->LastError() +
        "); this run will not be used for skipping");
  }

  std::unique_ptr<Backend> backend_;
  std::string module_, repo_root_;
  std::vector<skipper::TestDecision> skipped_;
  std::vector<std::string> forced_;
  bool session_reported_ = false;
  bool warned_ = false;
  std::chrono::steady_clock::time_point started_;
  bool print_coverage_ = CoveragePrintRequested();
};

struct PendingReport {
  ReportFile file;
  std::vector<SkippedTestReport> skipped;
};
PendingReport* g_pending_report = nullptr;

void PatchReportAtExit() {
  if (g_pending_report == nullptr) return;
  if (!AddSkippedTests(g_pending_report->file, g_pending_report->skipped)) {
    Say("warning: could not add the skipped tests to " +
        g_pending_report->file.path);
  }
}

// The backend for this process: the local store, or a NullBackend (run
// everything, record nothing) when ITR is off or the store is unusable.
std::unique_ptr<Backend> ChooseBackend(const Settings& settings,
                                       const std::string& repo_root,
                                       const std::string& module,
                                       const std::string& configuration) {
  if (itr_coverage_state() == ITR_COVERAGE_UNAVAILABLE) {
    Say("warning: this binary has no coverage instrumentation (see "
        "itr_instrument); all tests run");
    return std::make_unique<skipper::NullBackend>(
        "no coverage instrumentation");
  }
  std::string notice;
  auto local =
      skipper::LocalBackend::Open(settings, repo_root, module, configuration,
                                  skipper::ExecutableModifiedAtNs(), &notice);
  if (!notice.empty()) Say("warning: " + notice + "; all tests run");
  if (!local.ok()) {
    Say("warning: " + std::string(local.status().message()) +
        "; all tests run");
    return std::make_unique<skipper::NullBackend>("the store is unusable");
  }
  return std::move(*local);
}

}  // namespace

void InstallItrWithCompiler(const char* compiler) {
  // The child process of a "threadsafe" death test runs one statement of a
  // test the parent owns: it neither plans nor records.
  if (!GTEST_FLAG_GET(internal_run_death_test).empty()) return;
  // Listing (e.g. CTest's gtest_discover_tests) must show every test, and
  // runs nothing to record.
  if (GTEST_FLAG_GET(list_tests)) return;
  std::string repo_root = itr_repository_root();
  Settings settings = skipper::LoadSettings(getenv, repo_root);
  for (const std::string& warning : settings.warnings) {
    Say("warning: " + warning);
  }
  if (!settings.itr_enabled) {
    Say("disabled (DD_CIVISIBILITY_ITR_ENABLED); all tests run");
    return;
  }
  std::string module = skipper::CurrentModuleName();
  std::string configuration = skipper::TestConfiguration::Current(
                                  compiler, settings.custom_configuration)
                                  .Key();
  std::unique_ptr<Backend> backend =
      ChooseBackend(settings, repo_root, module, configuration);

  // Every registered test, in GoogleTest's order.
  testing::UnitTest* unit = testing::UnitTest::GetInstance();
  std::vector<const testing::TestInfo*> infos;
  std::vector<skipper::PlannedTest> planned;
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const testing::TestSuite* suite = unit->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j) {
      const testing::TestInfo* info = suite->GetTestInfo(j);
      infos.push_back(info);
      skipper::PlannedTest test;
      test.identity = IdentityOf(*info, module, repo_root);
      test.unskippable_reason =
          skipper::UnskippableBy({info->test_suite_name(), info->name(),
                                  info->file() ? info->file() : ""},
                                 settings.unskippable_patterns);
      test.unskippable = !test.unskippable_reason.empty();
      planned.push_back(std::move(test));
    }
  }

  auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<skipper::TestDecision>> decisions =
      backend->Plan(planned);
  if (!decisions.ok()) {
    Say("warning: cannot plan (" + std::string(decisions.status().message()) +
        "); all tests run");
    backend = std::make_unique<skipper::NullBackend>("planning failed");
    decisions = backend->Plan(planned);
  }
  double plan_ms = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - started)
                       .count();

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
  std::vector<std::string> excluded, forced;
  std::vector<skipper::TestDecision> skipped;
  std::vector<SkippedTestReport> report_entries;
  size_t considered = 0;
  double saved_ms = 0;
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
    if (!in_shard) {
      excluded.push_back(name);
      continue;
    }
    ++considered;
    const skipper::TestDecision& d = (*decisions)[i];
    if (d.forced) forced.push_back(name);
    if (settings.verbosity >= 2 || (settings.verbosity >= 1 && d.skip)) {
      Say(std::string(d.skip ? "skip " : "run  ") + name + ": " + d.reason);
    }
    if (!d.skip) continue;
    saved_ms += d.estimated_saving_ms;
    excluded.push_back(name);
    skipped.push_back(d);
    report_entries.push_back({infos[i]->test_suite_name(), infos[i]->name(),
                              infos[i]->file() ? infos[i]->file() : "",
                              infos[i]->line(), d.reason});
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
  ReportFile report = ReportFileFor(GTEST_FLAG_GET(output), module);
  if (!report.path.empty() && !report_entries.empty()) {
    g_pending_report = new PendingReport{report, std::move(report_entries)};
    atexit(PatchReportAtExit);
  }

  Say(absl::StrFormat(
      "skipped %zu of %zu tests, est. %.1f s saved%s%s", skipped.size(),
      considered, saved_ms / 1000.0,
      forced.empty()
          ? std::string()
          : absl::StrFormat(" (%zu unskippable forced to run)", forced.size()),
      settings.collect_only ? " [collect-only]" : ""));
  if (settings.verbosity >= 1) {
    Say(absl::StrFormat("planned in %.1f ms from %s", plan_ms,
                        settings.store_path));
  }
  unit->listeners().Append(new RecordingListener(std::move(backend), module,
                                                 repo_root, std::move(skipped),
                                                 std::move(forced)));
}

}  // namespace itr::gtest
