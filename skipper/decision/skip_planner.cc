#include "skipper/decision/skip_planner.h"

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace itr::skipper {

namespace {

// Current fingerprint of a dependency, or "" when it cannot be known (an
// unknown kind): a dependency nobody can check is changed.
std::string CurrentFingerprint(const Dependency& dep,
                               FileFingerprinter* fingerprinter) {
  // Strict, as when recording: a file newer than the test binary is not what
  // the binary was built from, whatever its content says.
  if (dep.kind == "file") return fingerprinter->Fingerprint(dep.key, true);
  return "";
}

bool Unchanged(const Dependency& dep, const std::string& current) {
  return !current.empty() && current == dep.fingerprint &&
         dep.fingerprint != kUnknownFingerprint;
}

}  // namespace

std::vector<std::string> ChangedDependencies(
    const std::vector<Dependency>& deps, FileFingerprinter* fingerprinter) {
  std::vector<std::string> changed;
  for (const Dependency& dep : deps) {
    if (!Unchanged(dep, CurrentFingerprint(dep, fingerprinter))) {
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
  if (!snapshot.status().ok()) return snapshot.status();
  absl::StatusOr<PlanningRecords> records =
      store_->LoadPlanningRecords(module, configuration, tests.size());
  if (!records.ok()) return records.status();
  absl::flat_hash_map<absl::string_view, const PlanningRecords::Row*> by_key;
  by_key.reserve(records->rows.size());
  for (const PlanningRecords::Row& r : records->rows) {
    by_key[records->key(r)] = &r;
  }

  // Which recorded fingerprints no longer hold, then who depends on them.
  absl::StatusOr<std::vector<StoredFingerprint>> fingerprints =
      store_->LoadFingerprints();
  if (!fingerprints.ok()) return fingerprints.status();
  std::vector<int64_t> stale;
  std::unordered_map<int64_t, std::string> stale_key;
  std::unordered_map<std::string, std::string> current;
  for (const StoredFingerprint& fp : *fingerprints) {
    std::string cache_key = fp.dependency.kind + ":" + fp.dependency.key;
    auto it = current.find(cache_key);
    if (it == current.end()) {
      it = current
               .emplace(cache_key,
                        CurrentFingerprint(fp.dependency, fingerprinter_))
               .first;
    }
    if (!Unchanged(fp.dependency, it->second)) {
      stale.push_back(fp.id);
      stale_key[fp.id] = fp.dependency.key;
    }
  }
  absl::StatusOr<LocalStore::Dependents> changed_tests =
      store_->TestsDependingOn(stale);
  if (!changed_tests.ok()) return changed_tests.status();
  absl::StatusOr<LocalStore::Dependents> changed_runs =
      store_->RunsDependingOn(stale);
  if (!changed_runs.ok()) return changed_runs.status();
  std::unordered_map<int64_t, std::string> test_change, run_change;
  for (const auto& [test, fp] : *changed_tests)
    test_change.emplace(test, stale_key[fp]);
  for (const auto& [run, fp] : *changed_runs)
    run_change.emplace(run, stale_key[fp]);

  std::string key;  // reused: no allocation per test
  for (size_t i = 0; i < tests.size(); ++i) {
    TestDecision& d = decisions[i];
    key.assign(tests[i].identity.suite)
        .append(".")
        .append(tests[i].identity.name);
    auto found = by_key.find(key);
    const PlanningRecords::Row* r =
        found == by_key.end() ? nullptr : found->second;
    if (r == nullptr) {
      d.reason = "new test (no record under this configuration)";
    } else if (r->status == "running") {
      d.reason = "its last run did not finish (crash or abort)";
    } else if (r->status != "passed") {
      d.reason = absl::StrCat("last run ", r->status);
    } else if (!r->coverage_complete) {
      d.reason = "its coverage was incomplete";
    } else if (!r->run_finished) {
      d.reason = "the run that recorded it did not finish cleanly";
    } else if (auto t = test_change.find(r->id); t != test_change.end()) {
      d.reason = absl::StrCat("changed: ", t->second);
    } else if (auto s = run_change.find(r->run_id); s != run_change.end()) {
      d.reason = absl::StrCat("session dependency changed: ", s->second);
    } else {
      d.skip = true;
      d.reason = "unchanged";  // short: no allocation for 100k skips
      d.record_id = r->id;
      d.estimated_saving_ms = r->duration_ms;
    }
    if (d.skip && tests[i].unskippable) {
      d.skip = false;
      d.forced = true;
      d.reason =
          absl::StrCat("unskippable (", tests[i].unskippable_reason, ")");
    }
    if (d.skip && settings.collect_only) {
      d.skip = false;
      d.reason = "collect-only mode (ITR_COLLECT_ONLY)";
    }
  }

  if (settings.level == SkipLevel::kSuite) {
    std::map<std::string, bool> suite_runs;
    for (size_t i = 0; i < tests.size(); ++i) {
      suite_runs[tests[i].identity.suite] |= !decisions[i].skip;
    }
    for (size_t i = 0; i < tests.size(); ++i) {
      if (decisions[i].skip && suite_runs[tests[i].identity.suite]) {
        decisions[i].skip = false;
        decisions[i].reason = "another test of its suite runs (suite level)";
      }
    }
  }
  return decisions;
}

}  // namespace itr::skipper
