// The GNU ld map of a link (-Wl,-Map=FILE): the input section, and the input
// file, behind each address of the allocated output sections.
//
// After "Linker script and memory map", output sections start in column 0
// and input sections appear as
//   " .rodata.str1.1  0xADDR  0xSIZE file"
// or the name alone with the rest on the next line. Only input sections of
// allocated output sections are kept (.debug_* entries carry section
// offsets, which overlap real addresses). The size printed for a merged
// (SHF_MERGE) input section is its size after merging and does not always
// agree with the next entry's address: merged entries are used for their
// KIND only, their end is never used as a bound.
#ifndef ITR_SKIPPER_INDEX_LINKER_MAP_H_
#define ITR_SKIPPER_INDEX_LINKER_MAP_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itr::skipper::index_internal {

struct InputSection {
  // "*.str<W>.<A>": SHF_MERGE|SHF_STRINGS of W-byte characters;
  // "*.cst<N>": SHF_MERGE of N-byte entries; anything else: plain.
  enum Kind : uint8_t { kPlain, kStrings, kFixed };
  uint64_t address = 0, size = 0;
  Kind kind = kPlain;
  unsigned unit = 0;  // kStrings: character width; kFixed: entry size
  int32_t file = -1;  // index into LinkerMap::files, -1 if unknown
  uint64_t end() const { return address + size; }
};

struct LinkerMap {
  // Sorted by address; entries at one address merged into one (the most
  // conservative kind, the largest size, file -1 unless all agree).
  std::vector<InputSection> sections;
  // Input files as the linker names them ("CMakeFiles/t.dir/a.cpp.o",
  // "libcalc.a(a.cpp.o)").
  std::vector<std::string> files;

  // The input section whose [address, end) holds `address`, or nullptr.
  const InputSection* SectionAt(uint64_t address) const;
};

// Parses the map `text`; `allocated` names the object's allocated output
// sections. InvalidArgument when `text` is not a GNU ld map (lld's and
// gold's formats differ).
absl::StatusOr<LinkerMap> ParseGnuLdMap(
    absl::string_view text,
    const std::set<std::string, std::less<>>& allocated);

// Reads the file at `path`, then as ParseGnuLdMap. NotFound when missing.
absl::StatusOr<LinkerMap> ReadGnuLdMap(
    const std::string& path,
    const std::set<std::string, std::less<>>& allocated);

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_LINKER_MAP_H_
