// What every benchmark program needs to time and summarize its runs.
#ifndef ITR_BENCHMARKS_BENCH_STATS_H_
#define ITR_BENCHMARKS_BENCH_STATS_H_

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace itr::bench {

using Clock = std::chrono::steady_clock;

inline double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// "<program>: <what>" on stderr, exit status 1.
[[noreturn]] inline void Fail(const char* program, const std::string& what) {
  fprintf(stderr, "%s: %s\n", program, what.c_str());
  exit(1);
}

}  // namespace itr::bench

#endif  // ITR_BENCHMARKS_BENCH_STATS_H_
