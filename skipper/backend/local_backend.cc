#include "skipper/backend/local_backend.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "skipper/backend/open_store.h"
#include "skipper/base/status_macros.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/store/store_location.h"

namespace itr::skipper {

namespace {

constexpr int64_t kGarbageCollectionPeriod = 64;  // runs
constexpr size_t kResultsPerWrite = 256;
constexpr auto kWriteInterval = std::chrono::seconds(2);

absl::StatusOr<std::unique_ptr<Store>> OpenSettingsStore(
    const Settings& settings, Diagnostics& diagnostics) {
  OpenStoreOptions options;
  options.rebuild_diagnostics = &diagnostics;
  return OpenStore(settings, settings.store_path, options);
}

Dependency Unknown(const char* what) {
  return {kSessionDependency, what, kUnknownFingerprint};
}

// Code reported by object and probe, or nothing at all; a runtime that
// only names files and lines (the gcc fallback) takes the file rule.
bool NamesItsFunctions(const ExecutedCode& code) {
  return !code.objects.empty() || code.files.empty();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalBackend>> LocalBackend::Open(
    const Settings& settings, const LocalBackendOptions& options,
    Diagnostics& diagnostics) {
  std::unique_ptr<LocalBackend> backend(new LocalBackend());
  ITR_ASSIGN_OR_RETURN(backend->store_,
                       OpenSettingsStore(settings, diagnostics));
  backend->settings_ = settings;
  backend->options_ = options;
  if (!backend->options_.getenv) backend->options_.getenv = ::getenv;
  backend->fingerprinter_ =
      std::make_unique<FileFingerprinter>(options.repo_root);
  if (auto cache = backend->store_->LoadStatCache(); cache.ok()) {
    for (const auto& [path, entry] : *cache) {
      backend->fingerprinter_->Seed(path, entry);
    }
  }
  backend->objects_ = std::make_unique<ObjectIndexes>(options.index_location);
  // The live objects first; then where the store last saw the others.
  for (const ExecutedObject& object : options.objects) {
    backend->objects_->KnowPath(object.path, object.build_id);
  }
  if (auto paths = backend->store_->ObjectPaths(options.module); paths.ok()) {
    for (const auto& [name, path] : *paths) {
      backend->objects_->KnowPath(path, "");
    }
  }
  backend->state_ = std::make_unique<LocalState>(
      backend->fingerprinter_.get(), backend->objects_.get(),
      backend->options_.getenv, options.planning_built_at_ns);
  return backend;
}

LocalBackend::~LocalBackend() { Flush(); }

int64_t LocalBackend::RunId() {
  // A run exists once something is recorded (results, or skips for the
  // history): a process that runs no test and skips none writes nothing.
  if (run_id_ == 0) {
    absl::StatusOr<int64_t> run =
        store_->BeginRun(options_.module, options_.configuration);
    Check(run.status());
    if (run.ok()) run_id_ = *run;
  }
  return run_id_;
}

void LocalBackend::Flush() {
  if (pending_.empty()) return;
  Check(store_->RecordResults(options_.module, options_.configuration, RunId(),
                              pending_));
  // Written: a test that starts again (--gtest_repeat) is marked again.
  for (const Store::TestResult& result : pending_) {
    marked_running_.erase(result.test.Key());
  }
  pending_.clear();
  last_flush_ = std::chrono::steady_clock::now();
}

absl::StatusOr<std::vector<TestDecision>> LocalBackend::Plan(
    const std::vector<PlannedTest>& tests) {
  for (const PlannedTest& test : tests) {
    if (!test.definition.empty()) planned_.push_back(test);
  }
  for (const PlannedTest& test : planned_) {
    std::string key = test.identity.Key();
    state_->KnowDefinition(key, test.definition);
    defined_[key] = &test;
  }
  absl::StatusOr<std::vector<TestDecision>> decisions =
      SkipPlanner(store_.get(), state_.get())
          .Plan(options_.module, options_.configuration, tests, settings_);
  // Lines are only needed where functions cannot be named.
  wants_files_ = settings_.granularity == Granularity::kFile;
  for (const ExecutedObject& object : options_.objects) {
    std::string why;
    if (objects_->ForExecuted(object, &why) == nullptr) wants_files_ = true;
  }
  return decisions;
}

void LocalBackend::TestsWillRun(const std::vector<TestIdentity>& tests) {
  // Until each ends and its result is written, its record says "running":
  // if the process dies, they run next time. One transaction for all, so
  // that results can be written in batches.
  std::vector<TestIdentity> unmarked;
  for (const TestIdentity& test : tests) {
    if (marked_running_.insert(test.Key()).second) unmarked.push_back(test);
  }
  if (unmarked.empty()) return;
  Check(store_->MarkStarted(options_.module, options_.configuration, unmarked,
                            RunId()));
}

void LocalBackend::TestStarted(const TestIdentity& test) {
  TestsWillRun({test});
}

void LocalBackend::TestsLaunched(const std::vector<TestIdentity>& tests) {
  TestsWillRun(tests);
}

bool LocalBackend::MapFunctions(const ExecutedCode& executed,
                                std::vector<FunctionRef>* functions) {
  for (const ExecutedObject& object : executed.objects) {
    std::string why;
    const FunctionIndex* index = objects_->ForExecuted(object, &why);
    if (index == nullptr) return false;
    const std::string* name =
        &*object_names_.insert(ObjectIndexes::ObjectName(object.path)).first;
    seen_paths_[*name] = object.path;
    int64_t previous = -1;
    for (uint64_t address : object.addresses) {
      int64_t function = index->FunctionAt(address);
      if (function < 0) return false;      // code outside every known function
      if (function == previous) continue;  // edge level: blocks of one
      previous = function;
      functions->push_back({name, index, static_cast<uint32_t>(function)});
    }
  }
  return true;
}

const Dependency& LocalBackend::FunctionDependency(const FunctionRef& f) {
  auto [entry, added] = function_deps_.try_emplace({f.index, f.function});
  if (added) {
    entry->second = {
        kFunctionDependency,
        ObjectIndexes::FunctionKey(*f.object, *f.index, f.function),
        f.index->functions()[f.function].fingerprint.Hex()};
  }
  return entry->second;
}

const Dependency& LocalBackend::UnitDependency(const FunctionRef& f) {
  uint32_t unit = f.index->functions()[f.function].unit;
  auto [entry, added] = unit_deps_.try_emplace({f.index, unit});
  if (added) {
    entry->second = {kUnitDependency,
                     ObjectIndexes::UnitKey(*f.object, *f.index, unit),
                     f.index->units()[unit].fingerprint.Hex()};
  }
  return entry->second;
}

void LocalBackend::AddFunctions(const std::vector<FunctionRef>& functions,
                                Store::TestResult* into) {
  std::set<std::pair<const FunctionIndex*, uint32_t>> units;
  into->interned_functions.reserve(into->interned_functions.size() +
                                   functions.size());
  for (const FunctionRef& f : functions) {
    into->interned_functions.push_back(&FunctionDependency(f));
    if (units.insert({f.index, f.index->functions()[f.function].unit}).second) {
      into->deps.coarse.push_back(UnitDependency(f));
    }
  }
}

std::vector<Dependency> LocalBackend::CompiledFiles(
    const ExecutedCode& executed) {
  std::vector<Dependency> deps;
  deps.reserve(executed.files.size());
  for (const std::string& file : executed.files) {
    deps.push_back({kFileDependency, file,
                    fingerprinter_->BuiltSource(file, executed.built_at_ns)});
  }
  return deps;
}

void LocalBackend::AddReads(const ExecutedCode& executed,
                            const std::vector<std::string>* runner_set,
                            DependencySet* deps) {
  for (const std::string& file : executed.files_read) {
    deps->coarse.push_back(
        {kReadDependency, file, fingerprinter_->Content(file)});
  }
  for (const EnvironmentRead& read : executed.env_read) {
    if (runner_set != nullptr &&
        std::find(runner_set->begin(), runner_set->end(), read.name) !=
            runner_set->end()) {
      continue;  // its value is part of the test's definition
    }
    deps->coarse.push_back(
        {kEnvDependency, read.name, EnvironmentFingerprint(read.value_hash)});
  }
}

bool LocalBackend::AddOwnStartup(const ExecutedCode& executed,
                                 const std::vector<FunctionRef>& functions,
                                 Store::TestResult* into) {
  if (executed.startup_objects.empty()) return true;
  ExecutedCode startup;
  startup.objects = executed.startup_objects;
  std::vector<FunctionRef> startup_functions;
  if (!MapFunctions(startup, &startup_functions)) return false;
  StartupScope scope(std::move(startup_functions));
  AddFunctions(scope.global(), into);
  AddFunctions(scope.RelevantTo(functions), into);
  return true;
}

void LocalBackend::EnsureStartupScope(const ExecutedCode& startup) {
  if (startup_known_) return;
  startup_known_ = true;
  std::vector<FunctionRef> functions;
  if (settings_.granularity == Granularity::kFunction &&
      NamesItsFunctions(startup) && MapFunctions(startup, &functions)) {
    startup_ = std::make_unique<StartupScope>(std::move(functions));
  }
}

void LocalBackend::TestFinished(const TestRun& run) {
  Store::TestResult record;
  record.test = run.identity;
  DependencySet& deps = record.deps;
  std::vector<FunctionRef> functions;
  bool usable = run.executed.complete;
  // Without the start-up code (never reported, or not indexable), which
  // start-up functions the test depends on is unknown: the file rule.
  if (settings_.granularity == Granularity::kFunction && startup_ != nullptr &&
      !run.executed.objects.empty() && MapFunctions(run.executed, &functions) &&
      AddOwnStartup(run.executed, functions, &record)) {
    AddFunctions(functions, &record);
    AddFunctions(startup_->RelevantTo(functions), &record);
    // No instrumented function at all: code we cannot see ran.
    usable = usable && !functions.empty();
  } else {
    record.interned_functions.clear();
    deps.coarse = CompiledFiles(run.executed);
    usable = usable && !run.executed.files.empty();
  }
  const std::vector<std::string>* runner_set = nullptr;
  if (auto defined = defined_.find(run.identity.Key());
      defined != defined_.end()) {
    const PlannedTest& test = *defined->second;
    deps.coarse.push_back(
        {kDefinitionDependency, defined->first, test.definition});
    runner_set = &test.runner_environment;
  }
  AddReads(run.executed, runner_set, &deps);
  for (const std::string& file : run.uncompiled_files) {
    deps.coarse.push_back(
        {kReadDependency, file, fingerprinter_->Content(file)});
  }
  record.result = {run.outcome, run.duration_ms, usable, run.forced};
  pending_.push_back(std::move(record));
  // Written in batches (a transaction per test would cost more than a fast
  // test); the "running" mark covers the ones not written yet.
  if (pending_.size() >= kResultsPerWrite ||
      std::chrono::steady_clock::now() - last_flush_ > kWriteInterval) {
    Flush();
  }
}

DependencySet LocalBackend::OutsideTestsDependencies(
    const CodeOutsideTests& code) {
  Store::TestResult record;
  DependencySet& deps = record.deps;
  std::vector<FunctionRef> between;
  if (startup_ != nullptr && NamesItsFunctions(code.between_tests) &&
      MapFunctions(code.between_tests, &between)) {
    AddFunctions(startup_->global(), &record);
    AddFunctions(between, &record);
    for (const Dependency* function : record.interned_functions) {
      deps.functions.push_back(*function);
    }
  } else {
    // The file rule, for all of it together.
    for (const ExecutedCode* phase : {&code.startup, &code.between_tests}) {
      std::vector<Dependency> files = CompiledFiles(*phase);
      deps.coarse.insert(deps.coarse.end(), files.begin(), files.end());
    }
    if (settings_.granularity == Granularity::kFunction &&
        code.between_tests.files.empty() && code.startup.files.empty()) {
      // Neither functions nor files could be named: trust nothing.
      deps.coarse.push_back(Unknown("unnamed code outside tests"));
    }
  }
  for (const ExecutedCode* phase : {&code.startup, &code.between_tests}) {
    AddReads(*phase, nullptr, &deps);
    if (!phase->complete) deps.coarse.push_back(Unknown("incomplete"));
  }
  return std::move(record.deps);
}

void LocalBackend::OutsideTestsExecuted(const CodeOutsideTests& code,
                                        bool final) {
  EnsureStartupScope(code.startup);
  // Records of a run are trusted only once it finished: before that, the
  // code outside tests need not be written.
  if (!final) return;
  Flush();
  if (!fingerprinter_->updated().empty()) {
    Check(store_->SaveStatCache(fingerprinter_->updated()));
  }
  if (run_id_ == 0) return;  // nothing recorded: no run
  Check(store_->SetRunDependencies(run_id_, OutsideTestsDependencies(code),
                                   /*finished=*/true));
  Check(store_->SetObjectPaths(options_.module, seen_paths_));
  // Old runs and fingerprints pile up as files change; sweep now and then.
  // A shared (PostgreSQL) store is swept by `itr gc`, a scheduled job: its
  // sweep reads every record of the database, no test process's cost.
  if (run_id_ % kGarbageCollectionPeriod == 0 &&
      !IsPostgresLocation(settings_.store_path)) {
    Check(store_->CollectGarbage().status());
  }
}

void LocalBackend::TestsSkipped(const std::vector<SkippedTest>& skipped) {
  std::vector<int64_t> ids;
  for (const SkippedTest& test : skipped)
    ids.push_back(test.decision.record_id);
  if (ids.empty()) return;
  // The skips are part of this run's history (`itr report`).
  Check(store_->RecordSkips(RunId(), ids));
}

void LocalBackend::SessionEnded(const SessionEnd& end) {
  (void)end;
  Flush();  // after an unclean end, its results are kept, not trusted
  // Everything in the main file: a CI cache of it alone keeps every record.
  Check(store_->Checkpoint());
}

absl::StatusOr<std::string> LocalBackend::SharedShardPlan(
    const std::string& key, const std::string& proposed) {
  return store_->SharedShardPlan(key, proposed);
}

void LocalBackend::Check(const absl::Status& status) {
  if (!status.ok() && error_.empty()) error_ = std::string(status.message());
}

}  // namespace itr::skipper
