// Times itr_test_end_collect_only() for a binary of N flags in which each
// test set about 1,000 of them, in runs of 16 consecutive flags spread over
// the array (a function's blocks are adjacent). The baseline, measured in
// the same iterations, is memset() of the same N bytes: the physical floor
// of any scan-and-clear at a test boundary.
//
//   test_end_bench <num_flags> <label>
//
// Prints BENCH lines: test_end_us.<label>, test_end_us.<label>.memset_floor,
// test_end_ratio.<label> (ratio of the two medians) and test_begin_us.<label>
// (itr_test_begin(), which scans the same flags for between-test code).
// itr_last_test_coverage() is never called: the synthetic PCs have no files.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bench_stats.h"
#include "itr/coverage.h"
#include "synthetic_module.h"

namespace {

constexpr int kWarmupIterations = 20;
constexpr int kIterations = 200;
constexpr size_t kRuns = 64;  // 64 runs x 16 flags = 1,024 touched flags
constexpr size_t kRunLength = 16;

using itr::bench::Clock;
using itr::bench::Median;

// Keeps the compiler from moving memory accesses across a timestamp.
inline void CompilerBarrier() { asm volatile("" ::: "memory"); }

double MicrosecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start)
      .count();
}

// Sets the flags a test would: kRuns runs of kRunLength, one per equal slice
// of the array, at an iteration-dependent offset inside the slice.
void TouchRuns(uint8_t* flags, size_t num_flags, unsigned iteration) {
  size_t slice = num_flags / kRuns;
  for (size_t run = 0; run < kRuns; ++run) {
    size_t offset =
        (iteration * 2654435761u + run * 40503u) % (slice - kRunLength + 1);
    memset(flags + run * slice + offset, 1, kRunLength);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <num_flags> <label>\n", argv[0]);
    return 2;
  }
  size_t num_flags = strtoull(argv[1], nullptr, 10);
  const char* label = argv[2];
  if (num_flags < kRuns * kRunLength ||
      num_flags > test_end::kMaxSyntheticFlags) {
    fprintf(stderr, "num_flags must be in [%zu, %zu]\n", kRuns * kRunLength,
            test_end::kMaxSyntheticFlags);
    return 2;
  }
  uint8_t* flags = test_end::RegisterSyntheticModule(num_flags);
  if (itr_coverage_probe_count() != num_flags) {
    fprintf(stderr, "the runtime registered %zu probes, expected %zu\n",
            itr_coverage_probe_count(), num_flags);
    return 1;
  }

  std::vector<double> begin_us, end_us, memset_us;
  for (int i = 0; i < kWarmupIterations + kIterations; ++i) {
    // Beginning a test also scans every flag (for code run between tests).
    Clock::time_point begin_start = Clock::now();
    itr_test_begin("TestEnd.Bench");
    double begin_time = MicrosecondsSince(begin_start);
    TouchRuns(flags, num_flags, static_cast<unsigned>(i));
    CompilerBarrier();
    Clock::time_point start = Clock::now();
    itr_test_end_collect_only();
    double end_time = MicrosecondsSince(start);

    // The floor, in the same state: the same array, the same dirty lines.
    TouchRuns(flags, num_flags, static_cast<unsigned>(i));
    CompilerBarrier();
    start = Clock::now();
    memset(flags, 0, num_flags);
    CompilerBarrier();
    double memset_time = MicrosecondsSince(start);

    if (i >= kWarmupIterations) {
      begin_us.push_back(begin_time);
      end_us.push_back(end_time);
      memset_us.push_back(memset_time);
    }
  }
  double end_median = Median(end_us);
  double memset_median = Median(memset_us);
  printf("BENCH test_end_us.%s %.2f us\n", label, end_median);
  printf("BENCH test_end_us.%s.memset_floor %.2f us\n", label, memset_median);
  printf("BENCH test_end_ratio.%s %.1f x\n", label, end_median / memset_median);
  printf("BENCH test_begin_us.%s %.2f us\n", label, Median(begin_us));
  return 0;
}
