// The embedded impact store: one SQLite file (default <repo>/.itr/itr.sqlite)
// shared by every test binary of the repository.
//
// Model (schema version kSchemaVersion, migrated in place):
//   runs               one row per test-binary process: module, configuration,
//                      finished_at (NULL until the process ended normally)
//   tests              latest record per (module, configuration, test key)
//   fingerprints       (kind, key, fingerprint) triples: "file" deps today;
//                      include-graph, data-file, env and flag kinds later
//   test_dependencies  test -> fingerprint, of the test's latest record
//   run_dependencies   run -> fingerprint: the session coverage of that run
//   stat_cache         path -> stat + fingerprint, to avoid re-hashing
//
// Concurrency: WAL journal, IMMEDIATE write transactions and a generous busy
// timeout, so `ctest -j8` processes queue instead of failing. Durability: a
// test's record is committed when it ends.
#ifndef ITR_SKIPPER_STORE_LOCAL_STORE_H_
#define ITR_SKIPPER_STORE_LOCAL_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/model/dependency.h"
#include "skipper/model/test_identity.h"
#include "skipper/model/test_outcome.h"

namespace itr::skipper {

class StatementCache;

struct StoredFingerprint {
  int64_t id;
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

// One thread at a time per LocalStore (the connection is opened without
// SQLite's per-call mutex; adapters use it from the runner thread only).
// Separate processes and connections share the file safely (WAL).
class LocalStore {
 public:
  static constexpr int kSchemaVersion = 1;

  // Opens (creating it and its directory if needed) and migrates. Errors:
  // DataLoss (not a database / corrupt), FailedPrecondition (written by a
  // newer itr-cpp: left alone), Unavailable (cannot open or write).
  static absl::StatusOr<std::unique_ptr<LocalStore>> Open(
      const std::string& path);

  // Moves a corrupt store aside (<path>.corrupt-<unix time>) and opens a new
  // one in its place. The old file is kept for inspection.
  static absl::StatusOr<std::unique_ptr<LocalStore>> RecreateCorrupt(
      const std::string& path);

  ~LocalStore();
  LocalStore(const LocalStore&) = delete;
  LocalStore& operator=(const LocalStore&) = delete;

  // --- planning ---
  // Holds a read transaction: the reads made meanwhile see one snapshot.
  class ReadSnapshot {
   public:
    explicit ReadSnapshot(LocalStore* store);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    const absl::Status& status() const { return status_; }

   private:
    LocalStore* store_;
    absl::Status status_;
  };

  absl::StatusOr<std::vector<TestRecord>> LoadTests(
      const std::string& module, const std::string& configuration);
  // The same records for planning (PlanningRecords); `expected` is a
  // capacity hint (the number of tests about to be planned).
  absl::StatusOr<PlanningRecords> LoadPlanningRecords(
      const std::string& module, const std::string& configuration,
      size_t expected);
  absl::StatusOr<std::vector<StoredFingerprint>> LoadFingerprints();
  // (test or run id, fingerprint id) for the tests (resp. runs) whose
  // dependencies include any of the fingerprint `ids`.
  using Dependents = std::vector<std::pair<int64_t, int64_t>>;
  absl::StatusOr<Dependents> TestsDependingOn(const std::vector<int64_t>& ids);
  absl::StatusOr<Dependents> RunsDependingOn(const std::vector<int64_t>& ids);
  absl::StatusOr<std::vector<Dependency>> TestDependencies(int64_t test_id);
  absl::StatusOr<std::vector<Dependency>> RunDependencies(int64_t run_id);
  absl::StatusOr<std::unordered_map<std::string, StatEntry>> LoadStatCache();
  absl::Status SaveStatCache(
      const std::unordered_map<std::string, StatEntry>& entries);

  // --- recording ---
  absl::StatusOr<int64_t> BeginRun(const std::string& module,
                                   const std::string& configuration);
  // Replaces the run's session dependencies; `finished` closes the run.
  absl::Status SetRunDependencies(int64_t run_id,
                                  const std::vector<Dependency>& deps,
                                  bool finished);
  // The test started: until it ends, its record says "running" (a crash
  // leaves it so, and it runs next time).
  absl::Status MarkStarted(const std::string& module,
                           const std::string& configuration,
                           const TestIdentity& test, int64_t run_id);
  absl::Status RecordResult(const std::string& module,
                            const std::string& configuration,
                            const TestIdentity& test, int64_t run_id,
                            TestOutcome outcome, double duration_ms,
                            bool coverage_complete, bool forced,
                            const std::vector<Dependency>& deps);
  // Counts skips and the time they saved (the last duration of each test).
  absl::Status RecordSkips(const std::vector<int64_t>& test_ids);

  // --- maintenance ---
  struct Summary {
    int64_t tests = 0, passed = 0, failed = 0, running = 0, runs = 0;
    int64_t skips = 0;
    double saved_ms = 0;
  };
  absl::StatusOr<Summary> Summarize();
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Modules();
  absl::Status Reset();
  // Deletes runs no test refers to any more (finished, or started over a day
  // ago and never finished), their session dependencies, and fingerprints
  // nothing refers to. Returns rows deleted.
  absl::StatusOr<int64_t> CollectGarbage();

  const std::string& path() const { return path_; }

 private:
  LocalStore(sqlite3* db, std::string path);
  absl::StatusOr<absl::flat_hash_set<int64_t>> FinishedRuns(
      const std::string& module, const std::string& configuration);

  absl::Status Migrate();
  absl::Status Exec(const char* sql);
  absl::StatusOr<int64_t> FingerprintId(const Dependency& dep);
  absl::StatusOr<int64_t> UpsertTest(const std::string& module,
                                     const std::string& configuration,
                                     const TestIdentity& test, int64_t run_id,
                                     const char* status);

  sqlite3* db_;
  std::string path_;
  std::unique_ptr<StatementCache> statements_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_LOCAL_STORE_H_
