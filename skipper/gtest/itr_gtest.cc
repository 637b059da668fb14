// GoogleTest adapter of the skipper: plan before the run, filter, record.
#include <unistd.h>

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
#include "skipper/config/settings.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/identity/test_identity.h"
#include "skipper/markers/unskippable.h"
#include "skipper/store/local_store.h"

namespace itr::gtest {

namespace {

using skipper::Dependency;
using skipper::LocalStore;
using skipper::Settings;

void Say(const std::string& line) {
  fprintf(stderr, "itr: %s\n", line.c_str());
  fflush(stderr);
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

// Records results and coverage as each test ends; owned by GoogleTest.
class RecordingListener : public testing::EmptyTestEventListener {
 public:
  struct State {
    Settings settings;
    std::unique_ptr<LocalStore> store;
    std::unique_ptr<skipper::FileFingerprinter> fingerprinter;
    std::string module, configuration, repo_root;
    int64_t run_id = 0;
    std::vector<int64_t> skipped_record_ids;
    std::vector<std::string> forced;  // full names of forced runs
    bool warned = false;
  };

  explicit RecordingListener(std::unique_ptr<State> state)
      : s_(std::move(state)) {}

  ITR_NO_COVERAGE void OnTestStart(const testing::TestInfo& info) override {
    if (!session_recorded_) {
      // Pre-test session coverage, in case the process dies before the end.
      session_recorded_ = true;
      Check(s_->store->SetRunDependencies(s_->run_id, SessionDependencies(),
                                          /*finished=*/false));
    }
    Check(s_->store->MarkStarted(s_->module, s_->configuration,
                                 IdentityOf(info, s_->module, s_->repo_root),
                                 s_->run_id));
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
    for (const std::string& name : s_->forced) forced |= name == FullName(info);
    Check(s_->store->RecordResult(
        s_->module, s_->configuration,
        IdentityOf(info, s_->module, s_->repo_root), s_->run_id, outcome,
        duration_ms, coverage.complete(), forced, Dependencies(coverage)));
  }

  ITR_NO_COVERAGE void OnTestProgramEnd(const testing::UnitTest&) override {
    Check(s_->store->SetRunDependencies(s_->run_id, SessionDependencies(),
                                        /*finished=*/true));
    Check(s_->store->RecordSkips(s_->skipped_record_ids));
    Check(s_->store->SaveStatCache(s_->fingerprinter->updated()));
  }

 private:
  std::vector<Dependency> Dependencies(const TestCoverage& coverage) {
    std::vector<Dependency> deps;
    for (const CoveredFile& file : coverage.files) {
      if (file.external) continue;  // toolchain: part of the configuration
      deps.push_back(
          {"file", file.path, s_->fingerprinter->Fingerprint(file.path, true)});
    }
    return deps;
  }

  std::vector<Dependency> SessionDependencies() {
    TestCoverage session = SessionCoverage();
    std::vector<Dependency> deps = Dependencies(session);
    if (!session.complete()) {
      // Nothing that ran in this run can be trusted to be skipped later.
      deps.push_back({"session", "incomplete", skipper::kUnknownFingerprint});
    }
    return deps;
  }

  void Check(const absl::Status& status) {
    if (status.ok() || s_->warned) return;
    s_->warned = true;
    Say("warning: cannot record to the store (" +
        std::string(status.message()) +
        "); these results will not be used for skipping");
  }

  std::unique_ptr<State> s_;
  bool session_recorded_ = false;
  std::chrono::steady_clock::time_point started_;
  bool print_coverage_ = CoveragePrintRequested();
};

// Skipped tests to add to GoogleTest's report once it is written (at exit,
// after RUN_ALL_TESTS returned).
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

std::string Getenv(const char* name) {
  const char* value = getenv(name);
  return value ? value : "";
}

}  // namespace

void InstallItrWithCompiler(const char* compiler) {
  // The child process of a "threadsafe" death test runs one statement of a
  // test the parent owns: it neither plans nor records.
  if (!GTEST_FLAG_GET(internal_run_death_test).empty()) return;
  using State = RecordingListener::State;
  auto state = std::make_unique<State>();
  state->repo_root = itr_repository_root();
  state->settings = skipper::LoadSettings(getenv, state->repo_root);
  const Settings& settings = state->settings;
  for (const std::string& warning : settings.warnings)
    Say("warning: " + warning);
  if (!settings.itr_enabled) {
    Say("disabled (DD_CIVISIBILITY_ITR_ENABLED); all tests run");
    return;
  }
  if (itr_coverage_state() == ITR_COVERAGE_UNAVAILABLE) {
    Say("warning: this binary has no coverage instrumentation (see "
        "itr_instrument); all tests run");
    return;
  }

  absl::StatusOr<std::unique_ptr<LocalStore>> store =
      LocalStore::Open(settings.store_path);
  if (!store.ok() && absl::IsDataLoss(store.status())) {
    Say("warning: the store " + settings.store_path + " is corrupt (" +
        std::string(store.status().message()) +
        "); it was moved aside and rebuilt; all tests run");
    store = LocalStore::RecreateCorrupt(settings.store_path);
    if (store.ok()) {
      // Recording into the fresh store is fine; skipping from it is moot.
    }
  }
  if (!store.ok()) {
    Say("warning: " + std::string(store.status().message()) +
        "; all tests run");
    return;
  }
  state->store = std::move(*store);
  state->module = skipper::CurrentModuleName();
  state->configuration = skipper::TestConfiguration::Current(
                             compiler, settings.custom_configuration)
                             .Key();
  state->fingerprinter = std::make_unique<skipper::FileFingerprinter>(
      state->repo_root, skipper::ExecutableModifiedAtNs());
  if (auto cache = state->store->LoadStatCache(); cache.ok()) {
    for (const auto& [path, entry] : *cache)
      state->fingerprinter->Seed(path, entry);
  }

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
      test.identity = IdentityOf(*info, state->module, state->repo_root);
      test.unskippable_reason =
          skipper::UnskippableBy({info->test_suite_name(), info->name(),
                                  info->file() ? info->file() : ""},
                                 settings.unskippable_patterns);
      test.unskippable = !test.unskippable_reason.empty();
      planned.push_back(std::move(test));
    }
  }

  auto started = std::chrono::steady_clock::now();
  skipper::SkipPlanner planner(state->store.get(), state->fingerprinter.get());
  absl::StatusOr<std::vector<skipper::TestDecision>> decisions =
      planner.Plan(state->module, state->configuration, planned, settings);
  absl::StatusOr<int64_t> run_id =
      state->store->BeginRun(state->module, state->configuration);
  if (!decisions.ok() || !run_id.ok()) {
    Say("warning: cannot plan from the store (" +
        std::string(
            (decisions.ok() ? run_id.status() : decisions.status()).message()) +
        "); all tests run");
    return;
  }
  state->run_id = *run_id;
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
  std::vector<std::string> excluded;
  std::vector<SkippedTestReport> report_entries;
  size_t considered = 0, skipped = 0, forced = 0;
  double saved_ms = 0;
  int runnable = 0;
  for (size_t i = 0; i < infos.size(); ++i) {
    std::string name = FullName(*infos[i]);
    bool disabled = name.find("DISABLED_") != std::string::npos;
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
    if (d.forced) {
      ++forced;
      state->forced.push_back(name);
    }
    if (settings.verbosity >= 2 || (settings.verbosity >= 1 && d.skip)) {
      Say(std::string(d.skip ? "skip " : "run  ") + name + ": " + d.reason);
    }
    if (!d.skip) continue;
    ++skipped;
    saved_ms += d.estimated_saving_ms;
    excluded.push_back(name);
    state->skipped_record_ids.push_back(d.record_id);
    report_entries.push_back({infos[i]->test_suite_name(), infos[i]->name(),
                              infos[i]->file() ? infos[i]->file() : "",
                              infos[i]->line(), d.reason});
  }
  ReportFile report = ReportFileFor(GTEST_FLAG_GET(output), state->module);
  if (!report.path.empty() && !report_entries.empty()) {
    g_pending_report = new PendingReport{report, std::move(report_entries)};
    atexit(PatchReportAtExit);
  }
  if (sharded) {
    unsetenv("GTEST_TOTAL_SHARDS");
    unsetenv("GTEST_SHARD_INDEX");
    // GoogleTest touches this file to tell the runner it understands
    // sharding; it no longer will, so do it here.
    if (std::string status_file = Getenv("GTEST_SHARD_STATUS_FILE");
        !status_file.empty()) {
      if (FILE* f = fopen(status_file.c_str(), "a")) fclose(f);
    }
  }
  GTEST_FLAG_SET(filter, FilterExcluding(user_filter, excluded));

  Say(absl::StrFormat(
      "skipped %zu of %zu tests, est. %.1f s saved%s%s", skipped, considered,
      saved_ms / 1000.0,
      forced > 0 ? absl::StrFormat(" (%zu unskippable forced to run)", forced)
                 : std::string(),
      settings.collect_only ? " [collect-only]" : ""));
  if (settings.verbosity >= 1) {
    Say(absl::StrFormat("planned in %.1f ms from %s", plan_ms,
                        settings.store_path));
  }
  unit->listeners().Append(new RecordingListener(std::move(state)));
}

}  // namespace itr::gtest
