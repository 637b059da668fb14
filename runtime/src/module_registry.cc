#include "module_registry.h"

#include <link.h>

#include <cstdlib>

#include "diagnostics.h"

namespace itr::runtime {

namespace {

constinit ModuleRegistry g_registry;

struct MappedRangeQuery {
  uintptr_t address;
  bool found;
};

int FindMappedAddress(dl_phdr_info* info, size_t, void* data) {
  auto* query = static_cast<MappedRangeQuery*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
    if (query->address >= begin && query->address < begin + ph.p_memsz) {
      query->found = true;
      return 1;
    }
  }
  return 0;
}

int ReadUnloadCount(dl_phdr_info* info, size_t size, void* data) {
  // dlpi_subs exists since glibc 2.4; `size` tells whether this one has it.
  if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
    *static_cast<unsigned long long*>(data) = info->dlpi_subs;
  }
  return 1;  // the counters are the same in every entry
}

}  // namespace

ModuleRegistry& Registry() { return g_registry; }

namespace {

class SpinGuard {
 public:
  explicit SpinGuard(std::atomic_flag& flag) : flag_(flag) {
    while (flag_.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~SpinGuard() { flag_.clear(std::memory_order_release); }

 private:
  std::atomic_flag& flag_;
};

}  // namespace

void ModuleRegistry::AddFlags(uint8_t* begin, uint8_t* end) {
  if (begin == nullptr || end <= begin) return;
  SpinGuard guard(registering_);
  size_t n = count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    if (modules_[i].flags == begin) return;  // repeated init of the same DSO
  }
  if (n == kMaxModules) {
    overflowed_ = true;
    return;
  }
  Module& m = modules_[n];
  m.num_flags = static_cast<size_t>(end - begin);
  m.touched = static_cast<uint32_t*>(calloc(2 * m.num_flags, sizeof(uint32_t)));
  for (uint8_t*& phase : m.outside_tests) {
    phase = static_cast<uint8_t*>(calloc(m.num_flags, 1));
  }
  if (m.touched == nullptr || m.outside_tests[0] == nullptr ||
      m.outside_tests[1] == nullptr) {
    free(m.touched);
    m.touched = nullptr;
    for (uint8_t*& phase : m.outside_tests) {
      free(phase);
      phase = nullptr;
    }
    overflowed_ = true;
    return;
  }
  m.flags = begin;
  m.loaded.store(true, std::memory_order_relaxed);
  count_.store(n + 1, std::memory_order_release);
}

void ModuleRegistry::AddPcTable(const uintptr_t* begin, const uintptr_t* end) {
  SpinGuard guard(registering_);
  size_t n = count_.load(std::memory_order_acquire);
  size_t entries = static_cast<size_t>(end - begin) / 2;
  // The pc-table init follows the flag init of the same module constructor.
  for (size_t i = n; i-- > 0;) {
    Module& m = modules_[i];
    if (m.pcs == nullptr && m.num_flags == entries) {
      m.pcs = reinterpret_cast<const PcTableEntry*>(begin);
      return;
    }
    if (m.pcs == reinterpret_cast<const PcTableEntry*>(begin)) return;
  }
  Warn("a pc-table without matching flags was ignored");
}

bool ModuleRegistry::RefreshLoadedState() {
  unsigned long long unloads = 0;
  dl_iterate_phdr(ReadUnloadCount, &unloads);
  if (unloads == last_unload_count_) return false;
  bool newly_unloaded = false;
  last_unload_count_ = unloads;
  size_t n = size();
  for (size_t i = 0; i < n; ++i) {
    Module& m = modules_[i];
    if (!m.loaded.load(std::memory_order_relaxed)) continue;
    MappedRangeQuery query{reinterpret_cast<uintptr_t>(m.flags), false};
    dl_iterate_phdr(FindMappedAddress, &query);
    if (!query.found) {
      m.loaded.store(false, std::memory_order_relaxed);
      newly_unloaded = true;
    }
  }
  return newly_unloaded;
}

}  // namespace itr::runtime
