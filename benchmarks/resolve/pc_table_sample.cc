#include "pc_table_sample.h"

#include <link.h>

// Bounds of the __sancov_pcs section, defined by the linker: {pc, flags}
// pairs of every instrumented TU of the executable.
extern "C" const uintptr_t __start___sancov_pcs[];
extern "C" const uintptr_t __stop___sancov_pcs[];

namespace resolve {

namespace {

// The first object dl_iterate_phdr reports is the executable.
uintptr_t ExecutableLoadBias() {
  uintptr_t bias = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        *static_cast<uintptr_t*>(data) = info->dlpi_addr;
        return 1;
      },
      &bias);
  return bias;
}

}  // namespace

std::vector<uintptr_t> SamplePcTable(size_t count) {
  size_t entries =
      static_cast<size_t>(__stop___sancov_pcs - __start___sancov_pcs) / 2;
  size_t stride = count > 0 && entries > count ? entries / count : 1;
  uintptr_t bias = ExecutableLoadBias();
  std::vector<uintptr_t> pcs;
  for (size_t i = 0; i < entries && pcs.size() < count; i += stride) {
    pcs.push_back(__start___sancov_pcs[2 * i] - bias);
  }
  return pcs;
}

}  // namespace resolve
