// The skipper's costs on a large store:
//   decide_ms.100k       plan for 100,000 recorded tests of 20 files each,
//                        files unchanged, stat cache warm
//   decide_ms.100k.cold  the same without a stat cache (every file hashed)
//   record_us.per_test   persisting one test's result and its 20 files
// Baseline, same run: decide.load_rows_ms, reading the 100,000 test records
// alone (the floor of any plan that looks at every test).
//
//   decide_bench <work dir> [tests] [files]
// With DECIDE_BENCH_REUSE=1 the work dir is kept, and a store left there by
// an earlier run is planned again without re-recording (for profiling).
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_stats.h"
#include "skipper/backend/local_state.h"
#include "skipper/config/settings.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/store/sqlite_store.h"

namespace {

using namespace itr::skipper;
using itr::bench::Clock;
using itr::bench::Median;
using itr::bench::MsSince;

[[noreturn]] void Fail(const std::string& what) {
  itr::bench::Fail("decide_bench", what);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Fail("usage: decide_bench <work dir> [tests] [files]");
  namespace fs = std::filesystem;
  fs::path work = argv[1];
  size_t tests = argc > 2 ? strtoul(argv[2], nullptr, 10) : 100000;
  size_t files = argc > 3 ? strtoul(argv[3], nullptr, 10) : 2000;
  constexpr size_t kFilesPerTest = 20;
  const char* reuse_env = getenv("DECIDE_BENCH_REUSE");
  bool reuse = reuse_env != nullptr && std::string(reuse_env) == "1";
  bool reused = reuse && fs::exists(work / "itr.sqlite");
  if (!reused) fs::remove_all(work);
  fs::path repo = work / "repo";
  fs::create_directories(repo / "src");

  // Source files, dated in the past so the stat cache may trust them.
  std::vector<std::string> paths;
  for (size_t i = 0; i < files; ++i) {
    std::string path = "src/file_" + std::to_string(i) + ".cpp";
    paths.push_back(path);
    if (reused) continue;
    std::ofstream(repo / path)
        << "int f" << i << "() { return " << i << "; }\n";
    struct timespec past[2] = {{1600000000, 0}, {1600000000, 0}};
    utimensat(AT_FDCWD, (repo / path).c_str(), past, 0);
  }

  std::string store_path = (work / "itr.sqlite").string();
  auto store = SqliteStore::Open(store_path);
  if (!store.ok()) Fail(std::string(store.status().message()));
  FileFingerprinter recorder(repo.string());
  std::vector<Dependency> all_deps;
  for (const std::string& path : paths) {
    all_deps.push_back(
        {kFileDependency, path, recorder.BuiltSource(path, kNoBuildTime)});
  }
  std::vector<PlannedTest> planned(tests);
  for (size_t i = 0; i < tests; ++i) {
    planned[i].identity = {"bench_tests",
                           "Suite" + std::to_string(i / 100),
                           "Case" + std::to_string(i % 100),
                           "",
                           "",
                           0};
  }
  std::vector<double> record_us;
  if (!reused) {
    auto run = (*store)->BeginRun("bench_tests", "config");
    if (!run.ok()) Fail(std::string(run.status().message()));
    DependencySet deps;
    deps.coarse.resize(kFilesPerTest);
    for (size_t i = 0; i < tests; ++i) {
      for (size_t k = 0; k < kFilesPerTest; ++k) {
        deps.coarse[k] = all_deps[(i * 7 + k * 97) % files];
      }
      Clock::time_point start = Clock::now();
      absl::Status status = (*store)->RecordResult(
          "bench_tests", "config", planned[i].identity, *run,
          Store::Result{TestOutcome::kPassed, 1.0, true, false}, deps);
      if (i < 2000) record_us.push_back(MsSince(start) * 1000);
      if (!status.ok()) Fail(std::string(status.message()));
    }
    DependencySet session;
    session.coarse = {all_deps[0], all_deps[1], all_deps[2]};
    absl::Status finished = (*store)->SetRunDependencies(*run, session, true);
    if (!finished.ok()) Fail(std::string(finished.message()));
    if (!(*store)->SaveStatCache(recorder.updated()).ok()) Fail("stat cache");
  }
  // Plans happen in the next test process, after the recording one closed
  // the store (which checkpoints its write-ahead log): reopen, as it would.
  store->reset();
  store = SqliteStore::Open(store_path);
  if (!store.ok()) Fail(std::string(store.status().message()));

  Settings settings;
  std::vector<double> warm, cold, rows;
  size_t skipped = 0;
  for (int round = 0; round < 3; ++round) {
    Clock::time_point start = Clock::now();
    // The same lean read the planner makes.
    auto records =
        (*store)->LoadPlanningRecords("bench_tests", "config", tests);
    rows.push_back(MsSince(start));
    if (!records.ok() || records->rows.size() != tests) Fail("records");

    ObjectIndexes no_objects{IndexLocation{}};
    FileFingerprinter no_cache(repo.string());
    LocalState cold_state(&no_cache, &no_objects, ::getenv, kNoBuildTime);
    start = Clock::now();
    auto cold_plan = SkipPlanner(store->get(), &cold_state)
                         .Plan("bench_tests", "config", planned, settings);
    cold.push_back(MsSince(start));

    start = Clock::now();
    FileFingerprinter cached(repo.string());
    auto cache = (*store)->LoadStatCache();
    if (!cache.ok()) Fail("load stat cache");
    for (const auto& [path, entry] : *cache) cached.Seed(path, entry);
    LocalState warm_state(&cached, &no_objects, ::getenv, kNoBuildTime);
    auto warm_plan = SkipPlanner(store->get(), &warm_state)
                         .Plan("bench_tests", "config", planned, settings);
    warm.push_back(MsSince(start));
    if (!cold_plan.ok() || !warm_plan.ok()) Fail("plan");
    if (cached.hashed_files() != 0) Fail("the warm plan hashed files");
    skipped = std::count_if(warm_plan->begin(), warm_plan->end(),
                            [](const TestDecision& d) { return d.skip; });
  }
  if (skipped != tests) Fail("expected every unchanged test to be skippable");
  std::string label = tests == 100000 ? "100k" : std::to_string(tests);
  printf("BENCH decide_ms.%s %.1f ms\n", label.c_str(), Median(warm));
  printf("BENCH decide_ms.%s.cold %.1f ms\n", label.c_str(), Median(cold));
  printf("BENCH decide.load_rows_ms %.1f ms\n", Median(rows));
  printf("BENCH decide_ratio.%s %.2f x\n", label.c_str(),
         Median(warm) / Median(rows));
  if (!record_us.empty()) {
    printf("BENCH record_us.per_test %.1f us\n", Median(record_us));
  }
  if (!reuse) fs::remove_all(work);
  return 0;
}
