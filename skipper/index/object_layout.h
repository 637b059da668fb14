// Addresses of a linked object: which section, input section and function
// an address belongs to, the relocations of an address range, and the bytes
// of a range. Built from the ELF image and, when there is one, the map.
#ifndef ITR_SKIPPER_INDEX_OBJECT_LAYOUT_H_
#define ITR_SKIPPER_INDEX_OBJECT_LAYOUT_H_

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "skipper/index/elf_image.h"
#include "skipper/index/linker_map.h"

namespace itr::skipper::index_internal {

// One function of the code: the symbols with one (start, size), every
// STT_FUNC of an executable section. The canonical symbol is the first
// global one, else the one with the shortest (then smallest) name.
struct CodeFunction {
  uint32_t symbol = 0;  // canonical
  uint64_t begin = 0, end = 0;
  std::vector<uint32_t> aliases;  // every symbol, canonical first
};

class ObjectLayout {
 public:
  // `map` may be null (no map); both must outlive the layout.
  ObjectLayout(const ElfImage& image, const LinkerMap* map);

  const ElfImage& image() const { return image_; }
  const std::vector<ElfSection>& sections() const { return image_.sections(); }
  const std::vector<ElfSymbol>& symbols() const { return image_.symbols(); }
  const std::vector<ElfRelocation>& relocations() const {
    return image_.relocations();
  }
  const LinkerMap* map() const { return map_; }
  // Sorted by start address.
  const std::vector<CodeFunction>& functions() const { return functions_; }

  // The allocated section holding `address`, or -1. `hint`, the section of
  // the symbol the address came from, wins when it holds the address: .tbss
  // overlaps the sections that follow it.
  int SectionAt(uint64_t address, int hint = -1) const;
  // The map's input section holding `address`; nullptr without a map.
  const InputSection* InputSectionAt(uint64_t address) const;
  // The function holding `address` (index into functions()), or -1.
  int FunctionAt(uint64_t address) const;
  // The function starting exactly at `address`, or -1.
  int FunctionStartingAt(uint64_t address) const;
  // [first, last) indices of the relocations with offsets in [lo, hi).
  std::pair<size_t, size_t> RelocationRange(uint64_t lo, uint64_t hi) const;
  // The bytes of [lo, hi), which may span sections (zeros where no section
  // has bytes: SHT_NOBITS, gaps). `hint` as for SectionAt.
  void Read(uint64_t lo, uint64_t hi, int hint,
            std::vector<uint8_t>* out) const;
  // The same bytes without a copy: `chunk(bytes, address, size)` for each
  // part of [lo, hi) that a section has bytes for, in address order (the
  // rest is zeros).
  void ForEachChunk(uint64_t lo, uint64_t hi, int hint,
                    const std::function<void(const uint8_t*, uint64_t,
                                             uint64_t)>& chunk) const;

 private:
  void IndexSections();
  void GroupFunctions();

  const ElfImage& image_;
  const LinkerMap* map_;
  std::vector<int> sections_by_address_;
  std::vector<CodeFunction> functions_;
};

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_OBJECT_LAYOUT_H_
