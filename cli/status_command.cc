// itr status: what the store holds.
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/commands.h"

namespace itr::cli {

int RunStatus(const Options& options) {
  std::cout << "store: " << options.store_display << "\n";
  bool missing = false;
  std::unique_ptr<skipper::Store> store =
      OpenExistingStore(options, StoreAccess::kRead, &missing);
  if (missing) {
    std::cout << "no store yet: run the tests once with itr-cpp to record "
                 "them\n";
    return kExitOk;
  }
  if (store == nullptr) return kExitStoreError;

  absl::StatusOr<skipper::Store::Summary> summary = store->Summarize();
  if (!summary.ok())
    return StoreError("cannot read the store", summary.status());
  auto modules = store->Modules();
  if (!modules.ok())
    return StoreError("cannot read the store", modules.status());

  std::cout << "runs: " << summary->runs << "\n";
  if (modules->empty()) std::cout << "no tests recorded\n";
  for (const auto& [module, configuration] : *modules) {
    auto tests = store->LoadTests(module, configuration);
    if (!tests.ok()) return StoreError("cannot read the store", tests.status());
    int64_t passed = 0, failed = 0, running = 0, skips = 0;
    double saved_ms = 0;
    for (const skipper::TestRecord& t : *tests) {
      passed += t.status == "passed";
      failed += t.status == "failed";
      running += t.status == "running";
      skips += t.skips;
      saved_ms += t.saved_ms;
    }
    std::cout << "\n"
              << module << "  [" << configuration << "]\n"
              << absl::StrFormat(
                     "  tests: %d recorded, %d passed, %d failed, %d running "
                     "(did not finish)\n",
                     tests->size(), passed, failed, running)
              << absl::StrFormat("  skips: %d, time saved: %s\n", skips,
                                 FormatDuration(saved_ms));
  }
  if (modules->size() > 1) {
    std::cout << "\n"
              << absl::StrFormat(
                     "total: %d tests recorded, %d skips, time saved: %s\n",
                     summary->tests, summary->skips,
                     FormatDuration(summary->saved_ms));
  }
  return kExitOk;
}

}  // namespace itr::cli
