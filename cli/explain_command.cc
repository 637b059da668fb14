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

// Prints one test's decision under one (module, configuration).
absl::Status Explain(const Options& options, skipper::LocalStore* store,
                     skipper::FileFingerprinter* fingerprinter,
                     const std::string& module,
                     const std::string& configuration,
                     const skipper::TestRecord& record) {
  skipper::PlannedTest test = PlannedFromKey(record.key, options.settings);
  skipper::SkipPlanner planner(store, fingerprinter, skipper::kNoBuildTime);
  absl::StatusOr<std::vector<skipper::TestDecision>> decisions =
      planner.Plan(module, configuration, {test}, options.settings);
  ITR_RETURN_IF_ERROR(decisions.status());
  const skipper::TestDecision& decision = decisions->front();

  std::cout << "\n" << module << "  [" << configuration << "]\n";
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

  absl::StatusOr<std::vector<Dependency>> deps =
      store->TestDependencies(record.id);
  ITR_RETURN_IF_ERROR(deps.status());
  std::sort(
      deps->begin(), deps->end(),
      [](const Dependency& a, const Dependency& b) { return a.key < b.key; });
  std::vector<std::string> changed_list =
      skipper::ChangedDependencies(*deps, fingerprinter, skipper::kNoBuildTime);
  std::set<std::string> changed(changed_list.begin(), changed_list.end());
  std::cout << absl::StrFormat("  dependencies: %d, %d changed\n", deps->size(),
                               changed.size());
  for (const Dependency& dep : *deps) {
    bool is_changed = changed.count(dep.key) > 0;
    std::cout << "    " << (is_changed ? "changed  " : "         ") << dep.key
              << (dep.kind == "file" ? "" : "  (" + dep.kind + ")") << "\n";
  }

  absl::StatusOr<std::vector<Dependency>> session =
      store->RunDependencies(record.run_id);
  ITR_RETURN_IF_ERROR(session.status());
  std::vector<std::string> session_changed = skipper::ChangedDependencies(
      *session, fingerprinter, skipper::kNoBuildTime);
  std::sort(session_changed.begin(), session_changed.end());
  std::cout << absl::StrFormat(
      "  session dependencies of run #%d: %d, %d changed\n", record.run_id,
      session->size(), session_changed.size());
  for (const std::string& key : session_changed) {
    std::cout << "    changed  " << key << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

int RunExplain(const Options& options) {
  const std::string& key = options.positionals.at(0);
  std::cout << "test: " << key << "\n";
  bool missing = false;
  std::unique_ptr<skipper::LocalStore> store =
      OpenExistingStore(options, &missing);
  if (missing) {
    std::cout << "no store yet at " << options.store_path
              << ": the test is unknown\n";
    return kExitNo;
  }
  if (store == nullptr) return kExitStoreError;
  auto modules = SelectModules(store.get(), options.module);
  if (!modules.ok())
    return StoreError("cannot read the store", modules.status());

  std::unique_ptr<skipper::FileFingerprinter> fingerprinter =
      MakeFingerprinter(options, store.get());
  int found = 0;
  for (const auto& [module, configuration] : *modules) {
    auto tests = store->LoadTests(module, configuration);
    if (!tests.ok()) return StoreError("cannot read the store", tests.status());
    for (const skipper::TestRecord& record : *tests) {
      if (record.key != key) continue;
      ++found;
      absl::Status status = Explain(options, store.get(), fingerprinter.get(),
                                    module, configuration, record);
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
