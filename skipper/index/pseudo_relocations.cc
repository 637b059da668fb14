#include "skipper/index/pseudo_relocations.h"

#include <cstring>

#include "skipper/index/relocation_fields.h"

namespace itr::skipper::index_internal {

std::vector<PseudoRelocation> FindPseudoRelocations(
    const ObjectLayout& layout, int function,
    const std::vector<uint8_t>& code) {
  const CodeFunction& f = layout.functions()[function];
  std::vector<bool> covered(code.size(), false);
  auto [first, last] = layout.RelocationRange(f.begin, f.end);
  for (size_t i = first; i < last; ++i) {
    const ElfRelocation& r = layout.relocations()[i];
    uint64_t offset = r.offset - f.begin;
    unsigned size = RelocationFieldSize(r.type);
    for (unsigned j = 0; j < size && offset + j < covered.size(); ++j) {
      covered[offset + j] = true;
    }
  }
  // The target must be in the caller's section (the caller may be global:
  // the symbol table gives units to local symbols only).
  uint16_t section = layout.symbols()[f.symbol].section;
  std::vector<PseudoRelocation> found;
  for (size_t i = 0; i + 5 <= code.size(); ++i) {
    if ((code[i] != 0xE8 && code[i] != 0xE9) || covered[i + 1] ||
        covered[i + 4]) {
      continue;
    }
    int32_t rel;
    std::memcpy(&rel, &code[i + 1], 4);
    uint64_t target = f.begin + i + 5 + static_cast<int64_t>(rel);
    if (target >= f.begin && target < f.end) continue;
    int callee = layout.FunctionStartingAt(target);
    if (callee < 0) continue;
    const ElfSymbol& symbol =
        layout.symbols()[layout.functions()[callee].symbol];
    if (!symbol.local() || symbol.section != section) continue;
    for (unsigned j = 1; j <= 4; ++j) covered[i + j] = true;
    found.push_back({i + 1, callee});
  }
  return found;
}

}  // namespace itr::skipper::index_internal
