#include "skipper/store/dependency_blob.h"

#include <algorithm>

namespace itr::skipper {

std::string EncodeIdSet(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out;
  out.reserve(ids.size() * 2);
  uint64_t previous = 0;
  for (int64_t id : ids) {
    uint64_t delta = static_cast<uint64_t>(id) - previous;
    previous = static_cast<uint64_t>(id);
    do {
      uint8_t byte = delta & 0x7f;
      delta >>= 7;
      out.push_back(static_cast<char>(byte | (delta != 0 ? 0x80 : 0)));
    } while (delta != 0);
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> DecodeIdSet(absl::string_view blob) {
  std::vector<int64_t> ids;
  ids.reserve(blob.size());
  uint64_t value = 0;
  size_t i = 0;
  while (i < blob.size()) {
    uint64_t delta = 0;
    int shift = 0;
    for (;;) {
      if (i == blob.size() || shift > 63) {
        return absl::DataLossError("malformed dependency set");
      }
      uint8_t byte = static_cast<uint8_t>(blob[i++]);
      delta |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) break;
    }
    if (delta > static_cast<uint64_t>(INT64_MAX) - value) {
      return absl::DataLossError("malformed dependency set");
    }
    value += delta;
    ids.push_back(static_cast<int64_t>(value));
  }
  return ids;
}

}  // namespace itr::skipper
