#include "dwarf_index.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <algorithm>
#include <unordered_map>

#include "source_paths.h"

namespace itr::runtime {

class DwarfIndexBuilder {
 public:
  explicit DwarfIndexBuilder(DwarfIndex* index) : index_(index) {}

  void AddUnit(Dwarf_Die* unit) {
    std::string comp_dir;
    Dwarf_Attribute attr;
    if (dwarf_attr(unit, DW_AT_comp_dir, &attr) != nullptr) {
      if (const char* dir = dwarf_formstring(&attr)) comp_dir = dir;
    }
    AddLines(unit, comp_dir);
    AddUnitRanges(unit, comp_dir);
    AddFunctions(unit, 0);
  }

  // -gline-tables-only emits no DIE for functions that inline nothing; the
  // ELF symbol table still gives their extent. DIE ranges (which also cover
  // split cold parts) win where both exist.
  void AddSymbolTable(Elf* elf) {
    if (elf == nullptr) return;
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr;
         scn = elf_nextscn(elf, scn)) {
      GElf_Shdr header;
      if (gelf_getshdr(scn, &header) == nullptr) continue;
      if (header.sh_type != SHT_SYMTAB && header.sh_type != SHT_DYNSYM)
        continue;
      Elf_Data* data = elf_getdata(scn, nullptr);
      if (data == nullptr || header.sh_entsize == 0) continue;
      size_t count = header.sh_size / header.sh_entsize;
      for (size_t i = 0; i < count; ++i) {
        GElf_Sym symbol;
        if (gelf_getsym(data, static_cast<int>(i), &symbol) == nullptr)
          continue;
        if (GELF_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_size == 0 ||
            symbol.st_shndx == SHN_UNDEF || symbol.st_value == 0) {
          continue;
        }
        auto id = static_cast<uint32_t>(index_->function_ranges_.size());
        index_->function_ranges_.push_back(
            {{symbol.st_value, symbol.st_value + symbol.st_size}});
        symbol_functions_.push_back(
            {symbol.st_value, symbol.st_value + symbol.st_size, id});
      }
    }
  }

  void Finish() {
    auto by_address = [](const auto& a, const auto& b) {
      return a.address < b.address;
    };
    std::stable_sort(index_->rows_.begin(), index_->rows_.end(), by_address);
    auto by_begin = [](const auto& a, const auto& b) {
      return a.begin < b.begin;
    };
    auto& functions = index_->functions_;
    std::sort(functions.begin(), functions.end(), by_begin);
    for (const auto& symbol : symbol_functions_) {
      auto it = std::lower_bound(functions.begin(), functions.end(), symbol,
                                 by_begin);
      bool described = it != functions.end() && it->begin == symbol.begin;
      if (!described && it != functions.begin()) {
        described = std::prev(it)->end > symbol.begin;  // inside a DIE range
      }
      if (!described) extra_functions_.push_back(symbol);
    }
    functions.insert(functions.end(), extra_functions_.begin(),
                     extra_functions_.end());
    std::sort(functions.begin(), functions.end(), by_begin);
    std::sort(index_->units_.begin(), index_->units_.end(), by_begin);
  }

 private:
  uint32_t FileId(const char* name, const std::string& comp_dir) {
    auto it = file_ids_.find(name);
    if (it != file_ids_.end()) return it->second;
    std::string path = name;
    if (!path.empty() && path[0] != '/') path = comp_dir + "/" + path;
    path = NormalizePath(path);
    auto [by_path, inserted] = path_ids_.try_emplace(
        path, static_cast<uint32_t>(index_->files_.size()));
    if (inserted) index_->files_.push_back(path);
    file_ids_.emplace(name, by_path->second);
    return by_path->second;
  }

  void AddLines(Dwarf_Die* unit, const std::string& comp_dir) {
    Dwarf_Lines* lines = nullptr;
    size_t count = 0;
    if (dwarf_getsrclines(unit, &lines, &count) != 0) return;
    file_ids_.clear();      // name pointers are per unit
    bool dropping = false;  // sequence of a discarded (tombstoned) section
    bool sequence_start = true;
    for (size_t i = 0; i < count; ++i) {
      Dwarf_Line* line = dwarf_onesrcline(lines, i);
      Dwarf_Addr address = 0;
      int line_no = 0;
      bool end_sequence = false;
      if (line == nullptr || dwarf_lineaddr(line, &address) != 0) continue;
      dwarf_lineno(line, &line_no);
      dwarf_lineendsequence(line, &end_sequence);
      if (sequence_start) {
        dropping = address == 0 || address == ~Dwarf_Addr{0};
        sequence_start = false;
      }
      if (end_sequence) {
        if (!dropping) {
          index_->rows_.push_back({address, DwarfIndex::kEndOfSequence, 0});
        }
        sequence_start = true;
        continue;
      }
      if (dropping) continue;
      const char* name = dwarf_linesrc(line, nullptr, nullptr);
      uint32_t file =
          name ? FileId(name, comp_dir) : DwarfIndex::kEndOfSequence;
      if (file == DwarfIndex::kEndOfSequence) continue;
      index_->rows_.push_back(
          {address, file, static_cast<uint32_t>(line_no < 0 ? 0 : line_no)});
    }
  }

  void AddUnitRanges(Dwarf_Die* unit, const std::string& comp_dir) {
    const char* name = dwarf_diename(unit);
    if (name == nullptr) return;
    std::string path = name;
    if (path[0] != '/') path = comp_dir + "/" + path;
    path = NormalizePath(path);
    auto [it, inserted] = path_ids_.try_emplace(
        path, static_cast<uint32_t>(index_->files_.size()));
    if (inserted) index_->files_.push_back(path);
    Dwarf_Addr base, begin, end;
    ptrdiff_t offset = 0;
    while ((offset = dwarf_ranges(unit, offset, &base, &begin, &end)) > 0) {
      if (begin != 0 && begin < end) {
        index_->units_.push_back({begin, end, it->second});
      }
    }
  }

  // Concrete functions live at unit level or inside namespaces (and, for
  // some producers, inside class scopes).
  void AddFunctions(Dwarf_Die* parent, int depth) {
    if (depth > 32) return;
    Dwarf_Die child;
    if (dwarf_child(parent, &child) != 0) return;
    do {
      switch (dwarf_tag(&child)) {
        case DW_TAG_subprogram:
          AddFunction(&child);
          break;
        case DW_TAG_namespace:
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
          AddFunctions(&child, depth + 1);
          break;
        default:
          break;
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }

  void AddFunction(Dwarf_Die* die) {
    std::vector<DwarfIndex::AddressRange> ranges;
    Dwarf_Addr base, begin, end;
    ptrdiff_t offset = 0;
    while ((offset = dwarf_ranges(die, offset, &base, &begin, &end)) > 0) {
      if (begin != 0 && begin < end && begin != ~Dwarf_Addr{0}) {
        ranges.push_back({begin, end});
      }
    }
    if (ranges.empty()) return;
    auto id = static_cast<uint32_t>(index_->function_ranges_.size());
    for (const auto& range : ranges) {
      index_->functions_.push_back({range.begin, range.end, id});
    }
    index_->function_ranges_.push_back(std::move(ranges));
  }

  DwarfIndex* index_;
  std::vector<DwarfIndex::FunctionRange> symbol_functions_;
  std::vector<DwarfIndex::FunctionRange> extra_functions_;
  std::unordered_map<const char*, uint32_t> file_ids_;
  std::unordered_map<std::string, uint32_t> path_ids_;
};

std::unique_ptr<DwarfIndex> DwarfIndex::Load(const std::string& elf_path,
                                             std::string* error) {
  int fd = open(elf_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + elf_path;
    return nullptr;
  }
  Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
  if (dwarf == nullptr) {
    close(fd);
    *error = elf_path +
             " has no DWARF debug info (compile with -g or -gline-tables-only)";
    return nullptr;
  }
  auto index = std::unique_ptr<DwarfIndex>(new DwarfIndex());
  DwarfIndexBuilder builder(index.get());
  Dwarf_CU* unit = nullptr;
  Dwarf_CU* next = nullptr;
  Dwarf_Half version = 0;
  uint8_t unit_type = 0;
  Dwarf_Die unit_die, sub_die;
  while (dwarf_get_units(dwarf, unit, &next, &version, &unit_type, &unit_die,
                         &sub_die) == 0) {
    unit = next;
    if (unit_type == DW_UT_compile || unit_type == DW_UT_partial ||
        unit_type == DW_UT_skeleton) {
      builder.AddUnit(&unit_die);
    }
  }
  builder.AddSymbolTable(dwarf_getelf(dwarf));
  builder.Finish();
  dwarf_end(dwarf);
  close(fd);
  if (index->rows_.empty()) {
    *error = elf_path + " has no DWARF line table";
    return nullptr;
  }
  return index;
}

size_t DwarfIndex::FirstRowAtOrAfter(uint64_t address) const {
  auto it = std::lower_bound(
      rows_.begin(), rows_.end(), address,
      [](const Row& row, uint64_t a) { return row.address < a; });
  return static_cast<size_t>(it - rows_.begin());
}

std::vector<DwarfIndex::AddressRange> DwarfIndex::FunctionRangesAt(
    uint64_t address) const {
  auto it = std::upper_bound(
      functions_.begin(), functions_.end(), address,
      [](uint64_t a, const FunctionRange& f) { return a < f.begin; });
  if (it == functions_.begin()) return {};
  --it;
  if (address >= it->end) return {};
  return function_ranges_[it->function];
}

uint64_t DwarfIndex::FunctionEndAt(uint64_t address) const {
  auto it = std::upper_bound(
      functions_.begin(), functions_.end(), address,
      [](uint64_t a, const FunctionRange& f) { return a < f.begin; });
  if (it == functions_.begin()) return 0;
  --it;
  return address < it->end ? it->end : 0;
}

int64_t DwarfIndex::CompileUnitFileAt(uint64_t address) const {
  auto it = std::upper_bound(
      units_.begin(), units_.end(), address,
      [](uint64_t a, const UnitRange& u) { return a < u.begin; });
  // Units do not overlap in practice; look a few back for odd producers.
  for (int step = 0; step < 64 && it != units_.begin(); ++step) {
    --it;
    if (address < it->end) return it->file;
  }
  return -1;
}

}  // namespace itr::runtime
