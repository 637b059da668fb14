// The incremental XXH3-128 hasher of the function index. Every field is
// typed and length-prefixed, so concatenations cannot collide ("ab" + "c"
// hashes differently from "a" + "bc").
#ifndef ITR_SKIPPER_INDEX_HASHER_H_
#define ITR_SKIPPER_INDEX_HASHER_H_

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "skipper/index/function_index.h"

namespace itr::skipper::index_internal {

class Hasher {
 public:
  Hasher() { XXH3_128bits_reset(&state_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void U64(uint64_t value) { Raw(&value, sizeof value); }
  void I64(int64_t value) { U64(static_cast<uint64_t>(value)); }
  // Length, then the bytes.
  void Bytes(const void* data, size_t size) {
    U64(size);
    if (size != 0) Raw(data, size);
  }
  void Str(absl::string_view text) { Bytes(text.data(), text.size()); }
  void Tag(const char* tag) { Bytes(tag, std::strlen(tag)); }
  void Hash(const Fingerprint128& hash) {
    U64(hash.low);
    U64(hash.high);
  }
  // Bytes without a length prefix (the parts of one Bytes() field given
  // piecewise; the caller has hashed the total length with U64).
  void Raw(const void* data, size_t size) {
    XXH3_128bits_update(&state_, data, size);
  }
  Fingerprint128 Digest() const {
    XXH128_hash_t digest = XXH3_128bits_digest(&state_);
    return Fingerprint128{digest.low64, digest.high64};
  }

 private:
  XXH3_state_t state_;
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_HASHER_H_
