// Times the function index of one linked object:
//   cold    FunctionIndex::Build(<elf>, <elf>.itr.map) + WriteFile
//   cached  FunctionIndex::ReadFile (checksum and every index verified)
//   read    reading the ELF file's bytes (one read; the baseline)
// each `runs` times; prints the medians and what the index holds:
//
//   fingerprint_bench <elf> <scratch dir> [runs]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_stats.h"
#include "skipper/index/function_index.h"

namespace {

using itr::bench::Clock;
using itr::bench::Median;
using itr::bench::MsSince;

// Reads the whole file; returns its size.
size_t ReadAll(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0;
  std::vector<char> buffer(1 << 20);
  size_t total = 0;
  ssize_t n;
  while ((n = read(fd, buffer.data(), buffer.size())) > 0) total += n;
  close(fd);
  return total;
}

int Fail(const std::string& what, const absl::Status& status) {
  fprintf(stderr, "fingerprint_bench: %s: %s\n", what.c_str(),
          std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <elf> <scratch dir> [runs]\n", argv[0]);
    return 2;
  }
  std::string elf = argv[1];
  std::string out = std::string(argv[2]) + "/bench.itridx";
  int runs = argc > 3 ? atoi(argv[3]) : 5;
  std::vector<double> cold, cached, read;
  size_t functions = 0, units = 0, bytes = 0;
  for (int run = 0; run < runs; ++run) {
    auto start = Clock::now();
    bytes = ReadAll(elf);
    read.push_back(MsSince(start));
    start = Clock::now();
    auto built = itr::skipper::FunctionIndex::Build(elf, elf + ".itr.map");
    if (!built.ok()) return Fail("build", built.status());
    absl::Status written = (*built)->WriteFile(out);
    if (!written.ok()) return Fail("write", written);
    cold.push_back(MsSince(start));
    if (!(*built)->fingerprinted()) {
      fprintf(stderr, "fingerprint_bench: not fingerprinted: %s\n",
              (*built)->not_fingerprinted_reason().c_str());
      return 1;
    }
    functions = (*built)->functions().size();
    units = (*built)->units().size();
    start = Clock::now();
    auto loaded =
        itr::skipper::FunctionIndex::ReadFile(out, (*built)->build_id());
    if (!loaded.ok()) return Fail("read", loaded.status());
    cached.push_back(MsSince(start));
  }
  printf("functions %zu\nunits %zu\nelf_mb %.1f\nindex_mb %.3f\n", functions,
         units, bytes / 1e6, ReadAll(out) / 1e6);
  printf("cold_ms %.1f\ncached_ms %.2f\nread_ms %.1f\n", Median(cold),
         Median(cached), Median(read));
  return 0;
}
