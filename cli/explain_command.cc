// itr explain <Suite.Name>: the decision the next run would make for one
// test, and why.
#include <algorithm>
#include <iostream>
#include <set>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "skipper/base/status_macros.h"

namespace itr::cli {

namespace {

using skipper::Dependency;

void PrintDecision(const skipper::TestDecision& decision,
                   const skipper::TestRecord& record) {
  std::cout << "  decision: " << (decision.skip ? "skip" : "run") << " ("
            << decision.reason << ")\n";
  if (decision.skip) {
    std::cout << "  saves about "
              << FormatDuration(decision.estimated_saving_ms) << "\n"
              << "  note: compile-time markers (DATADOG_ITR_UNSKIPPABLE*) live "
                 "in the test binary and are not visible here; if the test "
                 "carries one, it runs\n";
  }
  std::cout << absl::StrFormat(
      "  last status: %s in %s, coverage %s, run #%d %s\n", record.status,
      FormatDuration(record.duration_ms),
      record.coverage_complete ? "complete" : "incomplete", record.run_id,
      record.run_finished ? "finished" : "did not finish");
  if (record.skips > 0) {
    std::cout << absl::StrFormat("  skipped %d times so far, saving %s\n",
                                 record.skips, FormatDuration(record.saved_ms));
  }
}

// The rule a record was made under: functions, or the file rule.
std::string Rule(const skipper::DependencySet& deps) {
  for (const Dependency& dep : deps.coarse) {
    if (dep.kind == skipper::kFileDependency) {
      return "the file rule (its source files; an object had no function "
             "index, or ITR_GRANULARITY=file)";
    }
  }
  return absl::StrFormat("the functions it executed (%d)",
                         deps.functions.size());
}

// Lists a dependency set: every coarse dependency, the changed functions.
void PrintDependencies(const skipper::DependencySet& deps,
                       skipper::CurrentState* state) {
  for (const Dependency& dep : deps.coarse) {
    bool changed = !skipper::Unchanged(dep, state->Fingerprint(dep));
    std::cout << "    " << (changed ? "changed  " : "         ")
              << state->Describe(dep)
              << (dep.kind == skipper::kFileDependency ? ""
                                                       : "  (" + dep.kind + ")")
              << "\n";
  }
  // A short list is shown whole; a long one by its changed functions.
  constexpr size_t kListedFunctions = 20;
  size_t changed_functions = 0;
  for (const Dependency& dep : deps.functions) {
    bool changed = !skipper::Unchanged(dep, state->Fingerprint(dep));
    changed_functions += changed;
    if (!changed && deps.functions.size() > kListedFunctions) continue;
    std::cout << "    " << (changed ? "changed  " : "         ")
              << state->Describe(dep) << "  (function)\n";
  }
  if (deps.functions.size() > kListedFunctions) {
    std::cout << absl::StrFormat("    ... %d functions, %d changed\n",
                                 deps.functions.size(), changed_functions);
  }
}

// Prints one test's decision under one (module, configuration).
absl::Status Explain(const Options& options, skipper::Store* store,
                     const std::string& module,
                     const std::string& configuration,
                     const skipper::TestRecord& record) {
  PlanningState planning = MakePlanningState(options, store, module);
  skipper::PlannedTest test = PlannedFromKey(record.key, options.settings);
  skipper::SkipPlanner planner(store, planning.state.get());
  ITR_ASSIGN_OR_RETURN(
      std::vector<skipper::TestDecision> decisions,
      planner.Plan(module, configuration, {test}, options.settings));
  std::cout << "\n" << module << "  [" << configuration << "]\n";
  PrintDecision(decisions.front(), record);

  ITR_ASSIGN_OR_RETURN(skipper::DependencySet deps,
                       store->TestDependencies(record.id));
  std::vector<std::string> changed =
      skipper::ChangedDependencies(deps, planning.state.get());
  std::cout << "  depends on " << Rule(deps) << "\n";
  std::cout << absl::StrFormat("  dependencies: %d, %d changed\n",
                               deps.coarse.size() + deps.functions.size(),
                               changed.size());
  PrintDependencies(deps, planning.state.get());

  ITR_ASSIGN_OR_RETURN(skipper::DependencySet session,
                       store->RunDependencies(record.run_id));
  std::vector<std::string> session_changed =
      skipper::ChangedDependencies(session, planning.state.get());
  std::sort(session_changed.begin(), session_changed.end());
  std::cout << absl::StrFormat(
      "  session dependencies of run #%d: %d, %d changed\n", record.run_id,
      session.coarse.size() + session.functions.size(), session_changed.size());
  for (const std::string& what : session_changed) {
    std::cout << "    changed  " << what << "\n";
  }
  for (const auto& [object, why] : planning.objects->problems()) {
    std::cout << "  note: " << object << ": " << why << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

int RunExplain(const Options& options) {
  const std::string& key = options.positionals.at(0);
  std::cout << "test: " << key << "\n";
  bool missing = false;
  std::unique_ptr<skipper::Store> store =
      OpenExistingStore(options, StoreAccess::kRead, &missing);
  if (missing) {
    std::cout << "no store yet at " << options.store_display
              << ": the test is unknown\n";
    return kExitNo;
  }
  if (store == nullptr) return kExitStoreError;
  auto modules = SelectModules(store.get(), options.module);
  if (!modules.ok())
    return StoreError("cannot read the store", modules.status());

  int found = 0;
  for (const auto& [module, configuration] : *modules) {
    auto tests = store->LoadTests(module, configuration);
    if (!tests.ok()) return StoreError("cannot read the store", tests.status());
    for (const skipper::TestRecord& record : *tests) {
      if (record.key != key) continue;
      ++found;
      absl::Status status =
          Explain(options, store.get(), module, configuration, record);
      if (!status.ok()) return StoreError("cannot plan " + key, status);
    }
  }
  if (found == 0) {
    std::cout << "unknown test: no record of " << key
              << (options.module.empty() ? "" : " in module " + options.module)
              << " (names are Suite.Name, e.g. Inst/Suite.Case/2)\n";
    return kExitNo;
  }
  return kExitOk;
}

}  // namespace itr::cli
