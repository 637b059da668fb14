// The extent of the data object holding an address. A linked object keeps
// no sizes for what its sections hold, so the extent is found, in order:
//   1. a sized, non-.L symbol (OBJECT/TLS/NOTYPE/COMMON) of that section
//      covering the address;
//   2. the map's input section covering it: "*.str<W>.<A>" -> from the
//      address up to and including the first W-byte NUL (W-aligned from
//      it); "*.cst<N>" -> the N-aligned N-byte entry; another input
//      section -> from the address to the next sized symbol or the input
//      section's end;
//   3. no map: from the address to the next symbol start that follows a NUL
//      byte, or the next sized symbol, or the section end (an
//      over-approximation: the linked output has lost SHF_MERGE,
//      SHF_STRINGS and entsize; string pools are plain .rodata).
#ifndef ITR_SKIPPER_INDEX_DATA_EXTENTS_H_
#define ITR_SKIPPER_INDEX_DATA_EXTENTS_H_

#include <cstdint>
#include <vector>

#include "skipper/index/object_layout.h"

namespace itr::skipper::index_internal {

struct DataExtent {
  uint64_t lo = 0, hi = 0;
  int symbol = -1;  // the sized symbol of rule 1, else -1 (anonymous)
};

class DataExtents {
 public:
  explicit DataExtents(const ObjectLayout& layout);

  // The object holding `address` of data section `section`.
  DataExtent ExtentAt(uint64_t address, int section) const;
  // The innermost sized data symbol of `section` covering `address`
  // (among equal ones a global), or -1.
  int SizedDataSymbolAt(uint64_t address, int section) const;
  // True when the object holding `address - 1` ends exactly at `address`:
  // `address` may be a one-past-the-end pointer to it.
  bool ObjectEndsAt(uint64_t address, int section) const;

 private:
  uint64_t StringEnd(uint64_t address, unsigned width,
                     const ElfSection& section) const;
  uint64_t NextSizedSymbolAfter(uint64_t address, uint64_t limit) const;
  uint64_t NextSymbolAfterNul(uint64_t address,
                              const ElfSection& section) const;

  const ObjectLayout& layout_;
  std::vector<uint32_t> data_symbols_;  // sized non-function, by value
  std::vector<uint64_t> sized_starts_;  // starts of sized symbols
  std::vector<uint64_t> any_starts_;    // starts of all named symbols
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_DATA_EXTENTS_H_
