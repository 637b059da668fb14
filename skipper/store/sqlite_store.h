// The embedded impact store (store.h): one SQLite file, by default
// <repo>/.itr/itr.sqlite, shared by every test binary of the repository.
//
// Concurrency: WAL journal (planning reads never wait), IMMEDIATE write
// transactions and a generous wait for the write lock when recording, so
// `ctest -j8` processes queue instead of failing. One thread at
// a time per SqliteStore (the connection is opened without SQLite's per-call
// mutex; adapters use it from the runner thread only); separate processes
// and connections share the file safely.
#ifndef ITR_SKIPPER_STORE_SQLITE_STORE_H_
#define ITR_SKIPPER_STORE_SQLITE_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "skipper/base/diagnostics.h"
#include "skipper/store/store.h"

namespace itr::skipper {

class StatementCache;

struct SqliteStoreOptions {
  // Nothing is created, migrated or written (itr status, explain,
  // impacted).
  bool read_only = false;
  // How long opening and planning wait for a lock another process holds
  // (ITR_STORE_PLAN_WAIT_MS). Planning only reads, which WAL never blocks:
  // the wait only matters while a store is created or migrated.
  int plan_wait_ms = 5000;
  // How long each recording write waits for the write lock
  // (ITR_STORE_RECORD_WAIT_MS). After one such wait in vain, the store
  // records nothing more in this process (a run never waits twice).
  int record_wait_ms = 60000;
  // Stores up to this size are checked with PRAGMA quick_check when opened
  // (about 1 ms per MiB once cached, more when cold: a fixed cost of every
  // test process); larger ones are checked by every read instead (any
  // damage met is the same DataLoss).
  int64_t quick_check_max_bytes = 8 << 20;
};

class SqliteStore : public Store {
 public:
  static constexpr int kSchemaVersion = 5;

  // Opens (creating it and its directory if needed) and migrates. Only a
  // missing or empty file, or an itr-cpp store, is opened. Errors:
  // DataLoss (damaged: not a database in its .itr directory, fails
  // quick_check), FailedPrecondition (another program's file, not a regular
  // file, or written by a newer itr-cpp: left alone), Unavailable (cannot
  // open or write, locked), NotFound (read_only and no store yet).
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, const SqliteStoreOptions& options = {});

  // Open, and a damaged store is moved aside and rebuilt, with one warning
  // naming where it went.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> OpenOrRebuild(
      const std::string& path, const SqliteStoreOptions& options,
      Diagnostics& diagnostics);

  // Moves a corrupt store aside (store_file.h MoveStoreAside: <path>.corrupt-
  // <time>-<pid>[-n], never over another) and opens a new one in its place.
  // The old file is kept for inspection; *aside (optional) is its name.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> RecreateCorrupt(
      const std::string& path, const SqliteStoreOptions& options = {},
      std::string* aside = nullptr);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  const std::string& location() const override { return path_; }

  absl::Status BeginSnapshot() override;
  void EndSnapshot() override;
  absl::StatusOr<std::vector<TestRecord>> LoadTests(
      const std::string& module, const std::string& configuration) override;
  absl::StatusOr<PlanningRecords> LoadPlanningRecords(
      const std::string& module, const std::string& configuration,
      size_t expected) override;
  absl::StatusOr<std::vector<StoredFingerprint>> LoadFingerprints(
      bool functions) override;
  absl::StatusOr<Dependents> TestsDependingOn(
      const std::vector<int64_t>& ids) override;
  absl::StatusOr<Dependents> RunsDependingOn(
      const std::vector<int64_t>& ids) override;
  absl::StatusOr<std::vector<int64_t>> TestFunctions(int64_t test_id) override;
  absl::StatusOr<std::vector<int64_t>> RunFunctions(int64_t run_id) override;
  absl::StatusOr<DependencySet> TestDependencies(int64_t test_id) override;
  absl::StatusOr<DependencySet> RunDependencies(int64_t run_id) override;
  absl::StatusOr<std::map<std::string, std::string>> ObjectPaths(
      const std::string& module) override;
  absl::StatusOr<std::unordered_map<std::string, StatEntry>> LoadStatCache()
      override;

  absl::StatusOr<int64_t> BeginRun(const std::string& module,
                                   const std::string& configuration) override;
  absl::Status SetRunDependencies(int64_t run_id, const DependencySet& deps,
                                  bool finished) override;
  using Store::MarkStarted;
  absl::Status MarkStarted(const std::string& module,
                           const std::string& configuration,
                           const std::vector<TestIdentity>& tests,
                           int64_t run_id) override;
  absl::Status RecordResults(const std::string& module,
                             const std::string& configuration, int64_t run_id,
                             const std::vector<TestResult>& results) override;
  absl::Status RecordSkips(int64_t run_id,
                           const std::vector<int64_t>& test_ids) override;
  absl::Status SetObjectPaths(
      const std::string& module,
      const std::map<std::string, std::string>& paths) override;
  absl::Status SaveStatCache(
      const std::unordered_map<std::string, StatEntry>& entries) override;

  absl::StatusOr<std::vector<RunSummary>> RunHistory() override;
  absl::StatusOr<std::vector<RunTest>> RunTests(int64_t run_id) override;
  absl::Status SetTestLines(int64_t test_id, int64_t run_id,
                            absl::string_view lines) override;
  absl::StatusOr<std::string> TestLines(int64_t test_id,
                                        int64_t run_id) override;

  absl::StatusOr<std::string> SharedShardPlan(
      const std::string& key, const std::string& proposed) override;

  absl::StatusOr<Summary> Summarize() override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Modules()
      override;
  absl::Status Reset() override;
  absl::StatusOr<int64_t> CollectGarbage() override;
  absl::Status Checkpoint() override;

 private:
  class WriteTransaction;
  // A run BeginRun announced; its row is written with its first record, so
  // that planning never needs the write lock.
  struct AnnouncedRun {
    std::string module;
    std::string configuration;
    int64_t id = 0;  // its row, 0 until written
  };

  SqliteStore(std::string path, const SqliteStoreOptions& options);
  // Opens the connection, creates or migrates the schema, checks the file.
  absl::Status Connect();
  absl::Status CheckReadOnlyVersion();
  absl::Status QuickCheck();
  // Before every snapshot and write: a store found damaged since is moved
  // aside and replaced by a new one; after a lock wait in vain, the error.
  absl::Status Usable();
  absl::Status Rebuild();
  void Disconnect();
  // The row of a run BeginRun returned `announced` for, written now if
  // needed (inside a write transaction).
  absl::StatusOr<int64_t> RunRow(int64_t announced);
  absl::StatusOr<absl::flat_hash_set<int64_t>> FinishedRuns(
      const std::string& module, const std::string& configuration);
  absl::Status Migrate();
  // `what` names the operation in an error.
  absl::Status Exec(const char* sql, absl::string_view what);
  // `probably_new`: insert first (every known one is cached).
  absl::StatusOr<int64_t> FingerprintId(const Dependency& dep,
                                        bool probably_new = false);
  absl::Status LoadFunctionIds();
  // Returns `written`; on an error, forgets the cached fingerprint ids.
  absl::Status KeepingIdsValid(absl::Status written);
  absl::Status WriteRunDependencies(int64_t run_id, const DependencySet& deps,
                                    bool finished);
  absl::Status WriteResults(const std::string& module,
                            const std::string& configuration, int64_t run_id,
                            const std::vector<TestResult>& results);
  absl::StatusOr<std::string> PreviousRecordReason(
      const std::string& module, const std::string& configuration,
      const TestIdentity& test);
  absl::StatusOr<std::string> ChangedDependency(int64_t id,
                                                const DependencySet& deps,
                                                absl::string_view functions);
  absl::Status RecordInHistory(int64_t id, const TestIdentity& test,
                               int64_t run_id, const char* status,
                               const Result& result, const DependencySet& deps,
                               absl::string_view functions);
  // The blob of a test's or run's functions.
  absl::StatusOr<std::string> FunctionSet(
      const std::vector<Dependency>& functions,
      const std::vector<const Dependency*>& interned);
  absl::StatusOr<int64_t> FunctionId(const Dependency& dep);
  absl::Status LinkCoarse(const char* clear_sql, const char* link_sql,
                          int64_t owner, const std::vector<Dependency>& deps);
  absl::StatusOr<int64_t> UpsertTest(const std::string& module,
                                     const std::string& configuration,
                                     const TestIdentity& test, int64_t run_id,
                                     const char* status);
  absl::StatusOr<DependencySet> DependenciesOf(const char* coarse_sql,
                                               const char* functions_sql,
                                               int64_t id);

  sqlite3* db_ = nullptr;
  std::string path_;
  SqliteStoreOptions options_;
  std::unique_ptr<StatementCache> statements_;
  absl::Status lock_error_;  // a recording write that waited in vain
  bool recording_ = false;   // the busy timeout is the recording wait
  absl::flat_hash_map<int64_t, AnnouncedRun> runs_;  // by announced id
  // (kind, key, fingerprint) -> id of the fingerprints this connection
  // wrote or found: a run links the same functions test after test.
  // "<key>\0<fingerprint>" of function fingerprints -> id; all of them
  // once LoadFunctionIds ran.
  absl::flat_hash_map<std::string, int64_t> fingerprint_ids_;
  bool function_ids_loaded_ = false;
  absl::flat_hash_map<const Dependency*, int64_t> interned_ids_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_SQLITE_STORE_H_
