#include "skipper/backend/local_backend.h"

#include "absl/strings/str_cat.h"
#include "skipper/base/status_macros.h"
#include "skipper/decision/skip_planner.h"

namespace itr::skipper {

namespace {

constexpr int64_t kGarbageCollectionPeriod = 64;  // runs

absl::StatusOr<std::unique_ptr<LocalStore>> OpenStore(
    const std::string& path, Diagnostics& diagnostics) {
  absl::StatusOr<std::unique_ptr<LocalStore>> store = LocalStore::Open(path);
  if (!store.ok() && absl::IsDataLoss(store.status())) {
    diagnostics.Warning(absl::StrCat("the store ", path, " is corrupt (",
                                     store.status().message(),
                                     "); it was moved aside and rebuilt; "
                                     "all tests run"));
    store = LocalStore::RecreateCorrupt(path);
  }
  return store;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalBackend>> LocalBackend::Open(
    const Settings& settings, const LocalBackendOptions& options,
    Diagnostics& diagnostics) {
  std::unique_ptr<LocalBackend> backend(new LocalBackend());
  ITR_ASSIGN_OR_RETURN(backend->store_,
                       OpenStore(settings.store_path, diagnostics));
  backend->settings_ = settings;
  backend->options_ = options;
  backend->fingerprinter_ =
      std::make_unique<FileFingerprinter>(options.repo_root);
  if (auto cache = backend->store_->LoadStatCache(); cache.ok()) {
    for (const auto& [path, entry] : *cache) {
      backend->fingerprinter_->Seed(path, entry);
    }
  }
  ITR_ASSIGN_OR_RETURN(
      backend->run_id_,
      backend->store_->BeginRun(options.module, options.configuration));
  return backend;
}

absl::StatusOr<std::vector<TestDecision>> LocalBackend::Plan(
    const std::vector<PlannedTest>& tests) {
  return SkipPlanner(store_.get(), fingerprinter_.get(),
                     options_.planning_built_at_ns)
      .Plan(options_.module, options_.configuration, tests, settings_);
}

void LocalBackend::TestStarted(const TestIdentity& test) {
  Check(store_->MarkStarted(options_.module, options_.configuration, test,
                            run_id_));
}

void LocalBackend::TestsLaunched(const std::vector<TestIdentity>& tests) {
  // Until each ends, its record says "running": if the runner dies, they
  // run next time.
  for (const TestIdentity& test : tests) TestStarted(test);
}

void LocalBackend::TestFinished(const TestRun& run) {
  // A test that executed no repository file at all ran code we cannot see
  // (an uninstrumented TU or library): nothing could ever mark it changed.
  bool usable = run.executed.complete && !run.executed.files.empty();
  std::vector<Dependency> deps = CompiledDependencies(run.executed);
  for (const std::string& file : run.uncompiled_files) {
    deps.push_back({kFileDependency, file, fingerprinter_->Content(file)});
  }
  Check(store_->RecordResult(options_.module, options_.configuration,
                             run.identity, run_id_, run.outcome,
                             run.duration_ms, usable, run.forced, deps));
}

void LocalBackend::OutsideTestsExecuted(const ExecutedCode& executed,
                                        bool final) {
  std::vector<Dependency> deps = CompiledDependencies(executed);
  if (!executed.complete) {
    // Nothing this run recorded can be trusted for skipping later.
    deps.push_back({kSessionDependency, "incomplete", kUnknownFingerprint});
  }
  Check(store_->SetRunDependencies(run_id_, deps, final));
  if (!final) return;
  Check(store_->SaveStatCache(fingerprinter_->updated()));
  // Old runs and fingerprints pile up as files change; sweep now and then.
  if (run_id_ % kGarbageCollectionPeriod == 0) {
    Check(store_->CollectGarbage().status());
  }
}

void LocalBackend::TestsSkipped(const std::vector<SkippedTest>& skipped) {
  std::vector<int64_t> ids;
  for (const SkippedTest& test : skipped)
    ids.push_back(test.decision.record_id);
  Check(store_->RecordSkips(ids));
}

std::vector<Dependency> LocalBackend::CompiledDependencies(
    const ExecutedCode& executed) {
  std::vector<Dependency> deps;
  deps.reserve(executed.files.size());
  for (const std::string& file : executed.files) {
    deps.push_back({kFileDependency, file,
                    fingerprinter_->BuiltSource(file, executed.built_at_ns)});
  }
  return deps;
}

void LocalBackend::Check(const absl::Status& status) {
  if (!status.ok() && error_.empty()) error_ = std::string(status.message());
}

}  // namespace itr::skipper
