// The identity of a symbol across builds: its linkage name; a local
// (internal-linkage) symbol also names its translation unit, the STT_FILE
// symbol before it ("name@unit.cpp": clang writes the source's base name,
// which does not depend on the checkout path; repeated base names get "#n"
// in link order). Clang names some internal functions with a module-wide
// counter shared by all private names (__cxx_global_var_init.N at -O0:
// adding a string literal earlier in the unit renumbers them); those become
// "base@unit.cpp#k", k their order by address within the unit.
#ifndef ITR_SKIPPER_INDEX_IDENTITIES_H_
#define ITR_SKIPPER_INDEX_IDENTITIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "skipper/index/object_layout.h"

namespace itr::skipper::index_internal {

class Identities {
 public:
  explicit Identities(const ObjectLayout& layout);

  // Computed once per symbol (the fingerprints ask for the same ones over
  // and over).
  const std::string& Of(uint32_t symbol) const;
  // The translation unit of a local symbol ("?" when unknown).
  const std::string& FileOf(uint32_t symbol) const;

 private:
  std::string Compute(uint32_t symbol) const;

  const ObjectLayout& layout_;
  absl::flat_hash_map<uint32_t, std::string> counter_named_;
  mutable std::vector<std::string> cache_;
  mutable std::vector<bool> cached_;
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_IDENTITIES_H_
