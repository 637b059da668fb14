// The store's function dependency sets: any blob decodes or is DataLoss,
// and what decodes encodes back to the same set.
#include <cstdlib>

#include "fuzz_input.h"
#include "skipper/store/dependency_blob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  auto ids = DecodeIdSet(itr::fuzz::Text(data, size));
  if (!ids.ok()) return 0;
  auto again = DecodeIdSet(EncodeIdSet(*ids));
  if (!again.ok() || *again != *ids) abort();  // a set read back changed
  return 0;
}
