// The impact store: what every test of every module recorded under every
// configuration, and the fingerprints of what it depended on. One interface,
// engines behind it (sqlite_store.h: the embedded default, one file per
// repository; postgres_store.h: one database shared by a CI fleet), chosen
// by ITR_STORE (skipper/backend/open_store.h).
//
// Model:
//   runs          one per test-binary process (or `itr ctest` run): module,
//                 configuration, finished (only a cleanly finished run's
//                 records are trusted), and the dependencies of its code
//                 outside tests (DependencySet)
//   tests         the latest record per (module, configuration, test key):
//                 status, duration, coverage complete, run, and its
//                 DependencySet
//   fingerprints  (kind, key, fingerprint) triples, shared by every record
//                 that depends on them
//   objects       per module, where each object (executable, library) was
//                 last seen, so that a planner outside the test process can
//                 find its function index
//   stat cache    path -> stat + file fingerprint, to avoid re-hashing
//   history       per run, each test that ran or was skipped and why it
//                 ran (`itr report`); per test record, the lines it
//                 executed when coverage reporting recorded them
//                 (`itr coverage`)
// Coarse dependencies are rows, looked up by fingerprint; function
// dependencies are stored per record as one compact set of fingerprint ids
// (dependency_blob.h), read only for records whose units changed.
//
// Durability: a test's start and its result are each committed when they
// happen, so a crash leaves the test "running" and it runs next time. A
// run's own row is written with its first record (BeginRun only announces
// it): planning reads, and never waits for another process's write lock.
#ifndef ITR_SKIPPER_STORE_STORE_H_
#define ITR_SKIPPER_STORE_STORE_H_

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/model/dependency.h"
#include "skipper/model/test_identity.h"
#include "skipper/model/test_outcome.h"

namespace itr::skipper {

struct StoredFingerprint {
  int64_t id = 0;
  Dependency dependency;
};

struct TestRecord {
  int64_t id = 0;
  std::string key;
  std::string status;  // "running", "passed", "failed", "skipped"
  double duration_ms = 0;
  bool coverage_complete = false;
  int64_t run_id = 0;
  bool run_finished = false;
  int64_t skips = 0;
  double saved_ms = 0;
};

// What planning reads of each test of a module, compactly: 100k of them
// are read per plan, so every byte per row is memory traffic.
struct PlanningRecords {
  struct Row {
    int64_t id = 0;
    int64_t run_id = 0;
    double duration_ms = 0;
    uint32_t key_offset = 0;  // into `keys`
    uint32_t key_size = 0;
    // "running", "passed", "failed", "skipped" (static strings), or
    // "unknown" for anything else.
    absl::string_view status;
    bool coverage_complete = false;
    bool run_finished = false;
  };
  std::string keys;  // every row's key, back to back
  std::vector<Row> rows;

  absl::string_view key(const Row& row) const {
    return absl::string_view(keys.data() + row.key_offset, row.key_size);
  }
};

class Store {
 public:
  virtual ~Store() = default;

  // Where the store is, for messages.
  virtual const std::string& location() const = 0;

  // --- planning ---
  // Reads between BeginSnapshot and EndSnapshot see one snapshot: another
  // process recording (or collecting garbage) cannot mix states.
  virtual absl::Status BeginSnapshot() = 0;
  virtual void EndSnapshot() = 0;
  class Snapshot {
   public:
    explicit Snapshot(Store* store) : store_(store) {
      status_ = store_->BeginSnapshot();
    }
    ~Snapshot() {
      if (status_.ok()) store_->EndSnapshot();
    }
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;
    const absl::Status& status() const { return status_; }

   private:
    Store* store_;
    absl::Status status_;
  };

  virtual absl::StatusOr<std::vector<TestRecord>> LoadTests(
      const std::string& module, const std::string& configuration) = 0;
  // The same records for planning; `expected` is a capacity hint.
  virtual absl::StatusOr<PlanningRecords> LoadPlanningRecords(
      const std::string& module, const std::string& configuration,
      size_t expected) = 0;
  // The fingerprints of function dependencies, or (`functions` false) of
  // every other kind: coarse ones, including kinds this itr-cpp does not
  // know (which then read as changed).
  virtual absl::StatusOr<std::vector<StoredFingerprint>> LoadFingerprints(
      bool functions) = 0;
  // (test or run id, fingerprint id) for the tests (resp. runs) whose
  // coarse dependencies include any of the fingerprint `ids`.
  using Dependents = std::vector<std::pair<int64_t, int64_t>>;
  virtual absl::StatusOr<Dependents> TestsDependingOn(
      const std::vector<int64_t>& ids) = 0;
  virtual absl::StatusOr<Dependents> RunsDependingOn(
      const std::vector<int64_t>& ids) = 0;
  // A record's function dependencies, as fingerprint ids.
  virtual absl::StatusOr<std::vector<int64_t>> TestFunctions(
      int64_t test_id) = 0;
  virtual absl::StatusOr<std::vector<int64_t>> RunFunctions(int64_t run_id) = 0;
  // A record's whole dependency set, for `itr explain`.
  virtual absl::StatusOr<DependencySet> TestDependencies(int64_t test_id) = 0;
  virtual absl::StatusOr<DependencySet> RunDependencies(int64_t run_id) = 0;
  // Object name -> where the module's processes last saw it.
  virtual absl::StatusOr<std::map<std::string, std::string>> ObjectPaths(
      const std::string& module) = 0;
  virtual absl::StatusOr<std::unordered_map<std::string, StatEntry>>
  LoadStatCache() = 0;

  // --- recording ---
  virtual absl::StatusOr<int64_t> BeginRun(
      const std::string& module, const std::string& configuration) = 0;
  // Replaces the dependencies of the run's code outside tests; `finished`
  // closes the run (cleanly).
  virtual absl::Status SetRunDependencies(int64_t run_id,
                                          const DependencySet& deps,
                                          bool finished) = 0;
  // Until they end, the tests' records say "running" (a crash leaves them
  // so, and they run next time). One transaction.
  virtual absl::Status MarkStarted(const std::string& module,
                                   const std::string& configuration,
                                   const std::vector<TestIdentity>& tests,
                                   int64_t run_id) = 0;
  absl::Status MarkStarted(const std::string& module,
                           const std::string& configuration,
                           const TestIdentity& test, int64_t run_id) {
    return MarkStarted(module, configuration, std::vector<TestIdentity>{test},
                       run_id);
  }
  struct Result {
    TestOutcome outcome = TestOutcome::kPassed;
    double duration_ms = 0;
    bool coverage_complete = false;
    bool forced = false;
  };
  struct TestResult {
    TestIdentity test;
    Result result;
    DependencySet deps;
    // More functions, as dependencies the caller keeps (interned: one
    // object per function for the life of the store): the store caches
    // their ids by address, so a run of many tests sharing functions
    // copies and hashes no string per test.
    std::vector<const Dependency*> interned_functions;
  };
  // One transaction for all of them.
  virtual absl::Status RecordResults(
      const std::string& module, const std::string& configuration,
      int64_t run_id, const std::vector<TestResult>& results) = 0;
  absl::Status RecordResult(const std::string& module,
                            const std::string& configuration,
                            const TestIdentity& test, int64_t run_id,
                            const Result& result, const DependencySet& deps) {
    return RecordResults(module, configuration, run_id,
                         {TestResult{test, result, deps, {}}});
  }
  // Counts skips and the time they saved (the last duration of each test),
  // and lists them in `run_id`'s history.
  virtual absl::Status RecordSkips(int64_t run_id,
                                   const std::vector<int64_t>& test_ids) = 0;
  virtual absl::Status SetObjectPaths(
      const std::string& module,
      const std::map<std::string, std::string>& paths) = 0;
  virtual absl::Status SaveStatCache(
      const std::unordered_map<std::string, StatEntry>& entries) = 0;

  // --- history (`itr report`) and per-test lines (`itr coverage`) ---
  struct RunSummary {
    int64_t run_id = 0;
    std::string module, configuration;
    int64_t started_at = 0;  // seconds since the epoch
    int64_t ran = 0, skipped = 0, forced = 0, failed = 0;
    double saved_ms = 0;  // the last durations of the tests it skipped
  };
  // The latest runs, oldest first.
  virtual absl::StatusOr<std::vector<RunSummary>> RunHistory() = 0;
  struct RunTest {
    std::string key;
    // "passed", "failed", "skipped" (by the framework), "running" (never
    // ended), "itr_skipped"
    std::string outcome;
    // Why it ran: "new test", "failed last time", "changed: <key>",
    // "unskippable", …; "unchanged" for a skip; "" when nothing recorded
    // made it run (collect-only, a filter, ITR off for its previous run).
    std::string reason;
    bool forced = false;
    double duration_ms = 0;
  };
  virtual absl::StatusOr<std::vector<RunTest>> RunTests(int64_t run_id) = 0;
  // The lines test record `test_id` of run `run_id` executed (an opaque
  // blob: skipper/reports/line_coverage.h), replacing older ones.
  virtual absl::Status SetTestLines(int64_t test_id, int64_t run_id,
                                    absl::string_view lines) = 0;
  // The lines stored for that record; NotFound when none were stored for
  // it (then they may belong to an older record of the test).
  virtual absl::StatusOr<std::string> TestLines(int64_t test_id,
                                                int64_t run_id) = 0;

  // --- balanced shards ---
  // The partition of one sharded run (decision/shard_partition.h), shared
  // by its shards: stores `proposed` under `key` unless a plan is there
  // already, and returns the stored one, so that every shard of the run gets
  // the first shard's plan. Marks it used now: CollectGarbage removes plans
  // unused for kShardPlanRetentionSeconds.
  virtual absl::StatusOr<std::string> SharedShardPlan(
      const std::string& key, const std::string& proposed) = 0;
  static constexpr int64_t kShardPlanRetentionSeconds = 7 * 86400;

  // --- maintenance ---
  struct Summary {
    int64_t tests = 0, passed = 0, failed = 0, running = 0, runs = 0;
    int64_t skips = 0;
    double saved_ms = 0;
  };
  virtual absl::StatusOr<Summary> Summarize() = 0;
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  Modules() = 0;
  virtual absl::Status Reset() = 0;
  // Deletes runs no test refers to any more (finished, or started over a
  // day ago and never finished), their dependencies, and fingerprints
  // nothing refers to, shard plans unused for kShardPlanRetentionSeconds.
  // Returns rows deleted. Never changes a decision.
  virtual absl::StatusOr<int64_t> CollectGarbage() = 0;
  // At the end of a run: everything recorded goes into the store's main
  // file, so that copying that file alone (a CI cache) keeps it all. A
  // store another process is using at that moment is left to it.
  virtual absl::Status Checkpoint() = 0;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_STORE_H_
