// Address-to-source index of one ELF object, built in one pass over its DWARF
// line tables and function DIEs (libdw). Built once per object and build-id;
// never on a per-test path.
//
// Code inlined from headers has no probe of its own, but the line table
// attributes its instructions to the header: the rows inside a function's
// address ranges therefore name every file inlined into it.
#ifndef ITR_RUNTIME_DWARF_INDEX_H_
#define ITR_RUNTIME_DWARF_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace itr::runtime {

class DwarfIndex {
 public:
  static constexpr uint32_t kEndOfSequence = UINT32_MAX;

  struct Row {
    uint64_t address;
    uint32_t file;  // index into files(), or kEndOfSequence
    uint32_t line;
  };
  struct AddressRange {
    uint64_t begin;
    uint64_t end;
  };

  // Reads `elf_path`. On failure returns null and sets *error.
  static std::unique_ptr<DwarfIndex> Load(const std::string& elf_path,
                                          std::string* error);

  // Absolute, lexically normalized source paths.
  const std::vector<std::string>& files() const { return files_; }

  // Rows in [begin, end), plus the row covering `begin`. `visit(file, line)`.
  template <typename Visit>
  void ForEachLineIn(uint64_t begin, uint64_t end, Visit visit) const;

  // The concrete function (DW_TAG_subprogram) containing `address`: its
  // ranges, or empty when no function DIE covers it.
  std::vector<AddressRange> FunctionRangesAt(uint64_t address) const;

  // End of the function range containing `address`, or 0.
  uint64_t FunctionEndAt(uint64_t address) const;

  // Main file of the compile unit containing `address`, or -1.
  int64_t CompileUnitFileAt(uint64_t address) const;

  size_t row_count() const { return rows_.size(); }

 private:
  friend class DwarfIndexBuilder;
  struct FunctionRange {
    uint64_t begin;
    uint64_t end;
    uint32_t function;  // ranges of one function share this id
  };
  struct UnitRange {
    uint64_t begin;
    uint64_t end;
    uint32_t file;
  };

  size_t FirstRowAtOrAfter(uint64_t address) const;

  std::vector<std::string> files_;
  std::vector<Row> rows_;                 // sorted by address
  std::vector<FunctionRange> functions_;  // sorted by begin
  std::vector<std::vector<AddressRange>> function_ranges_;
  std::vector<UnitRange> units_;  // sorted by begin
};

template <typename Visit>
void DwarfIndex::ForEachLineIn(uint64_t begin, uint64_t end,
                               Visit visit) const {
  size_t i = FirstRowAtOrAfter(begin);
  // The row that starts before `begin` still covers it.
  if ((i == rows_.size() || rows_[i].address > begin) && i > 0 &&
      rows_[i - 1].file != kEndOfSequence) {
    visit(rows_[i - 1].file, rows_[i - 1].line);
  }
  for (; i < rows_.size() && rows_[i].address < end; ++i) {
    if (rows_[i].file != kEndOfSequence) visit(rows_[i].file, rows_[i].line);
  }
}

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_DWARF_INDEX_H_
