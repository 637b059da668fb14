#include "skipper/index/exception_tables.h"

#include <algorithm>
#include <cstring>

namespace itr::skipper::index_internal {

// Walks the .eh_frame records by their length fields.
ExceptionTables::ExceptionTables(const ObjectLayout& layout) : layout_(layout) {
  const ElfImage& image = layout.image();
  int eh_index = image.SectionNamed(".eh_frame");
  int table_index = image.SectionNamed(".gcc_except_table");
  if (eh_index < 0 || table_index < 0) return;
  const ElfSection& eh = layout.sections()[eh_index];
  const ElfSection& table = layout.sections()[table_index];
  if (eh.data == nullptr) return;
  uint64_t p = 0;
  while (p + 8 <= eh.data_size) {
    uint32_t length32;
    std::memcpy(&length32, eh.data + p, 4);
    if (length32 == 0) break;
    uint64_t header = 4, length = length32;
    if (length32 == 0xffffffffu) {
      if (p + 16 > eh.data_size) break;
      std::memcpy(&length, eh.data + p + 4, 8);
      header = 12;
    }
    if (length > eh.data_size - p - header || length < 4) break;
    uint32_t cie_id;
    std::memcpy(&cie_id, eh.data + p + header, 4);
    uint64_t lo = eh.address + p;
    if (cie_id != 0) ReadFde(lo, lo + header + length, header, table);
    p += header + length;
  }
  for (const auto& [function, lsda] : lsda_of_) lsda_starts_.push_back(lsda);
  lsda_starts_.push_back(table.end());
  std::sort(lsda_starts_.begin(), lsda_starts_.end());
  lsda_starts_.erase(std::unique(lsda_starts_.begin(), lsda_starts_.end()),
                     lsda_starts_.end());
}

// An FDE's pc_begin follows its length and CIE pointer; its relocation
// names the function. Another relocation into the exception table is its
// LSDA pointer (S + A is the target in data).
void ExceptionTables::ReadFde(uint64_t lo, uint64_t hi, uint64_t header,
                              const ElfSection& except_table) {
  auto [first, last] = layout_.RelocationRange(lo, hi);
  uint64_t pc_begin = lo + header + 4;
  uint64_t function = 0, lsda = 0;
  bool have_function = false;
  for (size_t i = first; i < last; ++i) {
    const ElfRelocation& r = layout_.relocations()[i];
    uint64_t target = layout_.symbols()[r.symbol].value + r.addend;
    if (r.offset == pc_begin) {
      function = target;
      have_function = true;
    } else if (except_table.Contains(target)) {
      lsda = target;
    }
  }
  if (have_function && lsda != 0) lsda_of_[function] = lsda;
}

bool ExceptionTables::LsdaOf(uint64_t function_start, LsdaRange* range) const {
  auto found = lsda_of_.find(function_start);
  if (found == lsda_of_.end()) return false;
  range->lo = found->second;
  range->hi =
      *std::upper_bound(lsda_starts_.begin(), lsda_starts_.end(), range->lo);
  const InputSection* input = layout_.InputSectionAt(range->lo);
  if (input != nullptr) range->hi = std::min(range->hi, input->end());
  return true;
}

}  // namespace itr::skipper::index_internal
