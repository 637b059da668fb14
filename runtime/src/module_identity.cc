#include "module_identity.h"

#include <elf.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace itr::runtime {

namespace {

struct Query {
  uintptr_t address;
  bool found = false;
  ModuleIdentity* out;
};

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 15]);
  }
  return hex;
}

// Reads NT_GNU_BUILD_ID from the object's PT_NOTE segments, in memory.
std::string ReadBuildId(const dl_phdr_info* info) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p =
        reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    const unsigned char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      memcpy(&note, p, sizeof(note));
      const unsigned char* name = p + sizeof(note);
      const unsigned char* desc = name + ((note.n_namesz + 3) & ~3u);
      const unsigned char* next = desc + ((note.n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          memcmp(name, "GNU", 4) == 0) {
        return Hex(desc, note.n_descsz);
      }
      p = next;
    }
  }
  return "";
}

int Visit(dl_phdr_info* info, size_t, void* data) {
  auto* query = static_cast<Query*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
    if (query->address < begin || query->address >= begin + ph.p_memsz) {
      continue;
    }
    ModuleIdentity* out = query->out;
    out->path = (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0')
                    ? info->dlpi_name
                    : ExecutablePath();
    out->load_bias = info->dlpi_addr;
    out->segment_begin = begin;
    out->segment_end = begin + ph.p_memsz;
    out->build_id = ReadBuildId(info);
    query->found = true;
    return 1;
  }
  return 0;
}

// FNV-1a, enough to name a cache file when there is no build-id.
uint64_t Fnv1a(const std::string& text,
               uint64_t hash = 1469598103934665603ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string ExecutablePath() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0) return "";
  return std::string(buffer, static_cast<size_t>(n));
}

bool IdentifyModule(uintptr_t address, ModuleIdentity* out) {
  Query query{address, false, out};
  dl_iterate_phdr(Visit, &query);
  if (!query.found) return false;
  if (!out->build_id.empty()) {
    out->cache_key = "b" + out->build_id;
  } else {
    struct stat st {};
    stat(out->path.c_str(), &st);
    char key[64];
    snprintf(key, sizeof(key), "p%016llx",
             static_cast<unsigned long long>(
                 Fnv1a(out->path + "|" + std::to_string(st.st_size) + "|" +
                       std::to_string(st.st_mtim.tv_sec) + "." +
                       std::to_string(st.st_mtim.tv_nsec))));
    out->cache_key = key;
  }
  return true;
}

}  // namespace itr::runtime
