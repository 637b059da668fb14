#include "skipper/index/fingerprinter.h"

#include <elf.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "skipper/index/pseudo_relocations.h"
#include "skipper/index/relocation_fields.h"
#include "skipper/index/x86_immediates.h"

namespace itr::skipper::index_internal {
namespace {

constexpr size_t kMaxDepth = 16;
// Regions are bounded by their sections; a malformed size is cut here.
constexpr uint64_t kMaxRegionBytes = uint64_t{1} << 30;

// Zeroes the field of relocation `r` in `bytes` (which start at `lo`).
void ZeroField(const ElfRelocation& r, uint64_t lo,
               std::vector<uint8_t>* bytes) {
  uint64_t offset = r.offset - lo;
  unsigned size = RelocationFieldSize(r.type);
  for (unsigned j = 0; j < size && offset + j < bytes->size(); ++j) {
    (*bytes)[offset + j] = 0;
  }
}

}  // namespace

Fingerprinter::Fingerprinter(const ObjectLayout& layout,
                             const DataExtents& extents,
                             const Identities& identities,
                             const ExceptionTables& exception_tables)
    : layout_(layout),
      extents_(extents),
      identities_(identities),
      exception_tables_(exception_tables) {}

Fingerprint128 Fingerprinter::Of(int function) {
  Walk w;
  return FunctionHash(function, w);
}

Fingerprint128 Fingerprinter::FunctionHash(int function, Walk& w) {
  const CodeFunction& f = layout_.functions()[function];
  w.root = function;
  Hasher h;
  std::vector<uint8_t> code;
  layout_.Read(f.begin, f.end, layout_.symbols()[f.symbol].section, &code);
  std::vector<uint8_t> zeroed = code;
  auto [first, last] = layout_.RelocationRange(f.begin, f.end);
  for (size_t i = first; i < last; ++i) {
    const ElfRelocation& r = layout_.relocations()[i];
    ZeroField(r, f.begin, &zeroed);
    h.U64(r.offset - f.begin);
    h.Hash(DescribeRelocation(r, code.data(), f.begin, /*from_code=*/true,
                              /*slack=*/0, w));
  }
  HashPseudoRelocations(function, code, &zeroed, &h, w);
  h.Tag("CODE");
  h.Bytes(zeroed.data(), zeroed.size());
  LsdaRange lsda;
  if (exception_tables_.LsdaOf(f.begin, &lsda)) {
    h.Tag("LSDA");
    h.Hash(RegionHash(lsda.lo, lsda.hi, layout_.SectionAt(lsda.lo), w));
  }
  return h.Digest();
}

void Fingerprinter::HashPseudoRelocations(int function,
                                          const std::vector<uint8_t>& code,
                                          std::vector<uint8_t>* zeroed,
                                          Hasher* h, Walk& w) {
  for (const PseudoRelocation& pseudo :
       FindPseudoRelocations(layout_, function, code)) {
    for (unsigned j = 0; j < 4; ++j) (*zeroed)[pseudo.field + j] = 0;
    h->U64(pseudo.field);
    h->Tag("PSEUDO");
    h->Hash(DescribeFunctionTarget(pseudo.target, 0, w));
  }
}

// The hash of data bytes [lo, hi) with every relocated field zeroed and
// described, memoised when it depends on no function.
Fingerprint128 Fingerprinter::RegionHash(uint64_t lo, uint64_t hi, int section,
                                         Walk& w) {
  Hasher h;
  if (section < 0) {
    h.Tag("NOSEC");
    h.U64(hi - lo);
    return h.Digest();
  }
  std::tuple<uint64_t, uint64_t, int> key{lo, hi, section};
  auto memoised = memo_.find(key);
  if (memoised != memo_.end()) return memoised->second;
  auto on_stack = std::find(w.stack.begin(), w.stack.end(), lo);
  if (on_stack != w.stack.end()) {
    w.cycle = true;
    h.Tag("CYCLE");
    h.U64(static_cast<uint64_t>(w.stack.end() - on_stack));
    return h.Digest();
  }
  if (w.stack.size() >= kMaxDepth) {
    w.truncated = true;
    h.Tag("DEPTH");
    h.U64(hi - lo);
    return h.Digest();
  }
  bool context = w.context, cycle = w.cycle, truncated = w.truncated;
  w.context = w.cycle = w.truncated = false;
  w.stack.push_back(lo);
  Fingerprint128 hash = RegionContentHash(lo, hi, section, w);
  w.stack.pop_back();
  if (!w.context && !w.cycle && !w.truncated) memo_[key] = hash;
  w.context |= context;
  w.cycle |= cycle;
  w.truncated |= truncated;
  return hash;
}

Fingerprint128 Fingerprinter::RegionContentHash(uint64_t lo, uint64_t hi,
                                                int section, Walk& w) {
  Hasher h;
  hi = lo + (hi > lo ? std::min(hi - lo, kMaxRegionBytes) : 0);
  auto [first, last] = layout_.RelocationRange(lo, hi);
  // .tbss overlaps other sections: relocations found there by address are
  // not its own.
  if (layout_.sections()[section].type == SHT_NOBITS) last = first;
  if (first == last) {  // the bytes as they are, without a copy
    HashBytes(lo, hi, section, &h);
    return h.Digest();
  }
  std::vector<uint8_t> bytes;
  layout_.Read(lo, hi, section, &bytes);
  for (size_t i = first; i < last; ++i) {
    const ElfRelocation& r = layout_.relocations()[i];
    ZeroField(r, lo, &bytes);
    h.U64(r.offset - lo);
    h.Hash(DescribeRelocation(r, nullptr, lo, /*from_code=*/false,
                              /*slack=*/hi - lo, w));
  }
  h.Bytes(bytes.data(), bytes.size());
  return h.Digest();
}

// As h->Bytes() of the bytes of [lo, hi) (zeros where no section has
// bytes), streamed.
void Fingerprinter::HashBytes(uint64_t lo, uint64_t hi, int section,
                              Hasher* h) const {
  static const uint8_t kZeros[4096] = {};
  h->U64(hi - lo);
  uint64_t at = lo;
  auto zeros_until = [&](uint64_t end) {
    for (; at < end; at += std::min<uint64_t>(end - at, sizeof kZeros)) {
      h->Raw(kZeros, std::min<uint64_t>(end - at, sizeof kZeros));
    }
  };
  layout_.ForEachChunk(lo, hi, section,
                       [&](const uint8_t* bytes, uint64_t start, uint64_t n) {
                         zeros_until(start);
                         h->Raw(bytes, n);
                         at = start + n;
                       });
  zeros_until(hi);
}

Fingerprint128 Fingerprinter::DescribeRelocation(const ElfRelocation& r,
                                                 const uint8_t* owner_code,
                                                 uint64_t owner_lo,
                                                 bool from_code, uint64_t slack,
                                                 Walk& w) {
  const ElfSymbol& s = layout_.symbols()[r.symbol];
  if (r.symbol != 0 && s.type == STT_SECTION && s.section != SHN_UNDEF &&
      s.section < layout_.sections().size()) {
    return DescribeSectionTarget(r, owner_code, owner_lo, from_code, slack, w);
  }
  Hasher h;
  h.U64(r.type);
  if (r.symbol == 0) {
    h.Tag("ABS");
  } else if (s.section == SHN_UNDEF) {
    h.Tag("U");
    h.Str(s.name);
  } else if (s.section == SHN_ABS || s.section >= layout_.sections().size()) {
    h.Tag("A");
    h.Str(s.name);
  } else if (layout_.sections()[s.section].sancov()) {
    h.Tag("SANCOV");
    h.Str(layout_.sections()[s.section].name);
    return h.Digest();
  } else if (s.temporary()) {
    // Numbering of .L symbols is not stable: describe the content, keep
    // the addend (offset into the object + instruction adjustment).
    h.Tag("L");
    h.I64(r.addend);
    h.Hash(DescribeAddress(s.value, s.section, slack, w));
    return h.Digest();
  } else if (layout_.sections()[s.section].executable()) {
    return DescribeCodeSymbol(r, w);
  } else if (s.size != 0) {
    return DescribeDataSymbol(r.symbol, r.addend, w);
  } else {
    // Zero-size named symbol (__start_/__stop_/_end, __dso_handle, ...).
    h.Tag("N");
    h.Str(identities_.Of(r.symbol));
  }
  h.I64(r.addend);
  return h.Digest();
}

// Address-based: S + A (+ 4 for fields relative to their end, + k immediate
// bytes in code). In data (jump tables, LSDA type tables, FDEs) S + A is the
// target itself (or target + entry offset for clang jump tables).
Fingerprint128 Fingerprinter::DescribeSectionTarget(const ElfRelocation& r,
                                                    const uint8_t* owner_code,
                                                    uint64_t owner_lo,
                                                    bool from_code,
                                                    uint64_t slack, Walk& w) {
  const ElfSymbol& s = layout_.symbols()[r.symbol];
  const ElfSection& section = layout_.sections()[s.section];
  bool relative = IsPcRelativeToFieldEnd(r.type) && from_code;
  uint64_t base = s.value + r.addend + (relative ? 4 : 0);
  unsigned candidates = 1u;
  if (relative) {
    candidates = ImmediateCandidates(owner_code, r.offset - owner_lo);
  }
  // Instrumentation probes (a million in a large binary): every candidate
  // inside a __sancov_* section is its token, so the description depends
  // only on (type, candidates, section).
  bool sancov =
      section.sancov() && section.Contains(base) && section.Contains(base + 4);
  std::tuple<uint32_t, unsigned, int> key{r.type, candidates, s.section};
  if (sancov) {
    auto known = sancov_descriptions_.find(key);
    if (known != sancov_descriptions_.end()) return known->second;
  }
  Hasher h;
  h.U64(r.type);
  for (unsigned k = 0; k <= 4; ++k) {
    if ((candidates & (1u << k)) == 0) continue;
    h.U64(k);
    h.Hash(DescribeAddress(base + k, s.section, slack, w));
  }
  if (!section.executable() && !section.sancov()) {
    DescribeEndPointers(r, base, candidates, slack, &h, w);
  }
  if (sancov) sancov_descriptions_[key] = h.Digest();
  return h.Digest();
}

// `tbl + N`, one past the end of a local object, is after the link the same
// section-symbol address as whatever follows tbl (or padding). When the
// byte before the target belongs to an object that ends there, describe
// that object too (sound for end pointers, at the cost of noise when that
// neighbour changes). A section symbol only reaches objects of its own
// object file: with the map, a neighbour from another input file is not one.
void Fingerprinter::DescribeEndPointers(const ElfRelocation& r, uint64_t base,
                                        unsigned candidates, uint64_t slack,
                                        Hasher* h, Walk& w) {
  const ElfSymbol& s = layout_.symbols()[r.symbol];
  const ElfSection& section = layout_.sections()[s.section];
  for (unsigned k = 0; k <= 4; ++k) {
    if ((candidates & (1u << k)) == 0) continue;
    uint64_t target = base + k;
    if (target <= section.address || target > section.end()) continue;
    if (!extents_.ObjectEndsAt(target, s.section)) continue;
    const InputSection* before = layout_.InputSectionAt(target - 1);
    const InputSection* here = layout_.InputSectionAt(r.offset);
    if (before != nullptr && here != nullptr && before->file >= 0 &&
        here->file >= 0 && before->file != here->file) {
      continue;
    }
    h->Tag("END");
    h->U64(k);
    h->Hash(DescribeAddress(target - 1, s.section, slack, w));
  }
}

// A named symbol of an executable section. The symbol actually referenced
// is named: the choice among aliases is part of the code.
Fingerprint128 Fingerprinter::DescribeCodeSymbol(const ElfRelocation& r,
                                                 Walk& w) {
  const ElfSymbol& s = layout_.symbols()[r.symbol];
  Hasher h;
  h.U64(r.type);
  if (s.type == STT_FUNC || s.type == STT_GNU_IFUNC) {
    int function = layout_.FunctionStartingAt(s.value);
    if (function >= 0) {
      if (function == w.root) {
        return DescribeFunctionTarget(function, r.addend, w);
      }
      h.Tag("FN");
      h.Str(identities_.Of(r.symbol));
      h.Hash(DescribeFunctionTarget(function, r.addend, w));
      return h.Digest();
    }
  }
  h.Tag("TXT");
  h.Str(identities_.Of(r.symbol));
  h.I64(r.addend);
  return h.Digest();
}

// A target given by address (section symbol + addend, or a .L symbol).
// `slack`: when hashing a data region (a jump table), its size: PC32
// entries of a clang jump table are `.LBB - .LJTI`, so S + A = target +
// (entry offset in the table), which can pass the function's end by up to
// the table's size.
Fingerprint128 Fingerprinter::DescribeAddress(uint64_t address, int hint,
                                              uint64_t slack, Walk& w) {
  Hasher h;
  int index = layout_.SectionAt(address, hint);
  if (index < 0) {
    h.Tag("NOSEC");
    return h.Digest();
  }
  const ElfSection& section = layout_.sections()[index];
  if (section.sancov()) {
    h.Tag("SANCOV");
    h.Str(section.name);
    return h.Digest();
  }
  if (section.executable()) {
    return DescribeCodeAddress(address, section, slack, w);
  }
  return DescribeDataAddress(address, index, w);
}

Fingerprint128 Fingerprinter::DescribeCodeAddress(uint64_t address,
                                                  const ElfSection& section,
                                                  uint64_t slack, Walk& w) {
  const std::vector<CodeFunction>& functions = layout_.functions();
  if (w.root >= 0 && address >= functions[w.root].begin &&
      address < functions[w.root].end + slack) {
    return DescribeFunctionTarget(
        w.root, static_cast<int64_t>(address - functions[w.root].begin), w);
  }
  int function = layout_.FunctionAt(address);
  if (function >= 0) {
    return DescribeFunctionTarget(
        function, static_cast<int64_t>(address - functions[function].begin), w);
  }
  // Padding or a symbol-less stub: the next function and the distance.
  Hasher h;
  h.Tag("TEXT");
  h.Str(section.name);
  auto next = std::upper_bound(
      functions.begin(), functions.end(), address,
      [](uint64_t a, const CodeFunction& f) { return a < f.begin; });
  if (next != functions.end()) {
    h.Str(identities_.Of(next->symbol));
    h.U64(next->begin - address);
  }
  return h.Digest();
}

// Read-only data: its content only. Writable data: identity + initial
// content.
Fingerprint128 Fingerprinter::DescribeDataAddress(uint64_t address,
                                                  int section_index, Walk& w) {
  const ElfSection& section = layout_.sections()[section_index];
  DataExtent extent = extents_.ExtentAt(address, section_index);
  Hasher h;
  h.Tag(section.writable() ? "D" : "R");
  if (section.writable()) {
    h.Str(extent.symbol >= 0 ? identities_.Of(extent.symbol)
                             : absl::StrCat("anon:", section.name));
  }
  h.I64(static_cast<int64_t>(address - extent.lo));
  h.U64(extent.hi - extent.lo);
  h.Hash(RegionHash(extent.lo, extent.hi, section_index, w));
  return h.Digest();
}

Fingerprint128 Fingerprinter::DescribeFunctionTarget(int function,
                                                     int64_t offset, Walk& w) {
  Hasher h;
  if (function == w.root) {  // recursion, a jump-table target, own address
    h.Tag("SELF");
    h.I64(offset);
    w.context = true;
    return h.Digest();
  }
  const CodeFunction& f = layout_.functions()[function];
  const ElfSymbol& symbol = layout_.symbols()[f.symbol];
  h.Tag("F");
  h.Str(identities_.Of(f.symbol));
  h.I64(offset);
  // A split part of the current function (GCC's foo.cold / foo.cold.N):
  // its content is part of the function.
  if (w.root < 0 || w.split_depth >= 2) return h.Digest();
  absl::string_view root =
      layout_.symbols()[layout_.functions()[w.root].symbol].name;
  if (symbol.name.size() > root.size() &&
      symbol.name.substr(0, root.size()) == root &&
      symbol.name.substr(root.size(), 5) == ".cold") {
    ++w.split_depth;
    int saved = w.root;
    Fingerprint128 part = FunctionHash(function, w);  // SELF: the part
    w.root = saved;
    --w.split_depth;
    h.Tag("SPLIT");
    h.Hash(part);
    w.context = true;
  }
  return h.Digest();
}

Fingerprint128 Fingerprinter::DescribeDataSymbol(uint32_t symbol,
                                                 int64_t addend, Walk& w) {
  const ElfSymbol& s = layout_.symbols()[symbol];
  const ElfSection& section = layout_.sections()[s.section];
  Hasher h;
  h.Tag(section.writable() ? "D" : "R");
  if (section.writable() || !s.local()) h.Str(identities_.Of(symbol));
  h.I64(addend);
  h.U64(s.size);
  h.Hash(RegionHash(s.value, s.value + s.size, s.section, w));
  return h.Digest();
}

}  // namespace itr::skipper::index_internal
