// Pseudo-relocations. In code assembled without per-function sections
// (uninstrumented libraries), a call/jmp rel32 to a local function of the
// same section has no relocation: the assembler resolved it, and the rel32
// encodes the layout. An unrelocated E8/E9 whose target is exactly the
// start of a local function of the same output section (outside the
// calling function) is treated as a relocation against that function.
// Without an instruction decoder an E8/E9 byte inside another instruction
// can match by chance; then those 4 bytes are described by the function's
// name instead of hashed (a changed value still changes the description, so
// no change is lost).
#ifndef ITR_SKIPPER_INDEX_PSEUDO_RELOCATIONS_H_
#define ITR_SKIPPER_INDEX_PSEUDO_RELOCATIONS_H_

#include <cstdint>
#include <vector>

#include "skipper/index/object_layout.h"

namespace itr::skipper::index_internal {

struct PseudoRelocation {
  uint64_t field = 0;  // offset of the rel32 in the function
  int target = -1;     // index into ObjectLayout::functions()
};

// The pseudo-relocations of function `function` whose bytes are `code`,
// in offset order.
std::vector<PseudoRelocation> FindPseudoRelocations(
    const ObjectLayout& layout, int function, const std::vector<uint8_t>& code);

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_PSEUDO_RELOCATIONS_H_
