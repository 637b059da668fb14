// itr impacted: the recorded tests the next run would run, and why.
#include <algorithm>
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/commands.h"

namespace itr::cli {

int RunImpacted(const Options& options) {
  bool missing = false;
  std::unique_ptr<skipper::Store> store =
      OpenExistingStore(options, StoreAccess::kRead, &missing);
  if (missing) {
    std::cout << "no store yet at " << options.store_display
              << ": every test would run\n";
    return kExitOk;
  }
  if (store == nullptr) return kExitStoreError;
  auto modules = SelectModules(store.get(), options.module);
  if (!modules.ok())
    return StoreError("cannot read the store", modules.status());

  size_t total = 0, running = 0;
  for (const auto& [module, configuration] : *modules) {
    PlanningState planning = MakePlanningState(options, store.get(), module);
    skipper::SkipPlanner planner(store.get(), planning.state.get());
    auto records = store->LoadTests(module, configuration);
    if (!records.ok())
      return StoreError("cannot read the store", records.status());
    std::vector<std::string> keys;
    for (const skipper::TestRecord& r : *records) keys.push_back(r.key);
    std::sort(keys.begin(), keys.end());
    std::vector<skipper::PlannedTest> tests;
    for (const std::string& key : keys) {
      tests.push_back(PlannedFromKey(key, options.settings));
    }
    auto decisions =
        planner.Plan(module, configuration, tests, options.settings);
    if (!decisions.ok()) return StoreError("cannot plan", decisions.status());

    size_t module_running = 0;
    for (const skipper::TestDecision& d : *decisions) module_running += !d.skip;
    std::cout << absl::StrFormat("%s  [%s]: %d of %d tests would run\n", module,
                                 configuration, module_running, tests.size());
    for (size_t i = 0; i < tests.size(); ++i) {
      if ((*decisions)[i].skip) continue;
      std::cout << "  " << keys[i] << "  (" << (*decisions)[i].reason << ")\n";
    }
    total += tests.size();
    running += module_running;
  }
  std::cout << absl::StrFormat("%d of %d tests would run\n", running, total);
  return kExitOk;
}

}  // namespace itr::cli
