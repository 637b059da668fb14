#include "module_discovery.h"

#include <fcntl.h>
#include <gelf.h>
#include <link.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "diagnostics.h"
#include "module_identity.h"
#include "module_registry.h"

namespace itr::runtime {

namespace {

struct LoadedObject {
  std::string path;
  uintptr_t bias;
  std::vector<std::pair<uintptr_t, uintptr_t>> segments;
  // False only when its dynamic symbol table shows, in memory, that it
  // imports no SanitizerCoverage hook: then its file need not be read.
  bool may_be_instrumented = true;
};

bool Contains(const LoadedObject& object, uintptr_t address);

// A d_ptr of the dynamic section: the loader relocates them in place on
// this platform, but not for every object (the vDSO); either way an
// address inside the object.
uintptr_t DynamicAddress(const LoadedObject& object, ElfW(Addr) value) {
  uintptr_t address = value;
  if (!Contains(object, address)) address = object.bias + value;
  return Contains(object, address) ? address : 0;
}

bool IsSancovHook(const char* name) {
  return strncmp(name, "__sanitizer_cov_", 16) == 0;
}

// Whether the object imports a __sanitizer_cov_* hook, from its dynamic
// symbols in memory (no file read). With DT_GNU_HASH, the undefined
// symbols are exactly those below the hash table's first symbol. Anything
// unexpected answers "maybe".
bool MayBeInstrumented(const dl_phdr_info* info, const LoadedObject& object) {
  const ElfW(Dyn)* dynamic = nullptr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) {
      dynamic = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr +
                                                   info->dlpi_phdr[i].p_vaddr);
    }
  }
  if (dynamic == nullptr) return true;
  uintptr_t symbols = 0, strings = 0, gnu_hash = 0;
  for (const ElfW(Dyn)* d = dynamic; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag == DT_SYMTAB) symbols = DynamicAddress(object, d->d_un.d_ptr);
    if (d->d_tag == DT_STRTAB) strings = DynamicAddress(object, d->d_un.d_ptr);
    if (d->d_tag == DT_GNU_HASH) {
      gnu_hash = DynamicAddress(object, d->d_un.d_ptr);
    }
  }
  if (symbols == 0 || strings == 0 || gnu_hash == 0) return true;
  uint32_t first_hashed = reinterpret_cast<const uint32_t*>(gnu_hash)[1];
  const auto* symbol = reinterpret_cast<const ElfW(Sym)*>(symbols);
  for (uint32_t i = 1; i < first_hashed; ++i) {
    if (symbol[i].st_shndx != SHN_UNDEF) continue;
    const char* name =
        reinterpret_cast<const char*>(strings) + symbol[i].st_name;
    if (!Contains(object, reinterpret_cast<uintptr_t>(name))) return true;
    if (IsSancovHook(name)) return true;
  }
  return false;
}

struct Snapshot {
  unsigned long long adds = 0;
  bool counted = false;
  std::vector<LoadedObject> objects;
};

int Collect(dl_phdr_info* info, size_t size, void* data) {
  auto* snapshot = static_cast<Snapshot*>(data);
  if (!snapshot->counted &&
      size >= offsetof(dl_phdr_info, dlpi_adds) + sizeof(info->dlpi_adds)) {
    snapshot->adds = info->dlpi_adds;
    snapshot->counted = true;
  }
  LoadedObject object;
  object.path = info->dlpi_name != nullptr ? info->dlpi_name : "";
  object.bias = info->dlpi_addr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
    object.segments.emplace_back(begin, begin + ph.p_memsz);
  }
  object.may_be_instrumented = MayBeInstrumented(info, object);
  snapshot->objects.push_back(std::move(object));
  return 0;
}

int CountLoads(dl_phdr_info* info, size_t size, void* data) {
  if (size >= offsetof(dl_phdr_info, dlpi_adds) + sizeof(info->dlpi_adds)) {
    *static_cast<unsigned long long*>(data) = info->dlpi_adds;
  }
  return 1;
}

bool Contains(const LoadedObject& object, uintptr_t address) {
  for (const auto& [begin, end] : object.segments) {
    if (address >= begin && address < end) return true;
  }
  return false;
}

struct SancovSections {
  GElf_Addr bools = 0, bools_size = 0;
  GElf_Addr pcs = 0, pcs_size = 0;
};

bool ReadSancovSections(const std::string& path, SancovSections* out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  elf_version(EV_CURRENT);
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  size_t names = 0;
  if (elf != nullptr && elf_getshdrstrndx(elf, &names) == 0) {
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr;
         scn = elf_nextscn(elf, scn)) {
      GElf_Shdr header;
      if (gelf_getshdr(scn, &header) == nullptr) continue;
      const char* name = elf_strptr(elf, names, header.sh_name);
      if (name == nullptr) continue;
      if (strcmp(name, "__sancov_bools") == 0) {
        out->bools = header.sh_addr;
        out->bools_size = header.sh_size;
      } else if (strcmp(name, "__sancov_pcs") == 0) {
        out->pcs = header.sh_addr;
        out->pcs_size = header.sh_size;
      }
    }
  }
  if (elf != nullptr) elf_end(elf);
  close(fd);
  return out->bools_size > 0;
}

unsigned long long g_seen_loads = ~0ull;

}  // namespace

void DiscoverUnregisteredModules(ModuleRegistry& registry) {
  unsigned long long loads = 0;
  dl_iterate_phdr(CountLoads, &loads);
  if (loads == g_seen_loads) return;
  Snapshot snapshot;
  dl_iterate_phdr(Collect, &snapshot);
  g_seen_loads = snapshot.adds;
  bool first = true;
  for (const LoadedObject& object : snapshot.objects) {
    bool is_executable = first;
    first = false;
    bool registered = false;
    for (size_t i = 0; i < registry.size() && !registered; ++i) {
      Module& m = registry.at(i);
      registered = m.loaded.load(std::memory_order_relaxed) &&
                   Contains(object, reinterpret_cast<uintptr_t>(m.flags));
    }
    if (registered) continue;
    // The executable is always read: it may define the hooks itself.
    if (!is_executable && !object.may_be_instrumented) continue;
    std::string path =
        is_executable && object.path.empty() ? ExecutablePath() : object.path;
    if (path.empty() || path[0] != '/') continue;  // vdso and the like
    SancovSections sections;
    if (!ReadSancovSections(path, &sections)) continue;
    auto* flags = reinterpret_cast<uint8_t*>(object.bias + sections.bools);
    if (!Contains(object, reinterpret_cast<uintptr_t>(flags))) continue;
    registry.AddFlags(flags, flags + sections.bools_size);
    if (sections.pcs_size > 0) {
      auto* pcs =
          reinterpret_cast<const uintptr_t*>(object.bias + sections.pcs);
      registry.AddPcTable(pcs, pcs + sections.pcs_size / sizeof(uintptr_t));
    }
    Verbose("registered %s by discovery (its coverage hooks were shadowed)",
            path.c_str());
  }
}

}  // namespace itr::runtime
