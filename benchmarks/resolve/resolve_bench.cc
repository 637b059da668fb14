// Times the resolution of this binary's ~1M edge probes to files and lines
// (itr_coverage_resolve_all()), from DWARF when ITR_CACHE_DIR holds no entry
// for it ("cold"), else from the cache. The driver (benchmarks/run) decides
// which by the cache directory it passes.
//
//   resolve_bench                  prints "probes <n>" and "resolve_ms <t>"
//   resolve_bench --sample-pcs <n> prints n pc-table file addresses, one per
//                                  line, for the llvm-symbolizer baseline
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "itr/coverage.h"
#include "pc_table_sample.h"

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "--sample-pcs") == 0) {
    for (uintptr_t pc :
         resolve::SamplePcTable(strtoull(argv[2], nullptr, 10))) {
      printf("0x%zx\n", static_cast<size_t>(pc));
    }
    return 0;
  }
  if (argc != 1) {
    fprintf(stderr, "usage: %s [--sample-pcs <count>]\n", argv[0]);
    return 2;
  }
  printf("probes %zu\n", itr_coverage_probe_count());
  auto start = std::chrono::steady_clock::now();
  size_t failed = itr_coverage_resolve_all();
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  printf("resolve_ms %.1f\n", ms);
  if (failed != 0) {
    fprintf(stderr, "%zu module(s) could not be resolved\n", failed);
    return 1;
  }
  return 0;
}
