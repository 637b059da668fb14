#include "skipper/index/elf_image.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "skipper/base/status_macros.h"

namespace itr::skipper::index_internal {
namespace {

constexpr absl::string_view kSancovPrefix = "__sancov_";

// An ELF file opened through libelf, closed on destruction.
struct OpenedElf {
  int fd = -1;
  Elf* elf = nullptr;
  ~OpenedElf() {
    if (elf != nullptr) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

absl::Status OpenElf(const std::string& path, OpenedElf* out) {
  if (elf_version(EV_CURRENT) == EV_NONE) {
    return absl::InternalError("libelf: version mismatch");
  }
  out->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (out->fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  out->elf = elf_begin(out->fd, ELF_C_READ_MMAP, nullptr);
  GElf_Ehdr header;
  if (out->elf == nullptr || elf_kind(out->elf) != ELF_K_ELF ||
      gelf_getehdr(out->elf, &header) == nullptr ||
      gelf_getclass(out->elf) != ELFCLASS64 || header.e_machine != EM_X86_64) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not an x86-64 ELF file"));
  }
  return absl::OkStatus();
}

std::string HexOf(const uint8_t* bytes, size_t size) {
  std::string hex;
  for (size_t i = 0; i < size; ++i)
    absl::StrAppendFormat(&hex, "%02x", bytes[i]);
  return hex;
}

// The NT_GNU_BUILD_ID note of any SHT_NOTE section, in hex; "" when none.
std::string BuildIdOf(Elf* elf) {
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr;
       scn = elf_nextscn(elf, scn)) {
    GElf_Shdr header;
    if (gelf_getshdr(scn, &header) == nullptr || header.sh_type != SHT_NOTE) {
      continue;
    }
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr) continue;
    GElf_Nhdr note;
    size_t offset = 0, name_at = 0, desc_at = 0;
    while ((offset = gelf_getnote(data, offset, &note, &name_at, &desc_at)) >
           0) {
      const char* base = static_cast<const char*>(data->d_buf);
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::equal(base + name_at, base + name_at + 4, "GNU")) {
        return HexOf(reinterpret_cast<const uint8_t*>(base + desc_at),
                     note.n_descsz);
      }
    }
  }
  return "";
}

}  // namespace

bool ElfSection::allocated() const { return (flags & SHF_ALLOC) != 0; }
bool ElfSection::executable() const { return (flags & SHF_EXECINSTR) != 0; }
bool ElfSection::writable() const { return (flags & SHF_WRITE) != 0; }
bool ElfSection::sancov() const {
  return absl::string_view(name).substr(0, kSancovPrefix.size()) ==
         kSancovPrefix;
}
bool ElfSection::tls_nobits() const {
  return (flags & SHF_TLS) != 0 && type == SHT_NOBITS;
}

bool ElfSymbol::local() const { return bind == STB_LOCAL; }
bool ElfSymbol::temporary() const {
  return local() && type == STT_NOTYPE && size == 0 &&
         (name.empty() || name.substr(0, 2) == ".L");
}

absl::StatusOr<std::unique_ptr<ElfImage>> ElfImage::Open(
    const std::string& path) {
  std::unique_ptr<ElfImage> image(new ElfImage());
  image->path_ = path;
  ITR_RETURN_IF_ERROR(image->Load());
  return image;
}

ElfImage::~ElfImage() {
  if (elf_ != nullptr) elf_end(elf_);
  if (fd_ >= 0) close(fd_);
}

absl::Status ElfImage::Load() {
  OpenedElf opened;
  ITR_RETURN_IF_ERROR(OpenElf(path_, &opened));
  std::swap(fd_, opened.fd);
  std::swap(elf_, opened.elf);
  GElf_Ehdr header;
  gelf_getehdr(elf_, &header);
  elf_type_ = header.e_type;
  size_t phdrs = 0;
  if (elf_getphdrnum(elf_, &phdrs) == 0) {
    for (size_t i = 0; i < phdrs; ++i) {
      GElf_Phdr phdr;
      if (gelf_getphdr(elf_, i, &phdr) != nullptr && phdr.p_type == PT_TLS) {
        tls_base_ = phdr.p_vaddr;
      }
    }
  }
  size_t symtab = 0;
  ITR_RETURN_IF_ERROR(LoadSections(&symtab));
  ITR_RETURN_IF_ERROR(LoadSymbols(symtab));
  LoadRelocations(symtab);
  LoadStartupAddresses(symtab);
  build_id_ = BuildIdOf(elf_);
  return absl::OkStatus();
}

absl::Status ElfImage::LoadSections(size_t* symtab) {
  size_t count = 0, names = 0;
  if (elf_getshdrnum(elf_, &count) != 0 ||
      elf_getshdrstrndx(elf_, &names) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": unreadable section headers"));
  }
  sections_.resize(count);
  for (size_t i = 1; i < count; ++i) {
    Elf_Scn* scn = elf_getscn(elf_, i);
    GElf_Shdr header;
    if (scn == nullptr || gelf_getshdr(scn, &header) == nullptr) continue;
    ElfSection& section = sections_[i];
    const char* name = elf_strptr(elf_, names, header.sh_name);
    section.name = name != nullptr ? name : "";
    section.address = header.sh_addr;
    section.size = header.sh_size;
    section.flags = header.sh_flags;
    section.type = header.sh_type;
    if (header.sh_type != SHT_NOBITS && header.sh_size != 0) {
      Elf_Data* data = elf_rawdata(scn, nullptr);
      if (data != nullptr && data->d_buf != nullptr) {
        section.data = static_cast<const uint8_t*>(data->d_buf);
        section.data_size = std::min<uint64_t>(data->d_size, header.sh_size);
      }
    }
    if (header.sh_type == SHT_SYMTAB && *symtab == 0) *symtab = i;
  }
  if (*symtab == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": no symbol table (stripped)"));
  }
  return absl::OkStatus();
}

absl::Status ElfImage::LoadSymbols(size_t symtab) {
  Elf_Scn* scn = elf_getscn(elf_, symtab);
  GElf_Shdr header;
  Elf_Data* data = scn != nullptr ? elf_getdata(scn, nullptr) : nullptr;
  if (data == nullptr || gelf_getshdr(scn, &header) == nullptr ||
      data->d_type != ELF_T_SYM) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": unreadable symbol table"));
  }
  const auto* raw = static_cast<const Elf64_Sym*>(data->d_buf);
  size_t count = data->d_size / sizeof(Elf64_Sym);
  symbols_.resize(count);
  std::map<std::string, int, std::less<>> seen;
  int32_t file = -1;
  for (size_t i = 0; i < count; ++i) {
    ElfSymbol& symbol = symbols_[i];
    const char* name = elf_strptr(elf_, header.sh_link, raw[i].st_name);
    symbol.name = name != nullptr ? name : "";
    symbol.value = raw[i].st_value;
    symbol.size = raw[i].st_size;
    symbol.type = GELF_ST_TYPE(raw[i].st_info);
    symbol.bind = GELF_ST_BIND(raw[i].st_info);
    symbol.section = raw[i].st_shndx;
    if (symbol.type == STT_TLS && elf_type_ != ET_REL) {
      symbol.value += tls_base_;
    }
    if (symbol.type == STT_FILE) {
      int repeat = ++seen[std::string(symbol.name)];
      files_.push_back(repeat == 1 ? std::string(symbol.name)
                                   : absl::StrCat(symbol.name, "#", repeat));
      file = static_cast<int32_t>(files_.size()) - 1;
    }
    // GNU ld writes the locals of each input file right after its FILE.
    if (symbol.local()) symbol.file = file;
  }
  return absl::OkStatus();
}

// Every SHT_RELA that uses the symbol table and applies to an allocated
// section (this skips .rela.dyn/.rela.plt, which use .dynsym, and
// .rela.debug_*), except R_X86_64_NONE. Relocations inside __sancov_*
// sections are never needed:
// a reference into those is described by a token, never by content.
void ElfImage::LoadRelocations(size_t symtab) {
  for (size_t i = 1; i < sections_.size(); ++i) {
    Elf_Scn* scn = elf_getscn(elf_, i);
    GElf_Shdr header;
    if (scn == nullptr || gelf_getshdr(scn, &header) == nullptr ||
        header.sh_type != SHT_RELA || header.sh_link != symtab ||
        header.sh_info == 0 || header.sh_info >= sections_.size()) {
      continue;
    }
    const ElfSection& target = sections_[header.sh_info];
    if (!target.allocated() || target.sancov()) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr || data->d_type != ELF_T_RELA) continue;
    has_code_relocations_ |= target.executable() && data->d_size != 0;
    const auto* raw = static_cast<const Elf64_Rela*>(data->d_buf);
    size_t count = data->d_size / sizeof(Elf64_Rela);
    relocs_.reserve(relocs_.size() + count);
    for (size_t k = 0; k < count; ++k) {
      uint32_t symbol = static_cast<uint32_t>(ELF64_R_SYM(raw[k].r_info));
      // R_X86_64_NONE carries nothing: the linker leaves it where it
      // dropped something (a merged CIE of .eh_frame).
      if (symbol >= symbols_.size() ||
          ELF64_R_TYPE(raw[k].r_info) == R_X86_64_NONE) {
        continue;
      }
      relocs_.push_back({raw[k].r_offset,
                         static_cast<uint32_t>(ELF64_R_TYPE(raw[k].r_info)),
                         symbol, raw[k].r_addend});
    }
  }
  auto by_offset = [](const ElfRelocation& a, const ElfRelocation& b) {
    return a.offset < b.offset;
  };
  if (!std::is_sorted(relocs_.begin(), relocs_.end(), by_offset)) {
    std::stable_sort(relocs_.begin(), relocs_.end(), by_offset);
  }
}

void ElfImage::LoadStartupAddresses(size_t symtab) {
  std::vector<const ElfSection*> tables;
  for (const char* name : {".init_array", ".preinit_array", ".ctors"}) {
    int index = SectionNamed(name);
    if (index > 0) tables.push_back(&sections_[index]);
  }
  auto in_tables = [&](uint64_t offset) {
    for (const ElfSection* table : tables) {
      if (table->Contains(offset)) return true;
    }
    return false;
  };
  for (const ElfSection* table : tables) {  // the words (0 in a PIE)
    for (uint64_t at = 0; table->data != nullptr && at + 8 <= table->data_size;
         at += 8) {
      uint64_t word;
      std::memcpy(&word, table->data + at, 8);
      if (word != 0 && word != ~uint64_t{0}) startup_addresses_.push_back(word);
    }
  }
  for (const ElfRelocation& r : relocs_) {  // --emit-relocs: S + A
    if (in_tables(r.offset)) {
      startup_addresses_.push_back(symbols_[r.symbol].value + r.addend);
    }
  }
  for (size_t i = 1; !tables.empty() && i < sections_.size(); ++i) {
    Elf_Scn* scn = elf_getscn(elf_, i);
    GElf_Shdr header;
    if (scn == nullptr || gelf_getshdr(scn, &header) == nullptr ||
        header.sh_type != SHT_RELA || header.sh_link == symtab) {
      continue;
    }
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr || data->d_type != ELF_T_RELA) continue;
    const auto* raw = static_cast<const Elf64_Rela*>(data->d_buf);
    for (size_t k = 0; k < data->d_size / sizeof(Elf64_Rela); ++k) {
      if (ELF64_R_TYPE(raw[k].r_info) == R_X86_64_RELATIVE &&
          in_tables(raw[k].r_offset)) {
        startup_addresses_.push_back(static_cast<uint64_t>(raw[k].r_addend));
      }
    }
  }
  std::sort(startup_addresses_.begin(), startup_addresses_.end());
  startup_addresses_.erase(
      std::unique(startup_addresses_.begin(), startup_addresses_.end()),
      startup_addresses_.end());
}

int ElfImage::SectionNamed(absl::string_view name) const {
  for (size_t i = 1; i < sections_.size(); ++i) {
    if (sections_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<std::string> ReadElfBuildId(const std::string& path) {
  OpenedElf opened;
  ITR_RETURN_IF_ERROR(OpenElf(path, &opened));
  return BuildIdOf(opened.elf);
}

}  // namespace itr::skipper::index_internal
