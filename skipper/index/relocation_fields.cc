#include "skipper/index/relocation_fields.h"

#include <elf.h>

namespace itr::skipper::index_internal {

unsigned RelocationFieldSize(uint32_t type) {
  switch (type) {
    case R_X86_64_NONE:
    case R_X86_64_TLSDESC_CALL:
      return 0;
    case R_X86_64_8:
    case R_X86_64_PC8:
      return 1;
    case R_X86_64_16:
    case R_X86_64_PC16:
      return 2;
    case R_X86_64_64:
    case R_X86_64_DTPMOD64:
    case R_X86_64_DTPOFF64:
    case R_X86_64_TPOFF64:
    case R_X86_64_PC64:
    case R_X86_64_GOTOFF64:
    case R_X86_64_GOT64:
    case R_X86_64_GOTPCREL64:
    case R_X86_64_GOTPC64:
    case R_X86_64_GOTPLT64:
    case R_X86_64_PLTOFF64:
    case R_X86_64_SIZE64:
    case R_X86_64_IRELATIVE:
    case R_X86_64_RELATIVE64:
    case R_X86_64_GLOB_DAT:
    case R_X86_64_JUMP_SLOT:
    case R_X86_64_RELATIVE:
    case R_X86_64_COPY:
      return 8;
    case R_X86_64_TLSDESC:
      return 16;
    default:
      // PC32 PLT32 GOT32 GOTPCREL(X) REX_GOTPCRELX 32 32S TLSGD TLSLD
      // DTPOFF32 GOTTPOFF TPOFF32 GOTPC32 SIZE32 GOTPC32_TLSDESC
      return 4;
  }
}

bool IsPcRelativeToFieldEnd(uint32_t type) {
  switch (type) {
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
    case R_X86_64_GOTTPOFF:
    case R_X86_64_TLSGD:
    case R_X86_64_TLSLD:
    case R_X86_64_GOTPC32:
    case R_X86_64_GOTPC32_TLSDESC:
      return true;
    default:
      return false;
  }
}

}  // namespace itr::skipper::index_internal
