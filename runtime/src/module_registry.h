// Registry of instrumented modules (one per DSO and instrumentation hook).
//
// Filled from SanitizerCoverage's module constructors, which may run before
// any C++ global of this library is constructed (priority-2 constructors of
// an executable or a dlopen'ed library): everything here is plain data,
// allocated with calloc, and never freed (modules live as long as the
// process; a dlclose'd module is marked unloaded, see ModuleRegistry).
#ifndef ITR_RUNTIME_MODULE_REGISTRY_H_
#define ITR_RUNTIME_MODULE_REGISTRY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace itr::runtime {

// One entry of SanitizerCoverage's pc-table.
struct PcTableEntry {
  uintptr_t pc;
  uintptr_t flags;  // bit 0: function entry block
};

struct Module {
  uint8_t* flags = nullptr;  // inline-bool-flag array, one byte per probe
  size_t num_flags = 0;
  const PcTableEntry* pcs = nullptr;  // same length as flags when present
  // Scratch owned by the collector, allocated at registration so that ending
  // a test never allocates. Indices set during the current test; capacity
  // 2 * num_flags (see CoverageRecorder::CollectTest).
  uint32_t* touched = nullptr;
  size_t num_touched = 0;
  // Probes seen outside any test, per phase (itr_phase: start-up, then
  // between tests).
  uint8_t* outside_tests[2] = {nullptr, nullptr};
  bool has_session_probes = false;
  std::atomic<bool> loaded{false};
};

class ModuleRegistry {
 public:
  static constexpr size_t kMaxModules = 4096;

  // Called from __sanitizer_cov_bool_flag_init. Repeated calls for the same
  // range are ignored (the hook may be called more than once per DSO).
  void AddFlags(uint8_t* begin, uint8_t* end);
  // Called from __sanitizer_cov_pcs_init right after the matching flag init.
  void AddPcTable(const uintptr_t* begin, const uintptr_t* end);

  size_t size() const { return count_.load(std::memory_order_acquire); }
  Module& at(size_t i) { return modules_[i]; }

  // Marks modules whose memory is no longer mapped as unloaded; returns true
  // when one was. Cheap when no library was unloaded since the last call
  // (checks glibc's unload counter).
  bool RefreshLoadedState();

  // True when some module could not be registered (table full, no memory):
  // coverage is then incomplete.
  bool overflowed() const { return overflowed_.load(); }

 private:
  Module modules_[kMaxModules];
  std::atomic<size_t> count_{0};
  std::atomic<bool> overflowed_{false};
  // Serializes registration (module constructors on a dlopen'ing thread vs.
  // discovery on the test thread); never taken by scans.
  std::atomic_flag registering_ = ATOMIC_FLAG_INIT;
  unsigned long long last_unload_count_ = 0;
};

ModuleRegistry& Registry();

}  // namespace itr::runtime

#endif  // ITR_RUNTIME_MODULE_REGISTRY_H_
