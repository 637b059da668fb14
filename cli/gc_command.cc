// itr gc: delete what no decision can need any more.
#include <iostream>

#include "absl/strings/str_format.h"
#include "cli/commands.h"

namespace itr::cli {

int RunGc(const Options& options) {
  bool missing = false;
  std::unique_ptr<skipper::Store> store =
      OpenExistingStore(options, StoreAccess::kWrite, &missing);
  if (missing) {
    std::cout << "no store yet at " << options.store_display
              << ": nothing to collect\n";
    return kExitOk;
  }
  if (store == nullptr) return kExitStoreError;
  absl::StatusOr<int64_t> deleted = store->CollectGarbage();
  if (!deleted.ok())
    return StoreError("cannot collect garbage", deleted.status());
  std::cout << absl::StrFormat("gc %s: deleted %d rows\n",
                               options.store_display, *deleted);
  return kExitOk;
}

}  // namespace itr::cli
