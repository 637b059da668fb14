#include "skipper/index/data_extents.h"

#include <elf.h>

#include <algorithm>

namespace itr::skipper::index_internal {
namespace {

void SortUnique(std::vector<uint64_t>* values) {
  std::sort(values->begin(), values->end());
  values->erase(std::unique(values->begin(), values->end()), values->end());
}

}  // namespace

DataExtents::DataExtents(const ObjectLayout& layout) : layout_(layout) {
  const std::vector<ElfSymbol>& symbols = layout.symbols();
  const std::vector<ElfSection>& sections = layout.sections();
  for (size_t i = 0; i < symbols.size(); ++i) {
    const ElfSymbol& s = symbols[i];
    if (s.section == SHN_UNDEF || s.section >= sections.size()) continue;
    bool function =
        s.type == STT_FUNC && s.size != 0 && sections[s.section].executable();
    // .L symbols are entries of merged pools: deduplication and tail
    // merging make them overlap arbitrarily, so they never define a
    // containing object.
    if (!function && s.size != 0 &&
        (s.type == STT_OBJECT || s.type == STT_TLS || s.type == STT_NOTYPE ||
         s.type == STT_COMMON) &&
        !(s.local() && s.name.substr(0, 2) == ".L")) {
      data_symbols_.push_back(static_cast<uint32_t>(i));
    }
    if (s.type == STT_SECTION || s.type == STT_FILE) continue;
    if (s.size != 0) sized_starts_.push_back(s.value);
    any_starts_.push_back(s.value);
  }
  std::sort(data_symbols_.begin(), data_symbols_.end(),
            [&](uint32_t a, uint32_t b) {
              return symbols[a].value < symbols[b].value;
            });
  SortUnique(&sized_starts_);
  SortUnique(&any_starts_);
}

int DataExtents::SizedDataSymbolAt(uint64_t address, int section) const {
  const std::vector<ElfSymbol>& symbols = layout_.symbols();
  auto it = std::upper_bound(
      data_symbols_.begin(), data_symbols_.end(), address,
      [&](uint64_t a, uint32_t s) { return a < symbols[s].value; });
  int best = -1;
  for (int n = 0; it != data_symbols_.begin() && n < 16; ++n) {
    --it;
    const ElfSymbol& s = symbols[*it];
    if (s.section != section || address < s.value ||
        address - s.value >= s.size) {
      continue;
    }
    // The innermost; among equals a global name (a stable identity).
    if (best < 0 || s.size < symbols[best].size ||
        (s.size == symbols[best].size && s.value == symbols[best].value &&
         !s.local() && symbols[best].local())) {
      best = static_cast<int>(*it);
    }
  }
  return best;
}

DataExtent DataExtents::ExtentAt(uint64_t address, int section_index) const {
  const ElfSection& section = layout_.sections()[section_index];
  DataExtent extent{address, address, -1};
  extent.symbol = SizedDataSymbolAt(address, section_index);
  if (extent.symbol >= 0) {
    const ElfSymbol& s = layout_.symbols()[extent.symbol];
    extent.lo = s.value;
    extent.hi = s.value + s.size;
    return extent;
  }
  const InputSection* input = layout_.InputSectionAt(address);
  if (input != nullptr && input->kind == InputSection::kStrings &&
      input->unit != 0) {
    extent.hi = StringEnd(address, input->unit, section);
  } else if (input != nullptr && input->kind == InputSection::kFixed &&
             input->unit != 0 && (input->unit & (input->unit - 1)) == 0) {
    // .cst<N> sections are N-aligned, each entry one N-byte constant.
    extent.lo = address & ~static_cast<uint64_t>(input->unit - 1);
    extent.hi = std::min(extent.lo + input->unit, section.end());
  } else if (input != nullptr && input->kind == InputSection::kPlain) {
    // A plain (non-merged) input section: its map size is exact.
    extent.hi =
        NextSizedSymbolAfter(address, std::min(section.end(), input->end()));
    if (extent.hi <= address) {
      extent.hi = std::min(section.end(), address + 1);
    }
  } else {
    extent.hi = NextSymbolAfterNul(address, section);
  }
  return extent;
}

bool DataExtents::ObjectEndsAt(uint64_t address, int section) const {
  int before = SizedDataSymbolAt(address - 1, section);
  if (before >= 0) {
    const ElfSymbol& s = layout_.symbols()[before];
    return s.value + s.size == address;
  }
  const InputSection* input = layout_.InputSectionAt(address - 1);
  return input != nullptr && input->kind == InputSection::kPlain &&
         input->end() == address;
}

// Up to and including the NUL character of `width` bytes, searched up to
// the output section's end (the map size of a merged section is no bound).
uint64_t DataExtents::StringEnd(uint64_t address, unsigned width,
                                const ElfSection& section) const {
  if (section.data == nullptr) return section.end();
  uint64_t readable = section.address + section.data_size;
  for (uint64_t p = address;
       p + width <= section.end() && p + width <= readable; p += width) {
    const uint8_t* c = section.data + (p - section.address);
    if (std::all_of(c, c + width, [](uint8_t v) { return v == 0; })) {
      return p + width;
    }
  }
  return section.end();
}

uint64_t DataExtents::NextSizedSymbolAfter(uint64_t address,
                                           uint64_t limit) const {
  auto it =
      std::upper_bound(sized_starts_.begin(), sized_starts_.end(), address);
  return it != sized_starts_.end() && *it < limit ? *it : limit;
}

// A symbol right after a NUL byte starts a new string or object; one right
// after another byte may be a tail-merged suffix (an interior reference).
uint64_t DataExtents::NextSymbolAfterNul(uint64_t address,
                                         const ElfSection& section) const {
  uint64_t limit = NextSizedSymbolAfter(address, section.end());
  if (section.data == nullptr) return limit;
  for (auto it =
           std::upper_bound(any_starts_.begin(), any_starts_.end(), address);
       it != any_starts_.end() && *it < limit; ++it) {
    uint64_t offset = *it - 1 - section.address;
    if (offset < section.data_size && section.data[offset] == 0) return *it;
  }
  return limit;
}

}  // namespace itr::skipper::index_internal
