#include "skipper/index/object_layout.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace itr::skipper::index_internal {

ObjectLayout::ObjectLayout(const ElfImage& image, const LinkerMap* map)
    : image_(image), map_(map) {
  IndexSections();
  GroupFunctions();
}

// .tbss only through a hint (see SectionAt).
void ObjectLayout::IndexSections() {
  const std::vector<ElfSection>& all = sections();
  for (size_t i = 1; i < all.size(); ++i) {
    if (all[i].allocated() && all[i].size != 0 && !all[i].tls_nobits()) {
      sections_by_address_.push_back(static_cast<int>(i));
    }
  }
  std::sort(sections_by_address_.begin(), sections_by_address_.end(),
            [&](int a, int b) { return all[a].address < all[b].address; });
}

void ObjectLayout::GroupFunctions() {
  const std::vector<ElfSection>& all = sections();
  std::map<std::pair<uint64_t, uint64_t>, std::vector<uint32_t>> groups;
  for (size_t i = 0; i < symbols().size(); ++i) {
    const ElfSymbol& s = symbols()[i];
    if (s.type != STT_FUNC || s.size == 0 || s.section == SHN_UNDEF ||
        s.section >= all.size() || !all[s.section].executable()) {
      continue;
    }
    // A function lies inside its section's bytes (anything else is
    // malformed).
    const ElfSection& section = all[s.section];
    if (s.value < section.address || s.size > section.data_size ||
        s.value - section.address > section.data_size - s.size) {
      continue;
    }
    groups[{s.value, s.size}].push_back(static_cast<uint32_t>(i));
  }
  functions_.reserve(groups.size());
  for (auto& [range, members] : groups) {
    std::sort(members.begin(), members.end(), [&](uint32_t a, uint32_t b) {
      const ElfSymbol& x = symbols()[a];
      const ElfSymbol& y = symbols()[b];
      if (x.local() != y.local()) return !x.local();
      if (x.name.size() != y.name.size()) return x.name.size() < y.name.size();
      return x.name < y.name;
    });
    functions_.push_back(
        {members[0], range.first, range.first + range.second, members});
  }
}

int ObjectLayout::SectionAt(uint64_t address, int hint) const {
  const std::vector<ElfSection>& all = sections();
  if (hint > 0 && hint < static_cast<int>(all.size()) &&
      all[hint].allocated() && all[hint].Contains(address)) {
    return hint;
  }
  auto it = std::upper_bound(
      sections_by_address_.begin(), sections_by_address_.end(), address,
      [&](uint64_t a, int s) { return a < all[s].address; });
  if (it == sections_by_address_.begin()) return -1;
  --it;
  return address < all[*it].end() ? *it : -1;
}

const InputSection* ObjectLayout::InputSectionAt(uint64_t address) const {
  return map_ != nullptr ? map_->SectionAt(address) : nullptr;
}

int ObjectLayout::FunctionAt(uint64_t address) const {
  auto it = std::upper_bound(
      functions_.begin(), functions_.end(), address,
      [](uint64_t a, const CodeFunction& f) { return a < f.begin; });
  // Several functions can start at one address with different sizes.
  for (int n = 0; it != functions_.begin() && n < 8; ++n) {
    --it;
    if (address >= it->begin && address < it->end) {
      return static_cast<int>(it - functions_.begin());
    }
  }
  return -1;
}

int ObjectLayout::FunctionStartingAt(uint64_t address) const {
  int found = FunctionAt(address);
  return found >= 0 && functions_[found].begin == address ? found : -1;
}

std::pair<size_t, size_t> ObjectLayout::RelocationRange(uint64_t lo,
                                                        uint64_t hi) const {
  const std::vector<ElfRelocation>& all = relocations();
  auto before = [](const ElfRelocation& r, uint64_t a) { return r.offset < a; };
  auto first = std::lower_bound(all.begin(), all.end(), lo, before);
  auto last = std::lower_bound(first, all.end(), hi, before);
  return {static_cast<size_t>(first - all.begin()),
          static_cast<size_t>(last - all.begin())};
}

void ObjectLayout::Read(uint64_t lo, uint64_t hi, int hint,
                        std::vector<uint8_t>* out) const {
  out->assign(hi > lo ? hi - lo : 0, 0);
  ForEachChunk(lo, hi, hint,
               [&](const uint8_t* bytes, uint64_t at, uint64_t size) {
                 if (bytes != nullptr)
                   std::memcpy(out->data() + (at - lo), bytes, size);
               });
}

void ObjectLayout::ForEachChunk(
    uint64_t lo, uint64_t hi, int hint,
    const std::function<void(const uint8_t*, uint64_t, uint64_t)>& chunk)
    const {
  uint64_t at = lo;
  while (at < hi) {
    int index = SectionAt(at, hint);
    if (index < 0) break;
    const ElfSection& section = sections()[index];
    uint64_t end = std::min(hi, section.end());
    uint64_t offset = at - section.address;
    if (section.data != nullptr && offset < section.data_size) {
      uint64_t n = std::min(end - at, section.data_size - offset);
      chunk(section.data + offset, at, n);
    }
    at = end;
  }
}

}  // namespace itr::skipper::index_internal
