#include "pc_trace.h"

#include <atomic>

namespace itr::runtime {

namespace {

constexpr size_t kSlots = kMaxTracedPcs * 2;  // load factor <= 1/2
constexpr size_t kMaxProbes = 32;

// Plain arrays, accessed through std::atomic_ref: zero-initialized bss
// whatever the optimization level (arrays of std::atomic get a dynamic
// initializer at -O0 that touches all 10 MB at start-up), so pages are only
// materialized where PCs land.
constinit uintptr_t g_slots[kSlots];
// slot + 1 of each filled slot, in fill order; 0 while its writer is between
// claiming the index and storing it.
constinit uint32_t g_filled[kMaxTracedPcs];

inline std::atomic_ref<uintptr_t> Slot(size_t i) {
  return std::atomic_ref<uintptr_t>(g_slots[i]);
}
inline std::atomic_ref<uint32_t> Filled(size_t i) {
  return std::atomic_ref<uint32_t>(g_filled[i]);
}
std::atomic<size_t> g_filled_count{0};
std::atomic<bool> g_overflow{false};
std::atomic<bool> g_seen{false};
// Set when a slot could not be drained: its PC is never reported again, so
// every later drain is incomplete.
bool g_slot_leaked = false;

inline size_t SlotOf(uintptr_t pc) {
  uint64_t h = static_cast<uint64_t>(pc) * 0x9E3779B97F4A7C15ull;
  return static_cast<size_t>(h >> 44) & (kSlots - 1);  // 20 bits
}

static_assert(kSlots == (size_t{1} << 20), "SlotOf yields 20 bits");

}  // namespace

void RecordTracedPc(uintptr_t pc) {
  size_t slot = SlotOf(pc);
  for (size_t probe = 0; probe < kMaxProbes; ++probe) {
    uintptr_t current = Slot(slot).load(std::memory_order_relaxed);
    if (current == pc) return;
    if (current == 0) {
      uintptr_t expected = 0;
      if (Slot(slot).compare_exchange_strong(expected, pc,
                                             std::memory_order_relaxed)) {
        size_t index = g_filled_count.fetch_add(1, std::memory_order_relaxed);
        if (index < kMaxTracedPcs) {
          Filled(index).store(static_cast<uint32_t>(slot) + 1,
                              std::memory_order_release);
        } else {
          g_overflow.store(true, std::memory_order_relaxed);
        }
        if (!g_seen.load(std::memory_order_relaxed)) g_seen.store(true);
        return;
      }
      if (expected == pc) return;
    }
    slot = (slot + 1) & (kSlots - 1);
  }
  g_overflow.store(true, std::memory_order_relaxed);
}

bool PcTracingSeen() { return g_seen.load(std::memory_order_relaxed); }

size_t DrainTracedPcs(uintptr_t* out, size_t capacity, bool* overflowed) {
  size_t filled = g_filled_count.exchange(0, std::memory_order_acq_rel);
  bool lost = g_overflow.exchange(false);
  if (filled > kMaxTracedPcs) {
    filled = kMaxTracedPcs;
    lost = true;
  }
  size_t count = 0;
  for (size_t i = 0; i < filled; ++i) {
    uint32_t entry = Filled(i).exchange(0, std::memory_order_acquire);
    for (int spin = 0; entry == 0 && spin < 1000; ++spin) {
      entry = Filled(i).exchange(0, std::memory_order_acquire);
    }
    if (entry == 0) {  // a writer stalled mid-insert: its slot stays filled
      g_slot_leaked = true;
      continue;
    }
    uint32_t slot = entry - 1;
    uintptr_t pc = Slot(slot).exchange(0, std::memory_order_relaxed);
    if (pc == 0) continue;
    if (count < capacity) {
      out[count++] = pc;
    } else {
      lost = true;
    }
  }
  *overflowed = lost || g_slot_leaked;
  return count;
}

}  // namespace itr::runtime
