#include "synthetic_module.h"

// Exported by libitr_runtime.so; instrumented modules call them from their
// constructors.
extern "C" void __sanitizer_cov_bool_flag_init(bool* begin, bool* end);
extern "C" void __sanitizer_cov_pcs_init(const uintptr_t* begin,
                                         const uintptr_t* end);

namespace test_end {

namespace {

bool g_flags[kMaxSyntheticFlags];
// {pc, flags} pairs as SanitizerCoverage lays them out; bit 0 of the second
// word marks a function entry.
uintptr_t g_pc_table[2 * kMaxSyntheticFlags];

constexpr size_t kBlocksPerFunction = 16;

}  // namespace

uint8_t* RegisterSyntheticModule(size_t num_flags) {
  for (size_t i = 0; i < num_flags; ++i) {
    g_pc_table[2 * i] = 0x400000 + 4 * i;
    g_pc_table[2 * i + 1] = i % kBlocksPerFunction == 0 ? 1 : 0;
  }
  __sanitizer_cov_bool_flag_init(g_flags, g_flags + num_flags);
  __sanitizer_cov_pcs_init(g_pc_table, g_pc_table + 2 * num_flags);
  return reinterpret_cast<uint8_t*>(g_flags);
}

}  // namespace test_end
