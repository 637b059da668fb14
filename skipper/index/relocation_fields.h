// What an x86-64 relocation patches: the size of its field and whether the
// field is relative to its own end (S + A - P).
#ifndef ITR_SKIPPER_INDEX_RELOCATION_FIELDS_H_
#define ITR_SKIPPER_INDEX_RELOCATION_FIELDS_H_

#include <cstdint>

namespace itr::skipper::index_internal {

// Size in bytes of the field an x86-64 relocation of `type` patches.
unsigned RelocationFieldSize(uint32_t type);

// Types whose field is relative to the end of the field: the referenced
// address is S + A + 4 (+ k immediate bytes after the field, in code).
bool IsPcRelativeToFieldEnd(uint32_t type);

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_RELOCATION_FIELDS_H_
