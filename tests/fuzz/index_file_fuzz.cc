// The function index file: read as found, and with its checksum resealed
// so that the structure checks behind it are reached too.
#include <cstring>

#include "fuzz_input.h"
#include "skipper/index/function_index.h"
#include "skipper/index/hasher.h"
#include "skipper/index/index_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  FunctionIndex::ReadFile(itr::fuzz::ScratchFile(bytes, "index"), "")
      .IgnoreError();
  if (bytes.size() > index_internal::kChecksumBytes) {
    const size_t body = bytes.size() - index_internal::kChecksumBytes;
    index_internal::Hasher hasher;
    hasher.Raw(bytes.data(), body);
    const Fingerprint128 sum = hasher.Digest();
    memcpy(bytes.data() + body, &sum.low, 8);
    memcpy(bytes.data() + body + 8, &sum.high, 8);
    auto index =
        FunctionIndex::ReadFile(itr::fuzz::ScratchFile(bytes, "index"), "");
    if (index.ok()) {
      for (uint64_t address : {uint64_t{0}, uint64_t{0x1000}, ~uint64_t{0}}) {
        (*index)->FunctionAt(address);
      }
    }
  }
  return 0;
}
