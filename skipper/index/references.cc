#include "skipper/index/references.h"

#include <elf.h>

#include <algorithm>
#include <iterator>

#include "absl/strings/match.h"
#include "skipper/index/process_state.h"
#include "skipper/index/pseudo_relocations.h"
#include "skipper/index/relocation_fields.h"
#include "skipper/index/x86_immediates.h"

namespace itr::skipper::index_internal {
namespace {

// Defined by the linker or the C runtime's start files, not by a unit.
constexpr absl::string_view kRuntimeSupport[] = {
    "__dso_handle", "__TMC_END__",    "_GLOBAL_OFFSET_TABLE_", "_DYNAMIC",
    "__data_start", "data_start",     "__bss_start",           "_edata",
    "_end",         "_IO_stdin_used", "completed.0",           "__FRAME_END__",
};

bool IsDataSectionName(absl::string_view name) {
  for (absl::string_view prefix : {".data", ".bss", ".tdata", ".tbss"}) {
    if (absl::StartsWith(name, prefix)) return true;
  }
  return false;
}

template <typename T>
void SortUnique(std::vector<T>* values) {
  std::sort(values->begin(), values->end());
  values->erase(std::unique(values->begin(), values->end()), values->end());
}

}  // namespace

ReferenceFinder::ReferenceFinder(const ObjectLayout& layout,
                                 const DataExtents& extents)
    : layout_(layout), extents_(extents) {
  for (const ElfSection& section : layout.sections()) {
    data_section_.push_back(section.allocated() && section.writable() &&
                            !section.executable() && !section.sancov() &&
                            IsDataSectionName(section.name));
  }
}

CodeReferences ReferenceFinder::Of(int function) const {
  const CodeFunction& f = layout_.functions()[function];
  std::vector<uint8_t> code;
  layout_.Read(f.begin, f.end, layout_.symbols()[f.symbol].section, &code);
  CodeReferences out;
  auto [first, last] = layout_.RelocationRange(f.begin, f.end);
  for (size_t i = first; i < last; ++i) {
    AddRelocation(layout_.relocations()[i], code, f.begin, &out);
  }
  for (const PseudoRelocation& pseudo :
       FindPseudoRelocations(layout_, function, code)) {
    out.functions.push_back(pseudo.target);
  }
  SortUnique(&out.functions);
  auto self = std::find(out.functions.begin(), out.functions.end(), function);
  if (self != out.functions.end()) out.functions.erase(self);
  SortUnique(&out.data_symbols);
  return out;
}

void ReferenceFinder::AddRelocation(const ElfRelocation& r,
                                    const std::vector<uint8_t>& code,
                                    uint64_t lo, CodeReferences* out) const {
  const ElfSymbol& s = layout_.symbols()[r.symbol];
  if (r.symbol == 0 || s.type == STT_FILE) return;
  if (s.type != STT_SECTION && ChangesProcessState(s.name)) {
    out->process_state = true;
  }
  if (s.section == SHN_UNDEF || s.section >= layout_.sections().size()) return;
  const ElfSection& section = layout_.sections()[s.section];
  if (section.sancov()) return;
  if (s.type == STT_SECTION || s.temporary()) {
    bool relative = IsPcRelativeToFieldEnd(r.type);
    uint64_t base = s.value + r.addend + (relative ? 4 : 0);
    unsigned candidates = relative && r.offset - lo < code.size()
                              ? ImmediateCandidates(code.data(), r.offset - lo)
                              : 1u;
    for (unsigned k = 0; k <= 4; ++k) {
      if ((candidates & (1u << k)) != 0) {
        AddAddress(base + k, s.section, r.offset, out);
      }
    }
  } else if (section.executable()) {
    int target = layout_.FunctionAt(s.value);
    if (target >= 0) out->functions.push_back(target);
  } else if (s.size != 0) {
    AddDataSymbol(static_cast<int>(r.symbol), out);
  }
}

void ReferenceFinder::AddAddress(uint64_t address, int hint, uint64_t from,
                                 CodeReferences* out) const {
  int index = layout_.SectionAt(address, hint);
  if (index < 0) return;
  const ElfSection& section = layout_.sections()[index];
  if (section.executable()) {
    int target = layout_.FunctionAt(address);
    if (target >= 0) out->functions.push_back(target);
    return;
  }
  if (!data_section_[index]) return;
  AddDataSymbol(extents_.SizedDataSymbolAt(address, index), out);
  if (address > section.address && extents_.ObjectEndsAt(address, index) &&
      SameInputFile(address - 1, from)) {
    AddDataSymbol(extents_.SizedDataSymbolAt(address - 1, index), out);
  }
}

// A section symbol only reaches objects of its own object file; without a
// map, any.
bool ReferenceFinder::SameInputFile(uint64_t a, uint64_t b) const {
  const InputSection* x = layout_.InputSectionAt(a);
  const InputSection* y = layout_.InputSectionAt(b);
  return x == nullptr || y == nullptr || x->file < 0 || y->file < 0 ||
         x->file == y->file;
}

void ReferenceFinder::AddDataSymbol(int symbol, CodeReferences* out) const {
  if (symbol < 0 || !IsDataObject(layout_.symbols()[symbol])) return;
  out->data_symbols.push_back(static_cast<uint32_t>(symbol));
}

bool ReferenceFinder::IsDataObject(const ElfSymbol& symbol) const {
  if (symbol.section >= data_section_.size() ||
      !data_section_[symbol.section] || symbol.size == 0 ||
      symbol.type == STT_SECTION || symbol.type == STT_FILE ||
      symbol.temporary() || absl::StrContains(symbol.name, "@") ||
      absl::StartsWith(symbol.name, "__sancov_")) {
    return false;
  }
  return std::find(std::begin(kRuntimeSupport), std::end(kRuntimeSupport),
                   symbol.name) == std::end(kRuntimeSupport);
}

}  // namespace itr::skipper::index_internal
