#include "skipper/backend/local_backend.h"

#include "absl/strings/str_cat.h"
#include "skipper/decision/skip_planner.h"

namespace itr::skipper {

namespace {

constexpr int64_t kGarbageCollectionPeriod = 64;  // runs

}  // namespace

absl::StatusOr<std::unique_ptr<LocalBackend>> LocalBackend::Open(
    const Settings& settings, const std::string& repo_root,
    const std::string& module, const std::string& configuration,
    int64_t built_at_ns, std::string* notice) {
  absl::StatusOr<std::unique_ptr<LocalStore>> store =
      LocalStore::Open(settings.store_path);
  if (!store.ok() && absl::IsDataLoss(store.status())) {
    *notice = absl::StrCat("the store ", settings.store_path, " is corrupt (",
                           store.status().message(),
                           "); it was moved aside and rebuilt");
    store = LocalStore::RecreateCorrupt(settings.store_path);
  }
  if (!store.ok()) return store.status();
  std::unique_ptr<LocalBackend> backend(new LocalBackend());
  backend->settings_ = settings;
  backend->module_ = module;
  backend->configuration_ = configuration;
  backend->store_ = std::move(*store);
  backend->fingerprinter_ =
      std::make_unique<FileFingerprinter>(repo_root, built_at_ns);
  if (auto cache = backend->store_->LoadStatCache(); cache.ok()) {
    for (const auto& [path, entry] : *cache) {
      backend->fingerprinter_->Seed(path, entry);
    }
  }
  absl::StatusOr<int64_t> run =
      backend->store_->BeginRun(module, configuration);
  if (!run.ok()) return run.status();
  backend->run_id_ = *run;
  return backend;
}

absl::StatusOr<std::vector<TestDecision>> LocalBackend::Plan(
    const std::vector<PlannedTest>& tests) {
  return SkipPlanner(store_.get(), fingerprinter_.get())
      .Plan(module_, configuration_, tests, settings_);
}

void LocalBackend::TestStarted(const TestIdentity& test) {
  Check(store_->MarkStarted(module_, configuration_, test, run_id_));
}

void LocalBackend::TestFinished(const TestRun& run) {
  // A test that executed no repository file at all ran code we cannot see
  // (an uninstrumented TU or library): nothing could ever mark it changed.
  bool usable = run.executed.complete && !run.executed.files.empty();
  std::vector<Dependency> deps = Dependencies(run.executed);
  for (const std::string& file : run.uncompiled_files) {
    deps.push_back({"file", file, fingerprinter_->Fingerprint(file, false)});
  }
  Check(store_->RecordResult(module_, configuration_, run.identity, run_id_,
                             run.outcome, run.duration_ms, usable, run.forced,
                             deps));
}

void LocalBackend::SessionExecuted(const ExecutedCode& executed, bool final) {
  std::vector<Dependency> deps = Dependencies(executed);
  if (!executed.complete) {
    // Nothing this run recorded can be trusted for skipping later.
    deps.push_back({"session", "incomplete", kUnknownFingerprint});
  }
  Check(store_->SetRunDependencies(run_id_, deps, final));
  if (!final) return;
  Check(store_->SaveStatCache(fingerprinter_->updated()));
  // Old runs and fingerprints pile up as files change; sweep now and then.
  // The fingerprint side uses the (fingerprint_id, ...) indexes.
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

std::vector<Dependency> LocalBackend::Dependencies(
    const ExecutedCode& executed) {
  std::vector<Dependency> deps;
  deps.reserve(executed.files.size());
  for (const std::string& file : executed.files) {
    deps.push_back({"file", file, fingerprinter_->Fingerprint(file, true)});
  }
  return deps;
}

void LocalBackend::Check(const absl::Status& status) {
  if (!status.ok() && error_.empty()) error_ = std::string(status.message());
}

}  // namespace itr::skipper
