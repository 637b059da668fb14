#include "skipper/index/x86_immediates.h"

namespace itr::skipper::index_internal {
namespace {

// Immediate size of a legacy one-byte opcode with a ModRM.
unsigned LegacyImmediate(uint8_t opcode, unsigned reg, bool operand16) {
  switch (opcode) {
    case 0x80:
    case 0x82:
    case 0x83:
    case 0xC0:
    case 0xC1:
    case 0xC6:
    case 0x6B:
      return 1;
    case 0x81:
    case 0xC7:
    case 0x69:
      return operand16 ? 2 : 4;
    case 0xF6:
      return reg <= 1 ? 1 : 0;
    case 0xF7:
      return reg <= 1 ? (operand16 ? 2 : 4) : 0;
    default:
      return 0;
  }
}

// 0F xx (and VEX/EVEX map 1) opcodes that take an imm8.
bool Map1HasImm8(uint8_t opcode) {
  switch (opcode) {
    case 0x70:
    case 0x71:
    case 0x72:
    case 0x73:
    case 0xA4:
    case 0xAC:
    case 0xBA:
    case 0xC2:
    case 0xC4:
    case 0xC5:
    case 0xC6:
      return true;
    default:
      return false;
  }
}

bool IsLegacyPrefix(uint8_t byte) {
  switch (byte) {
    case 0xF2:
    case 0xF3:
    case 0xF0:
    case 0x2E:
    case 0x3E:
    case 0x26:
    case 0x36:
    case 0x64:
    case 0x65:
    case 0x67:
      return true;
    default:
      return false;
  }
}

// Candidates when the opcode is a legacy one-byte one (optional REX, and
// an operand-size prefix 0x66 among the prefixes before it).
unsigned LegacyCandidates(const uint8_t* code, size_t field, unsigned reg) {
  uint8_t opcode = code[field - 2];
  size_t start = field - 2;
  if (start >= 1 && (code[start - 1] & 0xF0) == 0x40) --start;  // REX
  bool operand16 = false;
  for (size_t i = start, n = 0; i > 0 && n < 4; --i, ++n) {
    uint8_t byte = code[i - 1];
    if (byte == 0x66) {
      operand16 = true;
      continue;
    }
    if (!IsLegacyPrefix(byte)) break;
  }
  unsigned mask = 1u << LegacyImmediate(opcode, reg, false);
  if (operand16) mask |= 1u << LegacyImmediate(opcode, reg, true);
  return mask;
}

// Candidates of the two- and three-byte opcode maps, VEX and EVEX.
unsigned ExtendedCandidates(const uint8_t* code, size_t p) {
  unsigned mask = 0;
  if (p >= 3 && code[p - 3] == 0x0F) {
    mask |= 1u << (Map1HasImm8(code[p - 2]) ? 1 : 0);
  }
  if (p >= 4 && code[p - 4] == 0x0F && code[p - 3] == 0x3A) mask |= 1u << 1;
  if (p >= 4 && code[p - 4] == 0x0F && code[p - 3] == 0x38) mask |= 1u << 0;
  if (p >= 3 && code[p - 3] == 0xC5) {  // VEX2: map 1
    mask |= 1u << (Map1HasImm8(code[p - 2]) ? 1 : 0);
  }
  if (p >= 4 && code[p - 4] == 0xC4) {  // VEX3
    unsigned map = code[p - 3] & 0x1F;
    bool imm8 = map == 3 || (map == 1 && Map1HasImm8(code[p - 2]));
    mask |= 1u << (imm8 ? 1 : 0);
  }
  if (p >= 5 && code[p - 5] == 0x62) {  // EVEX
    unsigned map = code[p - 4] & 0x7;
    bool imm8 = map == 3 || (map == 1 && Map1HasImm8(code[p - 2]));
    mask |= 1u << (imm8 ? 1 : 0);
  }
  return mask;
}

}  // namespace

unsigned ImmediateCandidates(const uint8_t* code, size_t field) {
  if (field < 2) return 1u << 0;
  uint8_t modrm = code[field - 1];
  // Not a RIP-relative ModRM: the rel32 of call/jmp/jcc.
  if ((modrm & 0xC7) != 0x05) return 1u << 0;
  unsigned reg = (modrm >> 3) & 7;
  return LegacyCandidates(code, field, reg) | ExtendedCandidates(code, field);
}

}  // namespace itr::skipper::index_internal
