// Cost of read tracking's interposers (runtime/src/read_hooks.cc): each
// figure is the time of a call through the hook minus the same call made
// directly to libc's function (found with dlsym on libc itself): the
// median, over 100,000 back-to-back pairs, of the difference.
//
//   read_hooks_bench <work dir>
//
// ITR_REPO_ROOT must name <work dir>/repo (the script sets it: the root is
// fixed at start-up). A test window is open throughout, as in a test.
// Prints BENCH lines:
//   open_hook_ns            open+close of a file outside the repository
//                           (the common path: one path check)
//   open_hook_ns.baseline   the direct open+close it is measured against
//   open_hook_ns.repo_file  open+close of a repository file the window
//                           already read (resolution, lock, table lookup)
//   getenv_hook_ns          getenv of a variable the window already read
//   getenv_hook_ns.baseline the direct getenv
//   getenv_hook_ns.excluded getenv of an excluded (ITR_) variable
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "itr/coverage.h"

namespace {

constexpr int kWarmupPairs = 2000;
constexpr int kPairs = 100000;

using Clock = std::chrono::steady_clock;
using OpenFn = int (*)(const char*, int, ...);
using GetenvFn = char* (*)(const char*);

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * (values.size() - 1) + 0.5)];
}

// Nanoseconds of one call of `call`, clock reading included (the same in
// both sides of a pair, so it cancels in the difference).
template <typename Call>
double Once(Call call) {
  auto start = Clock::now();
  call();
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

struct Figure {
  double hooked_minus_direct;
  double direct;
};

// Both sides are called through function pointers the compiler cannot see
// through: LLVM knows getenv as a read-only library function and would
// otherwise hoist a direct call out of the timing loop.
OpenFn volatile g_hooked_open = &open;
GetenvFn volatile g_hooked_getenv = &getenv;

// Times the two calls back to back, kPairs times (the order swapped every
// pair, so drifts cancel): the figure is the median of the per-pair
// differences, which the machine's noise (a system call here varies by
// microseconds under load) affects far less than a difference of means.
template <typename Hooked, typename Direct>
Figure Measure(const char* name, Hooked hooked, Direct direct) {
  std::vector<double> differences, directs;
  differences.reserve(kPairs);
  directs.reserve(kPairs);
  for (int i = 0; i < kWarmupPairs + kPairs; ++i) {
    double h, d;
    if (i % 2 == 0) {
      h = Once(hooked);
      d = Once(direct);
    } else {
      d = Once(direct);
      h = Once(hooked);
    }
    if (i < kWarmupPairs) continue;
    differences.push_back(h - d);
    directs.push_back(d);
  }
  fprintf(stderr,
          "# %s: hooked - direct p25 / p50 / p75 %.1f / %.1f / %.1f ns\n", name,
          Quantile(differences, 0.25), Quantile(differences, 0.5),
          Quantile(differences, 0.75));
  return {Quantile(differences, 0.5), Quantile(directs, 0.5)};
}

void Emit(const char* name, double value) {
  printf("BENCH %s %.1f ns\n", name, value);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <work dir>\n", argv[0]);
    return 2;
  }
  const std::string work = argv[1];
  const std::string outside = work + "/outside.txt";
  const std::string inside = work + "/repo/data.txt";
  std::ofstream(outside) << "x";
  std::ofstream(inside) << "x";
  setenv("BENCH_VARIABLE", "value", 1);  // before the window: excluded
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  volatile OpenFn libc_open_slot =
      reinterpret_cast<OpenFn>(dlsym(libc, "open"));
  volatile GetenvFn libc_getenv_slot =
      reinterpret_cast<GetenvFn>(dlsym(libc, "getenv"));
  OpenFn libc_open = libc_open_slot;
  GetenvFn libc_getenv = libc_getenv_slot;
  if (libc_open == nullptr || libc_getenv == nullptr ||
      reinterpret_cast<void*>(libc_open) == reinterpret_cast<void*>(&open)) {
    fprintf(stderr, "cannot find libc's own open/getenv\n");
    return 1;
  }
  const char* variable = "HOME";  // from outside: recorded once per window
  if (getenv(variable) == nullptr) setenv("HOME", "/", 1);

  itr_test_begin("read_hooks_bench");
  const char* outside_path = outside.c_str();
  const char* inside_path = inside.c_str();
  OpenFn hooked_open = g_hooked_open;
  GetenvFn hooked_getenv = g_hooked_getenv;
  Figure open_outside = Measure(
      "open_hook_ns",
      [&] { close(hooked_open(outside_path, O_RDONLY | O_CLOEXEC)); },
      [&] { close(libc_open(outside_path, O_RDONLY | O_CLOEXEC)); });
  Figure open_inside = Measure(
      "open_hook_ns.repo_file",
      [&] { close(hooked_open(inside_path, O_RDONLY | O_CLOEXEC)); },
      [&] { close(libc_open(inside_path, O_RDONLY | O_CLOEXEC)); });
  volatile const char* sink = nullptr;
  Figure env = Measure(
      "getenv_hook_ns", [&] { sink = hooked_getenv(variable); },
      [&] { sink = libc_getenv(variable); });
  Figure env_excluded = Measure(
      "getenv_hook_ns.excluded", [&] { sink = hooked_getenv("ITR_BENCH"); },
      [&] { sink = libc_getenv("ITR_BENCH"); });
  itr_test_end_collect_only();
  (void)sink;

  const itr_executed* executed = itr_last_test_executed();
  if (executed->file_read_count != 1 ||
      std::string(executed->files_read[0]) != "data.txt") {
    fprintf(stderr, "the repository file was not recorded (ITR_REPO_ROOT?)\n");
    return 1;
  }
  Emit("open_hook_ns", open_outside.hooked_minus_direct);
  Emit("open_hook_ns.baseline", open_outside.direct);
  Emit("open_hook_ns.repo_file", open_inside.hooked_minus_direct);
  Emit("getenv_hook_ns", env.hooked_minus_direct);
  Emit("getenv_hook_ns.baseline", env.direct);
  Emit("getenv_hook_ns.excluded", env_excluded.hooked_minus_direct);
  return 0;
}
