// The index file format (version 1), little-endian:
//
//   header (48 bytes)
//     0  magic "ITRFIDX\n"
//     8  u32 version (1)            12  u32 flags (bit 0: fingerprinted)
//    16  u32 build-id length        20  u32 reason (string offset)
//    24  u32 functions  28  u32 units  32  u32 data  36  u32 refs
//    40  u64 string table size
//   build-id (hex characters)
//   functions (56 bytes each): u64 address, u64 size, u32 identity,
//     u32 unit, u32 flags, u32 refs_begin, u32 refs_count, u32 0,
//     u64 fingerprint low, u64 fingerprint high
//   units (20 bytes each): u32 name, u64 fingerprint low, u64 high
//   data (8 bytes each): u32 identity, u32 unit
//   refs (4 bytes each)
//   string table: NUL-terminated strings, offset 0 is ""
//   checksum (16 bytes): XXH3-128 of everything before it, low then high
//
// A reader trusts nothing before the checksum matches, then checks every
// count against the size and every index and string offset against its
// table.
#ifndef ITR_SKIPPER_INDEX_INDEX_FILE_H_
#define ITR_SKIPPER_INDEX_INDEX_FILE_H_

#include <cstdint>

namespace itr::skipper::index_internal {

inline constexpr char kIndexMagic[8] = {'I', 'T', 'R', 'F',
                                        'I', 'D', 'X', '\n'};
// Bumped whenever the content changes meaning (the fingerprint rules, what
// a reference is): side files and caches of older versions are rejected
// (same build-id, other rules).
inline constexpr uint32_t kIndexVersion = 1;
inline constexpr uint32_t kIndexFingerprinted = 1u << 0;
inline constexpr uint64_t kHeaderBytes = 48;
inline constexpr uint64_t kFunctionBytes = 56;
inline constexpr uint64_t kUnitBytes = 20;
inline constexpr uint64_t kDataBytes = 8;
inline constexpr uint64_t kRefBytes = 4;
inline constexpr uint64_t kChecksumBytes = 16;
// Every FunctionFlag bit.
inline constexpr uint32_t kKnownFunctionFlags = (1u << 5) - 1;

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_INDEX_FILE_H_
