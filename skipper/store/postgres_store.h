// The shared impact store (store.h) on PostgreSQL: every CI runner, branch
// and parallel job of a fleet reads and writes one database, selected by
// ITR_STORE=postgresql://… (open_store.h). docs/store-postgresql.md tells
// how to set one up.
//
// Layout: the tables live in the schema "itr", created and migrated on
// first use under an advisory lock (many runners start at once), its
// version in itr.schema_version. Records are keyed by repository (several
// repositories and services share one database), module and
// configuration; fingerprints are content-addressed and shared by all.
//
// Concurrency: planning reads one REPEATABLE READ, READ ONLY snapshot;
// recording writes each batch (store.h: MarkStarted, RecordResults) in one
// transaction of a few statements, whatever its size. A deadlock or
// serialization failure retries the batch. Garbage collection takes an
// exclusive advisory lock that every write transaction shares, and steps
// aside when writers are active.
//
// Bounded waits: connecting waits at most connect_timeout_s, each
// statement at most its timeout (pg_connection.h); after one failure the
// store answers every later call with that error at once, so a test
// process fails open (every test runs) and never hangs.
#ifndef ITR_SKIPPER_STORE_POSTGRES_STORE_H_
#define ITR_SKIPPER_STORE_POSTGRES_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "skipper/store/pg_connection.h"
#include "skipper/store/store.h"

namespace itr::skipper {

struct PostgresStoreOptions {
  // Nothing is created, migrated or written; NotFound when the schema does
  // not exist yet.
  bool read_only = false;
  // Records are keyed by it (ITR_STORE_REPOSITORY; by default the name of
  // the repository's root directory).
  std::string repository = "default";
  // Seconds to connect (libpq connect_timeout).
  int connect_timeout_s = 5;
  // Each statement's bound (server statement_timeout and lock_timeout, and
  // the client's own deadline plus a second).
  int statement_timeout_ms = 10000;
  // Records of tests neither run nor skipped for this many days (tests
  // deleted or renamed, configurations no longer built) are deleted by
  // CollectGarbage (ITR_STORE_RETENTION_DAYS; 0 keeps them). Such a test,
  // should it come back, runs once.
  int retention_days = 90;
  // Create or migrate the schema when it is missing or older (false: a
  // missing schema is NotFound, an older one FailedPrecondition; `itr
  // migrate` then creates it).
  bool migrate = true;
};

class PostgresStore : public Store {
 public:
  static constexpr int kSchemaVersion = 2;

  // Connects and (options.migrate) creates or migrates the schema.
  // Errors: Unavailable (cannot connect, refused, timed out),
  // FailedPrecondition (a newer schema), NotFound (read_only or !migrate
  // and no schema yet). Messages never quote a password.
  static absl::StatusOr<std::unique_ptr<PostgresStore>> Open(
      const std::string& conninfo, const PostgresStoreOptions& options = {});

  // Creates or migrates the schema (`itr migrate`); returns the version it
  // found.
  absl::StatusOr<int> Migrate();

  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  // The connection string without its password.
  const std::string& location() const override { return display_; }

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

  // Of this repository only (fingerprints are shared by all).
  absl::StatusOr<Summary> Summarize() override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Modules()
      override;
  absl::Status Reset() override;
  // store.h's policy, per repository (runs no record refers to; history of
  // its latest 500 runs), records older than retention_days, and
  // fingerprints no record of any repository refers to. Returns 0 at once
  // while another process writes.
  absl::StatusOr<int64_t> CollectGarbage() override;
  // Nothing to do: every commit is durable on the server.
  absl::Status Checkpoint() override { return absl::OkStatus(); }

 private:
  // A run BeginRun announced (its id reserved from the sequence); its row
  // is written with its first record.
  struct AnnouncedRun {
    std::string module;
    std::string configuration;
    bool written = false;
  };
  struct Previous;
  struct ResultRows;

  PostgresStore(std::unique_ptr<PgConnection> connection, std::string display,
                const PostgresStoreOptions& options);
  absl::StatusOr<int> SchemaVersion();
  absl::Status MigrateLocked(int version);
  absl::StatusOr<PgResult> Exec(absl::string_view sql,
                                const std::vector<PgParam>& params,
                                absl::string_view what) {
    return connection_->Exec(sql, params, what);
  }
  // Runs `body` in a write transaction, again after a deadlock or
  // serialization failure (up to 4 times).
  absl::Status InWriteTransaction(absl::FunctionRef<absl::Status()> body);
  absl::Status EnsureRunRow(int64_t run_id);
  // Fills `ids` (kind\0key\0fingerprint -> id) for `deps`, adding missing
  // fingerprints.
  absl::Status ResolveFingerprints(
      const std::vector<const Dependency*>& deps,
      absl::flat_hash_map<std::string, int64_t>* ids);
  absl::Status WriteResults(const std::string& module,
                            const std::string& configuration, int64_t run_id,
                            const std::vector<TestResult>& results);
  absl::StatusOr<std::map<std::string, Previous>> ReadPrevious(
      const std::string& module, const std::string& configuration,
      int64_t run_id, const std::vector<std::string>& keys);
  static absl::StatusOr<std::string> WhyItRan(const TestResult& r,
                                              const Previous& previous,
                                              absl::string_view set,
                                              int64_t* gone);
  absl::Status AddRow(const TestResult& r,
                      const absl::flat_hash_map<std::string, int64_t>& ids,
                      const std::map<std::string, Previous>& previous,
                      ResultRows* rows);
  absl::Status NameGoneFunctions(ResultRows* rows);
  absl::Status WriteRows(const std::string& module,
                         const std::string& configuration, int64_t run_id,
                         const std::vector<TestResult>& results,
                         const absl::flat_hash_map<std::string, int64_t>& ids,
                         const ResultRows& rows);
  absl::StatusOr<int64_t> DeleteExpiredRecords();
  absl::StatusOr<int64_t> DeleteUnusedFingerprints();
  absl::StatusOr<DependencySet> DependenciesOf(const char* coarse_sql,
                                               const char* functions_sql,
                                               int64_t id);
  absl::StatusOr<std::vector<int64_t>> FunctionIdsOf(const char* sql,
                                                     int64_t id);

  std::unique_ptr<PgConnection> connection_;
  std::string display_;
  PostgresStoreOptions options_;
  bool in_snapshot_ = false;
  std::map<int64_t, AnnouncedRun> runs_;
  // Runs whose rows the current write transaction wrote (unwritten again
  // if it rolls back).
  std::vector<int64_t> runs_written_now_;
  // kind\0key\0fingerprint -> id of function fingerprints met so far (a
  // collected one only makes a record read as changed); coarse ones are
  // resolved in the transaction that links them.
  absl::flat_hash_map<std::string, int64_t> function_ids_;
  absl::flat_hash_map<const Dependency*, int64_t> interned_ids_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_STORE_POSTGRES_STORE_H_
