// itr reset: forget every recorded test and run.
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/commands.h"

namespace itr::cli {

int RunReset(const Options& options) {
  bool missing = false;
  std::unique_ptr<skipper::Store> store =
      OpenExistingStore(options, StoreAccess::kWrite, &missing);
  if (missing) {
    std::cout << "no store yet at " << options.store_display
              << ": nothing to reset\n";
    return kExitOk;
  }
  if (store == nullptr) return kExitStoreError;
  absl::StatusOr<skipper::Store::Summary> summary = store->Summarize();
  if (!summary.ok())
    return StoreError("cannot read the store", summary.status());
  absl::Status reset = store->Reset();
  if (!reset.ok()) return StoreError("cannot reset the store", reset);
  std::cout << absl::StrFormat("reset %s: forgot %d tests and %d runs\n",
                               options.store_display, summary->tests,
                               summary->runs);
  return kExitOk;
}

}  // namespace itr::cli
