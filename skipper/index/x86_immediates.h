// The immediate bytes that follow a RIP-relative displacement in x86-64
// code.
//
// A PC-relative reference against a *section* symbol carries the
// instruction's trailing-immediate size in its addend: `cmpb $0, x(%rip)` is
// `.bss + off(x) - 5`. Finding the referenced object needs k, the number of
// immediate bytes after the 4-byte displacement. The decoder works backwards
// from the field: the byte before a RIP-relative disp32 is a ModRM with
// mod=00 rm=101 and the opcode precedes it. Backward decoding is ambiguous
// (a 0x0F may be the previous instruction's last byte), so the answer is
// the SET of k over every plausible parse; the caller describes the target
// at each candidate (over-approximation, never under).
#ifndef ITR_SKIPPER_INDEX_X86_IMMEDIATES_H_
#define ITR_SKIPPER_INDEX_X86_IMMEDIATES_H_

#include <cstddef>
#include <cstdint>

namespace itr::skipper::index_internal {

// Bit k set for each candidate count k (0..4) of immediate bytes after the
// 4-byte field at `code[field]`; `code[0, field)` precedes it. {0} when the
// field is no RIP-relative displacement (the rel32 of call/jmp/jcc).
unsigned ImmediateCandidates(const uint8_t* code, size_t field);

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_X86_IMMEDIATES_H_
