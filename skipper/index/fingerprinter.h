// The fingerprint of a function's compiled code (XXH3-128):
//   for each relocation whose field lies in the function, in offset order:
//   (offset in the function, type, DESCRIPTION of the target); then the
//   pseudo-relocations (pseudo_relocations.h); then the bytes with every
//   relocated field zeroed; then the function's LSDA (exception_tables.h).
//
// DESCRIPTION of a relocation target (never an address):
//   symbol index 0 ........... the addend
//   undefined symbol ......... its name (+ addend)
//   named function ........... the identity of the symbol referenced +
//                              addend (the function itself: SELF + addend);
//                              a split part of the current function
//                              (foo.cold*): identity + the part's own
//                              fingerprint
//   section symbol (S + A) ... the address T = S + A, + 4 when the field is
//                              PC-relative in code, + k where k = immediate
//                              bytes after the field (x86_immediates.h;
//                              every plausible k is described), then:
//     in __sancov_* .......... a constant token per section name
//     in code ................ the containing function's identity +
//                              offset, or SELF + offset inside the current
//                              function (slack: clang jump-table entries
//                              are target + entry offset)
//     in data ................ the containing object (data_extents.h): R/W
//                              tag, identity (writable data only), offset
//                              of T in the object, size, content hash
//   END POINTERS: when the object holding T - 1 ends exactly at T (`tbl +
//     N`, one past the end of a local object: after the link the same
//     address as whatever follows), that object is described too; with the
//     map, only when it comes from the relocation's own input file
//   symbol in a __sancov_* section ... the token
//   .L temporary symbol ...... addend + the address rules at S (clang's
//                              sized .L symbols are named data objects)
//   named data object ........ R/W tag, identity (if writable or global),
//                              addend, size, content hash of [S, S + size)
//   zero-size named symbol ... identity + addend (__start_/__stop_, ...)
// CONTENT HASH of a data region: the same scheme recursively (relocations
// inside it in offset order, then the bytes with relocated fields zeroed;
// NOBITS = zeros), depth at most 16, cycle-safe, memoised when it does not
// depend on the function being fingerprinted.
#ifndef ITR_SKIPPER_INDEX_FINGERPRINTER_H_
#define ITR_SKIPPER_INDEX_FINGERPRINTER_H_

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "skipper/index/data_extents.h"
#include "skipper/index/exception_tables.h"
#include "skipper/index/function_index.h"
#include "skipper/index/hasher.h"
#include "skipper/index/identities.h"
#include "skipper/index/object_layout.h"

namespace itr::skipper::index_internal {

class Fingerprinter {
 public:
  Fingerprinter(const ObjectLayout& layout, const DataExtents& extents,
                const Identities& identities,
                const ExceptionTables& exception_tables);

  // The fingerprint of layout.functions()[function].
  Fingerprint128 Of(int function);

 private:
  // The state of one function's fingerprint.
  struct Walk {
    int root = -1;                // the function being fingerprinted
    std::vector<uint64_t> stack;  // data regions being hashed (cycles)
    int split_depth = 0;
    // Taints: the result depends on the root, a cycle or the depth limit,
    // so it cannot be memoised.
    bool context = false, cycle = false, truncated = false;
  };

  Fingerprint128 FunctionHash(int function, Walk& w);
  void HashPseudoRelocations(int function, const std::vector<uint8_t>& code,
                             std::vector<uint8_t>* zeroed, Hasher* h, Walk& w);
  Fingerprint128 RegionHash(uint64_t lo, uint64_t hi, int section, Walk& w);
  Fingerprint128 RegionContentHash(uint64_t lo, uint64_t hi, int section,
                                   Walk& w);
  void HashBytes(uint64_t lo, uint64_t hi, int section, Hasher* h) const;
  Fingerprint128 DescribeRelocation(const ElfRelocation& r,
                                    const uint8_t* owner_code,
                                    uint64_t owner_lo, bool from_code,
                                    uint64_t slack, Walk& w);
  Fingerprint128 DescribeSectionTarget(const ElfRelocation& r,
                                       const uint8_t* owner_code,
                                       uint64_t owner_lo, bool from_code,
                                       uint64_t slack, Walk& w);
  void DescribeEndPointers(const ElfRelocation& r, uint64_t base,
                           unsigned candidates, uint64_t slack, Hasher* h,
                           Walk& w);
  Fingerprint128 DescribeCodeSymbol(const ElfRelocation& r, Walk& w);
  Fingerprint128 DescribeAddress(uint64_t address, int hint, uint64_t slack,
                                 Walk& w);
  Fingerprint128 DescribeCodeAddress(uint64_t address, const ElfSection& s,
                                     uint64_t slack, Walk& w);
  Fingerprint128 DescribeDataAddress(uint64_t address, int section, Walk& w);
  Fingerprint128 DescribeFunctionTarget(int function, int64_t offset, Walk& w);
  Fingerprint128 DescribeDataSymbol(uint32_t symbol, int64_t addend, Walk& w);

  const ObjectLayout& layout_;
  const DataExtents& extents_;
  const Identities& identities_;
  const ExceptionTables& exception_tables_;
  // Content hashes of regions that depend on no function (lo, hi, section).
  absl::flat_hash_map<std::tuple<uint64_t, uint64_t, int>, Fingerprint128>
      memo_;
  // Descriptions of references into __sancov_* sections, by (type,
  // candidate immediates, section).
  absl::flat_hash_map<std::tuple<uint32_t, unsigned, int>, Fingerprint128>
      sancov_descriptions_;
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_FINGERPRINTER_H_
