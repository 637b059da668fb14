#include "skipper/decision/skip_planner.h"

#include <map>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "skipper/base/status_macros.h"

namespace itr::skipper {

namespace {

// Current fingerprint of a dependency, or "" when it cannot be known (an
// unknown kind): a dependency nobody can check is changed.
std::string CurrentFingerprint(const Dependency& dep,
                               FileFingerprinter* fingerprinter,
                               int64_t built_at_ns) {
  if (dep.kind == kFileDependency) {
    return fingerprinter->BuiltSource(dep.key, built_at_ns);
  }
  return "";
}

bool Unchanged(const Dependency& dep, const std::string& current) {
  return !current.empty() && current == dep.fingerprint &&
         dep.fingerprint != kUnknownFingerprint;
}

// Which recorded fingerprints no longer hold, and who recorded them: the
// first stale dependency of each test record and of each run.
struct StaleDependencies {
  std::unordered_map<int64_t, std::string> of_test;  // test id -> key
  std::unordered_map<int64_t, std::string> of_run;   // run id -> key
};

absl::StatusOr<StaleDependencies> FindStale(LocalStore* store,
                                            FileFingerprinter* fingerprinter,
                                            int64_t built_at_ns) {
  ITR_ASSIGN_OR_RETURN(std::vector<StoredFingerprint> fingerprints,
                       store->LoadFingerprints());
  std::vector<int64_t> stale;
  std::unordered_map<int64_t, std::string> stale_key;
  std::unordered_map<std::string, std::string> current;  // kind:key -> now
  for (const StoredFingerprint& fp : fingerprints) {
    std::string cache_key = fp.dependency.kind + ":" + fp.dependency.key;
    auto it = current.find(cache_key);
    if (it == current.end()) {
      it = current
               .emplace(cache_key,
                        CurrentFingerprint(fp.dependency, fingerprinter,
                                           built_at_ns))
               .first;
    }
    if (!Unchanged(fp.dependency, it->second)) {
      stale.push_back(fp.id);
      stale_key[fp.id] = fp.dependency.key;
    }
  }
  StaleDependencies result;
  ITR_ASSIGN_OR_RETURN(LocalStore::Dependents tests,
                       store->TestsDependingOn(stale));
  ITR_ASSIGN_OR_RETURN(LocalStore::Dependents runs,
                       store->RunsDependingOn(stale));
  for (const auto& [test, fp] : tests)
    result.of_test.emplace(test, stale_key[fp]);
  for (const auto& [run, fp] : runs) result.of_run.emplace(run, stale_key[fp]);
  return result;
}

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

std::vector<std::string> ChangedDependencies(
    const std::vector<Dependency>& deps, FileFingerprinter* fingerprinter,
    int64_t built_at_ns) {
  std::vector<std::string> changed;
  for (const Dependency& dep : deps) {
    if (!Unchanged(dep, CurrentFingerprint(dep, fingerprinter, built_at_ns))) {
      changed.push_back(dep.key);
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
  // Every read below sees one snapshot of the store: another process
  // recording (or collecting garbage) meanwhile cannot mix states.
  LocalStore::ReadSnapshot snapshot(store_);
  ITR_RETURN_IF_ERROR(snapshot.status());
  ITR_ASSIGN_OR_RETURN(
      PlanningRecords records,
      store_->LoadPlanningRecords(module, configuration, tests.size()));
  absl::flat_hash_map<absl::string_view, const PlanningRecords::Row*> by_key;
  by_key.reserve(records.rows.size());
  for (const PlanningRecords::Row& r : records.rows)
    by_key[records.key(r)] = &r;
  ITR_ASSIGN_OR_RETURN(StaleDependencies stale,
                       FindStale(store_, fingerprinter_, built_at_ns_));

  std::string key;  // reused: no allocation per test
  for (size_t i = 0; i < tests.size(); ++i) {
    AssignTestKey(tests[i].identity.suite, tests[i].identity.name, &key);
    auto found = by_key.find(key);
    Decide(found == by_key.end() ? nullptr : found->second, stale,
           &decisions[i]);
    ApplyOverrides(tests[i], settings, &decisions[i]);
  }
  if (settings.level == SkipLevel::kSuite) ApplySuiteLevel(tests, &decisions);
  return decisions;
}

}  // namespace itr::skipper
