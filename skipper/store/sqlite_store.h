// The embedded impact store (store.h): one SQLite file, by default
// <repo>/.itr/itr.sqlite, shared by every test binary of the repository.
//
// Concurrency: WAL journal, IMMEDIATE write transactions and a generous busy
// timeout, so `ctest -j8` processes queue instead of failing. One thread at
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
#include "skipper/store/store.h"

namespace itr::skipper {

class StatementCache;

class SqliteStore : public Store {
 public:
  static constexpr int kSchemaVersion = 3;

  // Opens (creating it and its directory if needed) and migrates. Errors:
  // DataLoss (not a database / corrupt), FailedPrecondition (written by a
  // newer itr-cpp: left alone), Unavailable (cannot open or write).
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path);

  // Moves a corrupt store aside (<path>.corrupt-<unix time>) and opens a new
  // one in its place. The old file is kept for inspection.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> RecreateCorrupt(
      const std::string& path);

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

  absl::StatusOr<Summary> Summarize() override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Modules()
      override;
  absl::Status Reset() override;
  absl::StatusOr<int64_t> CollectGarbage() override;

 private:
  SqliteStore(sqlite3* db, std::string path);
  absl::StatusOr<absl::flat_hash_set<int64_t>> FinishedRuns(
      const std::string& module, const std::string& configuration);
  absl::Status Migrate();
  absl::Status Exec(const char* sql);
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

  sqlite3* db_;
  std::string path_;
  std::unique_ptr<StatementCache> statements_;
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
