#include "skipper/decision/skip_planner.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "skipper/base/status_macros.h"

namespace itr::skipper {

namespace {

// Why recorded dependencies no longer hold: for each test record and each
// run, its first changed dependency, described.
struct StaleDependencies {
  std::unordered_map<int64_t, std::string> of_test;  // test id -> what
  std::unordered_map<int64_t, std::string> of_run;   // run id -> what
};

// Finds the stale dependencies of every record: coarse ones by
// fingerprint, then, for records whose only changed dependencies are
// units, their functions one by one.
class StaleFinder {
 public:
  StaleFinder(Store* store, CurrentState* state)
      : store_(store), state_(state) {}

  absl::StatusOr<StaleDependencies> Find() {
    ITR_ASSIGN_OR_RETURN(std::vector<StoredFingerprint> coarse,
                         store_->LoadFingerprints(/*functions=*/false));
    std::vector<int64_t> stale;
    for (StoredFingerprint& fp : coarse) {
      if (!Changed(fp.dependency)) continue;
      stale.push_back(fp.id);
      stale_[fp.id] = std::move(fp.dependency);
    }
    StaleDependencies result;
    ITR_ASSIGN_OR_RETURN(Store::Dependents tests,
                         store_->TestsDependingOn(stale));
    ITR_RETURN_IF_ERROR(Classify(tests, /*runs=*/false, &result.of_test));
    ITR_ASSIGN_OR_RETURN(Store::Dependents runs,
                         store_->RunsDependingOn(stale));
    ITR_RETURN_IF_ERROR(Classify(runs, /*runs=*/true, &result.of_run));
    return result;
  }

 private:
  bool Changed(const Dependency& dep) {
    std::string cache_key =
        absl::StrCat(dep.kind, ":", dep.key, "\n", dep.fingerprint);
    auto found = changed_.find(cache_key);
    if (found != changed_.end()) return found->second;
    bool changed = !Unchanged(dep, state_->Fingerprint(dep));
    changed_.emplace(std::move(cache_key), changed);
    return changed;
  }

  // A changed dependency other than a unit decides at once; owners whose
  // changed dependencies are all units are checked function by function.
  absl::Status Classify(const Store::Dependents& dependents, bool runs,
                        std::unordered_map<int64_t, std::string>* out) {
    std::unordered_set<int64_t> unit_only;
    for (const auto& [owner, fp] : dependents) {
      const Dependency& dep = stale_.at(fp);
      if (dep.kind == kUnitDependency) {
        if (out->count(owner) == 0) unit_only.insert(owner);
        continue;
      }
      unit_only.erase(owner);
      out->emplace(owner, state_->Describe(dep));
    }
    for (int64_t owner : unit_only) {
      ITR_ASSIGN_OR_RETURN(std::string function,
                           FirstChangedFunction(owner, runs));
      if (!function.empty()) out->emplace(owner, function);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> FirstChangedFunction(int64_t owner, bool run) {
    if (!functions_loaded_) {
      ITR_ASSIGN_OR_RETURN(std::vector<StoredFingerprint> all,
                           store_->LoadFingerprints(/*functions=*/true));
      for (StoredFingerprint& fp : all) {
        functions_.emplace(fp.id, std::move(fp.dependency));
      }
      functions_loaded_ = true;
    }
    ITR_ASSIGN_OR_RETURN(
        std::vector<int64_t> ids,
        run ? store_->RunFunctions(owner) : store_->TestFunctions(owner));
    for (int64_t id : ids) {
      auto function = functions_.find(id);
      // Collected since it was recorded: unknown, so changed.
      if (function == functions_.end()) return std::string("a function");
      // Tests share most functions: each is compared once, by id.
      auto [known, added] = function_changed_.try_emplace(id, false);
      if (added) known->second = Changed(function->second);
      if (known->second) return state_->Describe(function->second);
    }
    return std::string();
  }

  Store* store_;
  CurrentState* state_;
  std::unordered_map<int64_t, Dependency> stale_;  // coarse, by id
  std::unordered_map<std::string, bool> changed_;
  bool functions_loaded_ = false;
  absl::flat_hash_map<int64_t, Dependency> functions_;
  absl::flat_hash_map<int64_t, bool> function_changed_;
};

// The decision for one test from its latest record (nullptr: none).
void Decide(const PlanningRecords::Row* r, const StaleDependencies& stale,
            TestDecision* d) {
  if (r == nullptr) {
    d->reason = "new test (no record under this configuration)";
  } else if (r->status == "running") {
    d->reason = "its last run did not finish (crash or abort)";
  } else if (r->status != "passed") {
    d->reason = absl::StrCat("last run ", r->status);
  } else if (!r->coverage_complete) {
    d->reason = "its coverage was incomplete";
  } else if (!r->run_finished) {
    d->reason = "the run that recorded it did not finish cleanly";
  } else if (auto t = stale.of_test.find(r->id); t != stale.of_test.end()) {
    d->reason = absl::StrCat("changed: ", t->second);
  } else if (auto s = stale.of_run.find(r->run_id); s != stale.of_run.end()) {
    d->reason = absl::StrCat("session dependency changed: ", s->second);
  } else {
    d->skip = true;
    d->reason = "unchanged";  // short: no allocation for 100k skips
    d->record_id = r->id;
    d->estimated_saving_ms = r->duration_ms;
  }
}

// What the settings and markers make of a decision to skip.
void ApplyOverrides(const PlannedTest& test, const Settings& settings,
                    TestDecision* d) {
  if (d->skip && test.unskippable) {
    d->skip = false;
    d->forced = true;
    d->reason = absl::StrCat("unskippable (", test.unskippable_reason, ")");
  }
  if (d->skip && settings.collect_only) {
    d->skip = false;
    d->reason = "collect-only mode (ITR_COLLECT_ONLY)";
  }
}

// Suite level: a suite is skipped only when all its tests would be.
void ApplySuiteLevel(const std::vector<PlannedTest>& tests,
                     std::vector<TestDecision>* decisions) {
  std::map<std::string, bool> suite_runs;
  for (size_t i = 0; i < tests.size(); ++i) {
    suite_runs[tests[i].identity.suite] |= !(*decisions)[i].skip;
  }
  for (size_t i = 0; i < tests.size(); ++i) {
    TestDecision& d = (*decisions)[i];
    if (d.skip && suite_runs[tests[i].identity.suite]) {
      d.skip = false;
      d.reason = "another test of its suite runs (suite level)";
    }
  }
}

}  // namespace

std::vector<std::string> ChangedDependencies(const DependencySet& deps,
                                             CurrentState* state) {
  std::vector<std::string> changed;
  for (const std::vector<Dependency>* list : {&deps.coarse, &deps.functions}) {
    for (const Dependency& dep : *list) {
      // A unit stands for its functions, which are listed one by one.
      if (dep.kind == kUnitDependency) continue;
      if (!Unchanged(dep, state->Fingerprint(dep))) {
        changed.push_back(state->Describe(dep));
      }
    }
  }
  return changed;
}

absl::StatusOr<std::vector<TestDecision>> SkipPlanner::Plan(
    const std::string& module, const std::string& configuration,
    const std::vector<PlannedTest>& tests, const Settings& settings) {
  std::vector<TestDecision> decisions(tests.size());
  if (!settings.itr_enabled) {
    for (auto& d : decisions) d.reason = "ITR is disabled";
    return decisions;
  }
  Store::Snapshot snapshot(store_);
  ITR_RETURN_IF_ERROR(snapshot.status());
  ITR_ASSIGN_OR_RETURN(
      PlanningRecords records,
      store_->LoadPlanningRecords(module, configuration, tests.size()));
  absl::flat_hash_map<absl::string_view, const PlanningRecords::Row*> by_key;
  by_key.reserve(records.rows.size());
  for (const PlanningRecords::Row& r : records.rows)
    by_key[records.key(r)] = &r;
  ITR_ASSIGN_OR_RETURN(StaleDependencies stale,
                       StaleFinder(store_, state_).Find());

  std::string key;  // reused: no allocation per test
  for (size_t i = 0; i < tests.size(); ++i) {
    AssignTestKey(tests[i].identity.suite, tests[i].identity.name, &key);
    auto found = by_key.find(key);
    const PlanningRecords::Row* record =
        found == by_key.end() ? nullptr : found->second;
    Decide(record, stale, &decisions[i]);
    // A test that never ended has no duration of its own (its record keeps
    // the last one it had, 0 when none).
    if (record != nullptr &&
        (record->status != "running" || record->duration_ms > 0)) {
      decisions[i].recorded_duration_ms = record->duration_ms;
    }
    ApplyOverrides(tests[i], settings, &decisions[i]);
  }
  if (settings.level == SkipLevel::kSuite) ApplySuiteLevel(tests, &decisions);
  return decisions;
}

}  // namespace itr::skipper
