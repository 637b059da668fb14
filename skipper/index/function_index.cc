// The index model's accessors (function_index.h).
#include "skipper/index/function_index.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "skipper/index/elf_image.h"

namespace itr::skipper {

std::string Fingerprint128::Hex() const {
  // By hand: called for every function a test executed.
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(32, '0');
  for (int i = 0; i < 16; ++i) {
    hex[15 - i] = kDigits[(high >> (4 * i)) & 0xf];
    hex[31 - i] = kDigits[(low >> (4 * i)) & 0xf];
  }
  return hex;
}

absl::string_view FunctionIndex::String(uint32_t offset) const {
  if (offset >= strings_.size()) return "";
  return absl::string_view(strings_.c_str() + offset);
}

int64_t FunctionIndex::FunctionAt(uint64_t address) const {
  auto it = std::upper_bound(
      functions_.begin(), functions_.end(), address,
      [](uint64_t a, const IndexedFunction& f) { return a < f.address; });
  // Several functions can start at one address with different sizes.
  for (int n = 0; it != functions_.begin() && n < 8; ++n) {
    --it;
    if (address - it->address < it->size) return it - functions_.begin();
  }
  return -1;
}

absl::StatusOr<std::string> ReadBuildId(const std::string& elf_path) {
  return index_internal::ReadElfBuildId(elf_path);
}

}  // namespace itr::skipper
