// The parts of a linked x86-64 ELF file the function index reads: sections,
// the symbol table (with each local symbol's translation unit), the
// relocations kept by -Wl,--emit-relocs, and the build-id. Every byte is
// read through libelf, which checks that sections lie inside the file;
// whatever the index reads from a section is bounded by `data_size`.
#ifndef ITR_SKIPPER_INDEX_ELF_IMAGE_H_
#define ITR_SKIPPER_INDEX_ELF_IMAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct Elf;

namespace itr::skipper::index_internal {

struct ElfSection {
  std::string name;
  uint64_t address = 0, size = 0, flags = 0;
  uint32_t type = 0;
  const uint8_t* data = nullptr;  // nullptr for SHT_NOBITS
  uint64_t data_size = 0;         // bytes readable at `data`

  bool allocated() const;
  bool executable() const;
  bool writable() const;
  // __sancov_bools, __sancov_pcs, __sancov_cntrs: instrumentation, whose
  // layout changes with every edit; referred to by a constant token.
  bool sancov() const;
  // .tbss: an address but no memory of its own (it overlaps what follows).
  bool tls_nobits() const;
  uint64_t end() const { return address + size; }
  bool Contains(uint64_t a) const { return a >= address && a < end(); }
};

struct ElfSymbol {
  absl::string_view name;
  uint64_t value = 0, size = 0;  // value: a virtual address (also for TLS)
  uint8_t type = 0, bind = 0;
  uint16_t section = 0;  // st_shndx
  int32_t file = -1;     // local symbols: index into files()

  bool local() const;
  // A temporary label kept by the assembler for SHF_MERGE pools (string
  // literals, constants): local, no type, no size, unnamed or ".L...".
  // (Clang's sized .L symbols count as named data objects.)
  bool temporary() const;
};

struct ElfRelocation {
  uint64_t offset = 0;  // virtual address of the relocated field
  uint32_t type = 0;
  uint32_t symbol = 0;  // index into symbols()
  int64_t addend = 0;
};

class ElfImage {
 public:
  // Opens and reads a linked x86-64 ELF file. Fails on anything else, and on
  // a file without a symbol table (stripped).
  static absl::StatusOr<std::unique_ptr<ElfImage>> Open(
      const std::string& path);
  ~ElfImage();
  ElfImage(const ElfImage&) = delete;
  ElfImage& operator=(const ElfImage&) = delete;

  const std::vector<ElfSection>& sections() const { return sections_; }
  const std::vector<ElfSymbol>& symbols() const { return symbols_; }
  // STT_FILE names in symbol-table order, "#n" appended to the n-th repeat
  // of a name (n >= 2).
  const std::vector<std::string>& files() const { return files_; }
  // Relocations against the symbol table that apply to allocated sections
  // other than __sancov_* ones, sorted by offset.
  const std::vector<ElfRelocation>& relocations() const { return relocs_; }
  // True when the code kept its relocations (-Wl,--emit-relocs).
  bool has_code_relocations() const { return has_code_relocations_; }
  const std::string& build_id() const { return build_id_; }  // hex, or ""
  // The addresses held by .init_array, .preinit_array and .ctors: what the
  // C runtime calls before main. Found through their relocations (kept by
  // --emit-relocs), their R_X86_64_RELATIVE dynamic relocations (PIE) and
  // their words (non-PIE); sorted, unique.
  const std::vector<uint64_t>& startup_addresses() const {
    return startup_addresses_;
  }

  // Index of the section named `name`, or -1.
  int SectionNamed(absl::string_view name) const;

 private:
  ElfImage() = default;
  absl::Status Load();
  absl::Status LoadSections(size_t* symtab);
  absl::Status LoadSymbols(size_t symtab);
  void LoadRelocations(size_t symtab);
  void LoadStartupAddresses(size_t symtab);

  int fd_ = -1;
  Elf* elf_ = nullptr;
  uint16_t elf_type_ = 0;
  uint64_t tls_base_ = 0;
  std::vector<ElfSection> sections_;
  std::vector<ElfSymbol> symbols_;
  std::vector<std::string> files_;
  std::vector<ElfRelocation> relocs_;
  bool has_code_relocations_ = false;
  std::string build_id_;
  std::vector<uint64_t> startup_addresses_;
  std::string path_;
};

// The GNU build-id of the ELF file at `path` (hex), "" when it has none.
absl::StatusOr<std::string> ReadElfBuildId(const std::string& path);

}  // namespace itr::skipper::index_internal

#endif  // ITR_SKIPPER_INDEX_ELF_IMAGE_H_
