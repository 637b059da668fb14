// Function-level planning at scale (issue 10):
//   decide_ms.100k.functions     plan for 100,000 recorded tests that each
//                                executed 300 functions (30 in each of 10
//                                translation units) of a real binary of
//                                50,000 functions in 500 units, one of
//                                those functions edited since: the tests
//                                depending on its unit are checked function
//                                by function
//   store_mb.100k.functions      the store's size after recording them
//   record_us.per_test.functions persisting one such test
// Baseline, same run: decide.functions.load_rows_ms, reading the 100,000
// test records alone.
//
//   decide_functions_bench <fixture binary> <work dir> [tests]
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_stats.h"
#include "skipper/backend/local_state.h"
#include "skipper/backend/object_indexes.h"
#include "skipper/config/settings.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/index/function_index.h"
#include "skipper/store/sqlite_store.h"

namespace {

using namespace itr::skipper;
using itr::bench::Clock;
using itr::bench::Median;
using itr::bench::MsSince;

constexpr size_t kUnitsPerTest = 10;
constexpr size_t kFunctionsPerUnit = 30;

[[noreturn]] void Fail(const std::string& what) {
  itr::bench::Fail("decide_functions_bench", what);
}

// The generated units (functions_<n>.c) and their functions.
struct Units {
  std::vector<uint32_t> ids;                     // index units
  std::vector<std::vector<uint32_t>> functions;  // per entry of ids
};

Units GeneratedUnits(const FunctionIndex& index) {
  std::vector<std::vector<uint32_t>> by_unit(index.units().size());
  for (uint32_t f = 0; f < index.functions().size(); ++f) {
    by_unit[index.functions()[f].unit].push_back(f);
  }
  Units units;
  for (uint32_t u = 0; u < by_unit.size(); ++u) {
    if (index.String(index.units()[u].name).find("functions_") ==
            absl::string_view::npos ||
        by_unit[u].size() < kFunctionsPerUnit) {
      continue;
    }
    units.ids.push_back(u);
    units.functions.push_back(std::move(by_unit[u]));
  }
  return units;
}

// What test `i` executed: 30 functions in each of 10 units, spread
// deterministically. Its dependencies as the local backend records them;
// the edited function and its unit with the fingerprints they had before.
DependencySet TestDependencies(size_t i, const std::string& object,
                               const FunctionIndex& index, const Units& units,
                               uint32_t edited, bool* uses_edited) {
  DependencySet deps;
  *uses_edited = false;
  for (size_t k = 0; k < kUnitsPerTest; ++k) {
    size_t u = (i * 7 + k * 53) % units.ids.size();
    const std::vector<uint32_t>& functions = units.functions[u];
    bool stale_unit = false;
    for (size_t j = 0; j < kFunctionsPerUnit; ++j) {
      uint32_t f = functions[(i * 13 + j * 3) % functions.size()];
      std::string fingerprint = index.functions()[f].fingerprint.Hex();
      if (f == edited) {
        fingerprint = "before-the-edit";
        *uses_edited = true;
      }
      stale_unit |= index.functions()[f].unit == index.functions()[edited].unit;
      deps.functions.push_back({kFunctionDependency,
                                ObjectIndexes::FunctionKey(object, index, f),
                                fingerprint});
    }
    deps.coarse.push_back(
        {kUnitDependency, ObjectIndexes::UnitKey(object, index, units.ids[u]),
         stale_unit ? std::string("before-the-edit")
                    : index.units()[units.ids[u]].fingerprint.Hex()});
  }
  return deps;
}

double FileMb(const std::filesystem::path& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<double>(size) / (1 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    Fail("usage: decide_functions_bench <fixture binary> <work dir> [tests]");
  }
  namespace fs = std::filesystem;
  std::string elf = argv[1];
  fs::path work = argv[2];
  size_t tests = argc > 3 ? strtoul(argv[3], nullptr, 10) : 100000;
  fs::remove_all(work);
  fs::create_directories(work / "repo");

  // The index the post-link step writes beside the binary.
  auto built = FunctionIndex::Build(elf, elf + ".itr.map");
  if (!built.ok()) Fail(std::string(built.status().message()));
  if (!(*built)->fingerprinted()) Fail("the fixture is not fingerprinted");
  if (!(*built)->WriteFile(elf + ".itridx").ok()) Fail("write the index");
  const FunctionIndex& index = **built;
  Units units = GeneratedUnits(index);
  if (units.ids.size() < kUnitsPerTest) Fail("too few generated units");
  std::string object = ObjectIndexes::ObjectName(elf);
  uint32_t edited = units.functions[0][0];

  std::string store_path = (work / "itr.sqlite").string();
  auto store = SqliteStore::Open(store_path);
  if (!store.ok()) Fail(std::string(store.status().message()));
  auto run = (*store)->BeginRun("bench_tests", "config");
  if (!run.ok()) Fail(std::string(run.status().message()));
  std::vector<PlannedTest> planned(tests);
  std::vector<double> record_us;
  size_t expected_to_run = 0;
  for (size_t i = 0; i < tests; ++i) {
    planned[i].identity = {"bench_tests",
                           "Suite" + std::to_string(i / 100),
                           "Case" + std::to_string(i % 100),
                           "",
                           "",
                           0};
    bool uses_edited = false;
    DependencySet deps =
        TestDependencies(i, object, index, units, edited, &uses_edited);
    expected_to_run += uses_edited;
    Clock::time_point start = Clock::now();
    absl::Status status = (*store)->RecordResult(
        "bench_tests", "config", planned[i].identity, *run,
        Store::Result{TestOutcome::kPassed, 1.0, true, false}, deps);
    if (i < 2000) record_us.push_back(MsSince(start) * 1000);
    if (!status.ok()) Fail(std::string(status.message()));
  }
  if (!(*store)->SetRunDependencies(*run, DependencySet{}, true).ok()) {
    Fail("finish the run");
  }
  if (!(*store)->SetObjectPaths("bench_tests", {{object, elf}}).ok()) {
    Fail("object paths");
  }
  // Plans happen in the next test process, after the recording one closed
  // the store (which checkpoints its write-ahead log): reopen, as it would.
  store->reset();
  double store_mb = FileMb(store_path) + FileMb(store_path + "-wal");
  store = SqliteStore::Open(store_path);
  if (!store.ok()) Fail(std::string(store.status().message()));

  Settings settings;
  std::vector<double> plans, rows;
  size_t ran = 0;
  for (int round = 0; round < 3; ++round) {
    Clock::time_point start = Clock::now();
    auto records =
        (*store)->LoadPlanningRecords("bench_tests", "config", tests);
    rows.push_back(MsSince(start));
    if (!records.ok() || records->rows.size() != tests) Fail("records");

    // What a test process does: its object's index (the side file), then
    // the plan.
    start = Clock::now();
    IndexLocation location;
    location.build_missing = false;
    ObjectIndexes objects(location);
    objects.KnowPath(elf, index.build_id());
    FileFingerprinter files((work / "repo").string());
    LocalState state(&files, &objects, ::getenv, kNoBuildTime);
    auto plan = SkipPlanner(store->get(), &state)
                    .Plan("bench_tests", "config", planned, settings);
    plans.push_back(MsSince(start));
    if (!plan.ok()) Fail(std::string(plan.status().message()));
    ran = std::count_if(plan->begin(), plan->end(),
                        [](const TestDecision& d) { return !d.skip; });
  }
  if (ran != expected_to_run) {
    Fail("expected exactly the " + std::to_string(expected_to_run) +
         " tests that executed the edited function to run, not " +
         std::to_string(ran));
  }
  std::string label = tests == 100000 ? "100k" : std::to_string(tests);
  printf("BENCH decide.functions.tests_run %zu tests\n", ran);
  printf("BENCH decide_ms.%s.functions %.1f ms\n", label.c_str(),
         Median(plans));
  printf("BENCH decide.functions.load_rows_ms %.1f ms\n", Median(rows));
  printf("BENCH decide_ratio.%s.functions %.2f x\n", label.c_str(),
         Median(plans) / Median(rows));
  printf("BENCH store_mb.%s.functions %.1f MB\n", label.c_str(), store_mb);
  printf("BENCH record_us.per_test.functions %.1f us\n", Median(record_us));
  fs::remove_all(work);
  return 0;
}
