// The shared PostgreSQL store's costs, on a real local server:
//   decide_ms.100k.pg          plan for 100,000 recorded tests of 20 files
//                              each, files unchanged, stat cache warm (the
//                              SQLite figure is decide_ms.100k)
//   record_us.per_test.pg      persisting one test's start and result, as a
//                              test process does: batches of 256 (wall
//                              time of all batches / tests)
//   record_throughput.pg.16    tests recorded per second by 16 concurrent
//                              writers (own connections, one process),
//                              each 4,096 tests in batches of 256
//
//   decide_pg_bench <conninfo> <work dir> [tests] [files]
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench_stats.h"
#include "skipper/backend/local_state.h"
#include "skipper/config/settings.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/store/postgres_store.h"

namespace {

using namespace itr::skipper;
using itr::bench::Clock;
using itr::bench::Median;
using itr::bench::MsSince;

constexpr size_t kBatch = 256;  // LocalBackend's results per write
constexpr size_t kFilesPerTest = 20;

[[noreturn]] void Fail(const std::string& what) {
  itr::bench::Fail("decide_pg_bench", what);
}

std::unique_ptr<PostgresStore> Open(const std::string& conninfo,
                                    const std::string& repository) {
  PostgresStoreOptions options;
  options.repository = repository;
  options.statement_timeout_ms = 120000;
  auto store = PostgresStore::Open(conninfo, options);
  if (!store.ok()) Fail(std::string(store.status().message()));
  return std::move(*store);
}

// Records `tests` passing tests of `module` as a test process does: each
// batch marked started, then its results written.
absl::Status Record(Store* store, const std::string& module,
                    const std::vector<TestIdentity>& tests,
                    const std::vector<Dependency>& all_deps) {
  auto run = store->BeginRun(module, "config");
  if (!run.ok()) return run.status();
  for (size_t first = 0; first < tests.size(); first += kBatch) {
    size_t end = std::min(tests.size(), first + kBatch);
    std::vector<TestIdentity> started(tests.begin() + first,
                                      tests.begin() + end);
    absl::Status status = store->MarkStarted(module, "config", started, *run);
    if (!status.ok()) return status;
    std::vector<Store::TestResult> results;
    for (size_t i = first; i < end; ++i) {
      Store::TestResult& r = results.emplace_back();
      r.test = tests[i];
      r.result = {TestOutcome::kPassed, 1.0, true, false};
      for (size_t k = 0; k < kFilesPerTest; ++k) {
        r.deps.coarse.push_back(all_deps[(i * 7 + k * 97) % all_deps.size()]);
      }
    }
    status = store->RecordResults(module, "config", *run, results);
    if (!status.ok()) return status;
  }
  DependencySet session;
  session.coarse = {all_deps[0], all_deps[1], all_deps[2]};
  return store->SetRunDependencies(*run, session, true);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    Fail("usage: decide_pg_bench <conninfo> <work dir> [tests] [files]");
  }
  namespace fs = std::filesystem;
  const std::string conninfo = argv[1];
  fs::path work = argv[2];
  size_t tests = argc > 3 ? strtoul(argv[3], nullptr, 10) : 100000;
  size_t files = argc > 4 ? strtoul(argv[4], nullptr, 10) : 2000;
  fs::remove_all(work);
  fs::path repo = work / "repo";
  fs::create_directories(repo / "src");
  std::vector<std::string> paths;
  for (size_t i = 0; i < files; ++i) {
    std::string path = "src/file_" + std::to_string(i) + ".cpp";
    paths.push_back(path);
    std::ofstream(repo / path)
        << "int f" << i << "() { return " << i << "; }\n";
    struct timespec past[2] = {{1600000000, 0}, {1600000000, 0}};
    utimensat(AT_FDCWD, (repo / path).c_str(), past, 0);
  }
  FileFingerprinter recorder(repo.string());
  std::vector<Dependency> all_deps;
  for (const std::string& path : paths) {
    all_deps.push_back(
        {kFileDependency, path, recorder.BuiltSource(path, kNoBuildTime)});
  }
  std::vector<PlannedTest> planned(tests);
  std::vector<TestIdentity> identities;
  for (size_t i = 0; i < tests; ++i) {
    planned[i].identity = {"bench_tests",
                           "Suite" + std::to_string(i / 100),
                           "Case" + std::to_string(i % 100),
                           "",
                           "",
                           0};
    identities.push_back(planned[i].identity);
  }

  // Recording, as one test process.
  auto store = Open(conninfo, "bench");
  if (!store->Reset().ok()) Fail("reset");
  Clock::time_point start = Clock::now();
  absl::Status recorded =
      Record(store.get(), "bench_tests", identities, all_deps);
  if (!recorded.ok()) Fail(std::string(recorded.message()));
  double record_ms = MsSince(start);
  if (!store->SaveStatCache(recorder.updated()).ok()) Fail("stat cache");
  store.reset();

  // Planning, in the next process.
  store = Open(conninfo, "bench");
  Settings settings;
  std::vector<double> warm;
  size_t skipped = 0;
  ObjectIndexes no_objects{IndexLocation{}};
  for (int round = 0; round < 3; ++round) {
    start = Clock::now();
    FileFingerprinter cached(repo.string());
    auto cache = store->LoadStatCache();
    if (!cache.ok()) Fail("load stat cache");
    for (const auto& [path, entry] : *cache) cached.Seed(path, entry);
    LocalState warm_state(&cached, &no_objects, ::getenv, kNoBuildTime);
    auto plan = SkipPlanner(store.get(), &warm_state)
                    .Plan("bench_tests", "config", planned, settings);
    warm.push_back(MsSince(start));
    if (!plan.ok()) Fail(std::string(plan.status().message()));
    skipped = std::count_if(plan->begin(), plan->end(),
                            [](const TestDecision& d) { return d.skip; });
  }
  if (skipped != tests) Fail("expected every unchanged test to be skippable");

  // 16 concurrent writers.
  constexpr int kWriters = 16;
  constexpr size_t kWriterTests = 4096;
  std::vector<absl::Status> statuses(kWriters);
  std::vector<std::thread> writers;
  start = Clock::now();
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto own = Open(conninfo, "bench-writers");
      std::vector<TestIdentity> mine;
      for (size_t i = 0; i < kWriterTests; ++i) {
        mine.push_back({"writer", absl::StrCat("Shard", w),
                        absl::StrCat("Case", i), "", "", 0});
      }
      statuses[w] = Record(own.get(), "writer", mine, all_deps);
    });
  }
  for (std::thread& t : writers) t.join();
  double writers_s = MsSince(start) / 1000;
  for (const absl::Status& s : statuses) {
    if (!s.ok()) Fail(std::string(s.message()));
  }
  std::string label = tests == 100000 ? "100k" : std::to_string(tests);
  printf("BENCH decide_ms.%s.pg %.1f ms\n", label.c_str(), Median(warm));
  printf("BENCH record_us.per_test.pg %.1f us\n", record_ms * 1000 / tests);
  printf("BENCH record_throughput.pg.16 %.0f tests/s\n",
         kWriters * kWriterTests / writers_s);
  store->Reset().IgnoreError();
  fs::remove_all(work);
  return 0;
}
