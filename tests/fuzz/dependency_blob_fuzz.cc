// The store's function dependency sets: any blob decodes or is DataLoss,
// and what decodes is a non-decreasing list whose set encodes back to
// itself.
#include <algorithm>
#include <cstdlib>

#include "fuzz_input.h"
#include "skipper/store/dependency_blob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  auto ids =
      DecodeIdSet(absl::string_view(reinterpret_cast<const char*>(data), size));
  if (!ids.ok()) return 0;
  if (!std::is_sorted(ids->begin(), ids->end())) abort();
  ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  auto again = DecodeIdSet(EncodeIdSet(*ids));
  if (!again.ok() || *again != *ids) abort();  // a set read back changed
  return 0;
}
