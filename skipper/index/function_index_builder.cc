// FunctionIndex::Build: reads the ELF image and its map, fingerprints every
// function (when the object has relocations and a GNU ld map), and fills
// the index model: functions, units, flags, references, strings.
#include <elf.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "skipper/base/status_macros.h"
#include "skipper/index/data_extents.h"
#include "skipper/index/elf_image.h"
#include "skipper/index/exception_tables.h"
#include "skipper/index/fingerprinter.h"
#include "skipper/index/function_index.h"
#include "skipper/index/hasher.h"
#include "skipper/index/identities.h"
#include "skipper/index/linker_map.h"
#include "skipper/index/object_layout.h"
#include "skipper/index/references.h"

namespace itr::skipper {

using index_internal::CodeFunction;
using index_internal::CodeReferences;
using index_internal::DataExtents;
using index_internal::ElfImage;
using index_internal::ElfSymbol;
using index_internal::ExceptionTables;
using index_internal::Fingerprinter;
using index_internal::Hasher;
using index_internal::Identities;
using index_internal::LinkerMap;
using index_internal::ObjectLayout;
using index_internal::ReferenceFinder;

class FunctionIndexBuilder {
 public:
  static absl::StatusOr<std::unique_ptr<FunctionIndex>> Build(
      const std::string& elf_path, const std::string& map_path);

 private:
  FunctionIndexBuilder(const ObjectLayout& layout, FunctionIndex* index)
      : layout_(layout), identities_(layout), index_(*index) {}

  void Fill(bool fingerprint);
  void AddFunctions(const std::vector<Fingerprint128>& fingerprints);
  uint32_t FlagsOf(const CodeFunction& function) const;
  void AddReferences(const DataExtents& extents);
  uint32_t DataIndex(uint32_t symbol);
  void AddUnitFingerprints();
  uint32_t UnitOf(uint64_t address, uint32_t symbol);
  uint32_t Intern(absl::string_view text);

  const ObjectLayout& layout_;
  Identities identities_;
  FunctionIndex& index_;
  absl::flat_hash_map<std::string, uint32_t> strings_;
  absl::flat_hash_map<uint32_t, uint32_t> unit_of_name_;
  absl::flat_hash_map<uint32_t, uint32_t> data_of_symbol_;
};

namespace {

// The map, or why there is none usable (the index is then not
// fingerprinted).
std::unique_ptr<LinkerMap> LoadMap(const ElfImage& image,
                                   const std::string& map_path,
                                   std::string* why_not) {
  if (map_path.empty()) {
    *why_not = "no link map (link with -Wl,-Map=<object>.itr.map)";
    return nullptr;
  }
  std::set<std::string, std::less<>> allocated;
  for (const auto& section : image.sections()) {
    if (section.allocated()) allocated.insert(section.name);
  }
  absl::StatusOr<LinkerMap> map =
      index_internal::ReadGnuLdMap(map_path, allocated);
  if (!map.ok()) {
    *why_not = absl::IsNotFound(map.status())
                   ? absl::StrCat("no link map ", map_path,
                                  " (link with -Wl,-Map=<object>.itr.map)")
                   : std::string(map.status().message());
    return nullptr;
  }
  return std::make_unique<LinkerMap>(*std::move(map));
}

}  // namespace

absl::StatusOr<std::unique_ptr<FunctionIndex>> FunctionIndexBuilder::Build(
    const std::string& elf_path, const std::string& map_path) {
  ITR_ASSIGN_OR_RETURN(std::unique_ptr<ElfImage> image,
                       ElfImage::Open(elf_path));
  std::string why_not;
  std::unique_ptr<LinkerMap> map = LoadMap(*image, map_path, &why_not);
  if (!image->has_code_relocations()) {
    why_not = "no relocations (link with -Wl,--emit-relocs)";
  }
  auto index = std::make_unique<FunctionIndex>();
  index->build_id_ = image->build_id();
  ObjectLayout layout(*image, map.get());
  FunctionIndexBuilder builder(layout, index.get());
  builder.Fill(why_not.empty());
  builder.Intern(why_not);  // in the string table, for the file
  index->not_fingerprinted_reason_ = why_not;
  return index;
}

void FunctionIndexBuilder::Fill(bool fingerprint) {
  index_.strings_.assign(1, '\0');  // offset 0: ""
  index_.fingerprinted_ = fingerprint;
  DataExtents extents(layout_);
  std::vector<Fingerprint128> fingerprints(layout_.functions().size());
  if (fingerprint) {
    ExceptionTables exception_tables(layout_);
    Fingerprinter fingerprinter(layout_, extents, identities_,
                                exception_tables);
    for (size_t i = 0; i < fingerprints.size(); ++i) {
      fingerprints[i] = fingerprinter.Of(static_cast<int>(i));
    }
  }
  AddFunctions(fingerprints);
  if (!layout_.relocations().empty()) AddReferences(extents);
  if (fingerprint) AddUnitFingerprints();
}

void FunctionIndexBuilder::AddFunctions(
    const std::vector<Fingerprint128>& fingerprints) {
  const std::vector<CodeFunction>& functions = layout_.functions();
  index_.functions_.resize(functions.size());
  for (size_t i = 0; i < functions.size(); ++i) {
    IndexedFunction& out = index_.functions_[i];
    out.address = functions[i].begin;
    out.size = functions[i].end - functions[i].begin;
    out.identity = Intern(identities_.Of(functions[i].symbol));
    out.unit = UnitOf(functions[i].begin, functions[i].symbol);
    out.flags = FlagsOf(functions[i]);
    out.fingerprint = fingerprints[i];
  }
  for (uint64_t address : layout_.image().startup_addresses()) {
    int function = layout_.FunctionAt(address);
    if (function >= 0) {
      index_.functions_[function].flags |= kFunctionStartupRoot;
    }
  }
}

uint32_t FunctionIndexBuilder::FlagsOf(const CodeFunction& function) const {
  const ElfSymbol& canonical = layout_.symbols()[function.symbol];
  uint32_t flags = 0;
  if (canonical.bind == STB_WEAK) flags |= kFunctionWeak;
  if (canonical.local()) flags |= kFunctionLocal;
  for (uint32_t alias : function.aliases) {
    const ElfSymbol& symbol = layout_.symbols()[alias];
    if (!symbol.local() && symbol.name == "main") flags |= kFunctionMain;
  }
  return flags;
}

void FunctionIndexBuilder::AddReferences(const DataExtents& extents) {
  ReferenceFinder finder(layout_, extents);
  for (size_t i = 0; i < index_.functions_.size(); ++i) {
    CodeReferences references = finder.Of(static_cast<int>(i));
    IndexedFunction& function = index_.functions_[i];
    if (references.process_state) function.flags |= kFunctionProcessState;
    function.refs_begin = static_cast<uint32_t>(index_.refs_.size());
    for (int target : references.functions) {
      index_.refs_.push_back(static_cast<uint32_t>(target));
    }
    for (uint32_t symbol : references.data_symbols) {
      index_.refs_.push_back(DataIndex(symbol) | kRefData);
    }
    function.refs_count =
        static_cast<uint32_t>(index_.refs_.size()) - function.refs_begin;
  }
}

uint32_t FunctionIndexBuilder::DataIndex(uint32_t symbol) {
  auto [it, added] = data_of_symbol_.try_emplace(
      symbol, static_cast<uint32_t>(index_.data_.size()));
  if (added) {
    IndexedData data;
    data.identity = Intern(identities_.Of(symbol));
    data.unit = UnitOf(layout_.symbols()[symbol].value, symbol);
    index_.data_.push_back(data);
  }
  return it->second;
}

// Over (identity, fingerprint) of each unit's functions, by identity.
void FunctionIndexBuilder::AddUnitFingerprints() {
  std::vector<std::vector<uint32_t>> members(index_.units_.size());
  for (uint32_t i = 0; i < index_.functions_.size(); ++i) {
    members[index_.functions_[i].unit].push_back(i);
  }
  for (size_t unit = 0; unit < members.size(); ++unit) {
    std::vector<std::pair<absl::string_view, Fingerprint128>> sorted;
    for (uint32_t i : members[unit]) {
      const IndexedFunction& f = index_.functions_[i];
      sorted.emplace_back(index_.String(f.identity), f.fingerprint);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    Hasher h;
    for (const auto& [identity, fingerprint] : sorted) {
      h.Str(identity);
      h.Hash(fingerprint);
    }
    index_.units_[unit].fingerprint = h.Digest();
  }
}

// The input file the map names for `address`, else the STT_FILE of a local
// symbol, else "" (a global symbol without a map).
uint32_t FunctionIndexBuilder::UnitOf(uint64_t address, uint32_t symbol) {
  std::string name;
  const index_internal::InputSection* input = layout_.InputSectionAt(address);
  const ElfSymbol& s = layout_.symbols()[symbol];
  const std::vector<std::string>& files = layout_.image().files();
  if (input != nullptr && input->file >= 0) {
    name = layout_.map()->files[input->file];
  } else if (s.local() && s.file >= 0 &&
             static_cast<size_t>(s.file) < files.size()) {
    name = files[s.file];
  }
  uint32_t offset = Intern(name);
  auto [it, added] = unit_of_name_.try_emplace(
      offset, static_cast<uint32_t>(index_.units_.size()));
  if (added) index_.units_.push_back(IndexedUnit{offset, {}});
  return it->second;
}

uint32_t FunctionIndexBuilder::Intern(absl::string_view text) {
  if (text.empty()) return 0;
  auto [it, added] =
      strings_.try_emplace(text, static_cast<uint32_t>(index_.strings_.size()));
  if (added) {
    index_.strings_.append(text.data(), text.size());
    index_.strings_.push_back('\0');
  }
  return it->second;
}

absl::StatusOr<std::unique_ptr<FunctionIndex>> FunctionIndex::Build(
    const std::string& elf_path, const std::string& map_path) {
  return FunctionIndexBuilder::Build(elf_path, map_path);
}

}  // namespace itr::skipper
