// What a function's code refers to through its relocations (and
// pseudo-relocations): other functions, writable data objects, and the
// functions that change process-wide state (process_state.h). References
// through read-only data (vtables, pointer tables) are not followed.
//
// A writable data object is a named, sized symbol of .data*, .bss*, .tdata
// or .tbss, except what the linker or the C runtime defines (__dso_handle,
// __TMC_END__, _GLOBAL_OFFSET_TABLE_, ...), objects of shared libraries
// copied into the executable (versioned names, "stdout@GLIBC_2.2.5") and
// the instrumentation's __sancov_* objects. A reference through a section
// symbol resolves to the object holding the address (and to the object of
// the same input file ending there: a one-past-the-end pointer).
#ifndef ITR_SKIPPER_INDEX_REFERENCES_H_
#define ITR_SKIPPER_INDEX_REFERENCES_H_

#include <cstdint>
#include <vector>

#include "skipper/index/data_extents.h"
#include "skipper/index/object_layout.h"

namespace itr::skipper::index_internal {

struct CodeReferences {
  std::vector<int> functions;          // layout.functions() indices
  std::vector<uint32_t> data_symbols;  // symbol indices of data objects
  bool process_state = false;
};

class ReferenceFinder {
 public:
  ReferenceFinder(const ObjectLayout& layout, const DataExtents& extents);

  // The references of layout.functions()[function]: sorted, unique, the
  // function itself excluded.
  CodeReferences Of(int function) const;

 private:
  void AddRelocation(const ElfRelocation& r, const std::vector<uint8_t>& code,
                     uint64_t lo, CodeReferences* out) const;
  // `from`: the address of the referring field.
  void AddAddress(uint64_t address, int hint, uint64_t from,
                  CodeReferences* out) const;
  bool SameInputFile(uint64_t a, uint64_t b) const;
  void AddDataSymbol(int symbol, CodeReferences* out) const;
  bool IsDataObject(const ElfSymbol& symbol) const;

  const ObjectLayout& layout_;
  const DataExtents& extents_;
  std::vector<bool> data_section_;  // per section: .data*, .bss*, .tdata...
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_REFERENCES_H_
