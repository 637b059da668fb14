#include "skipper/store/sqlite_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "skipper/base/status_macros.h"
#include "skipper/store/dependency_blob.h"
#include "skipper/store/sqlite_statement.h"
#include "skipper/store/store_file.h"

namespace itr::skipper {

namespace {

// Each entry migrates from version (index) to version (index + 1).
const char* const kMigrations[] = {
    // 0 -> 1
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused after a GC
  module TEXT NOT NULL,
  configuration TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE tests (
  id INTEGER PRIMARY KEY,
  module TEXT NOT NULL,
  configuration TEXT NOT NULL,
  test_key TEXT NOT NULL,
  suite TEXT NOT NULL,
  name TEXT NOT NULL,
  parameters TEXT NOT NULL DEFAULT '',
  source_file TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  duration_ms REAL NOT NULL DEFAULT 0,
  coverage_complete INTEGER NOT NULL DEFAULT 0,
  forced INTEGER NOT NULL DEFAULT 0,
  run_id INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  skips INTEGER NOT NULL DEFAULT 0,
  saved_ms REAL NOT NULL DEFAULT 0,
  UNIQUE (module, configuration, test_key)
);
-- Covers the planner's per-module read: no table lookup per test.
CREATE INDEX tests_for_planning ON tests (module, configuration, test_key,
  status, duration_ms, coverage_complete, run_id, skips, saved_ms, id);
CREATE TABLE fingerprints (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  UNIQUE (kind, key, fingerprint)
);
CREATE TABLE test_dependencies (
  test_id INTEGER NOT NULL,
  fingerprint_id INTEGER NOT NULL,
  PRIMARY KEY (test_id, fingerprint_id)
) WITHOUT ROWID;
CREATE INDEX test_dependencies_by_fingerprint
  ON test_dependencies (fingerprint_id, test_id);
CREATE TABLE run_dependencies (
  run_id INTEGER NOT NULL,
  fingerprint_id INTEGER NOT NULL,
  PRIMARY KEY (run_id, fingerprint_id)
) WITHOUT ROWID;
CREATE INDEX run_dependencies_by_fingerprint
  ON run_dependencies (fingerprint_id, run_id);
CREATE TABLE stat_cache (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  ctime_ns INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  fingerprint TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 1 -> 2: function-level dependencies. Records of version 1 keep their
    // file dependencies and are judged by the file rule, as before.
    R"sql(
ALTER TABLE tests ADD COLUMN functions BLOB;
ALTER TABLE runs ADD COLUMN functions BLOB;
CREATE TABLE objects (
  module TEXT NOT NULL,
  object TEXT NOT NULL,
  path TEXT NOT NULL,
  PRIMARY KEY (module, object)
) WITHOUT ROWID;
)sql",
    // 2 -> 3: history (`itr report`: each test of each run, and why it ran)
    // and per-test lines (`itr coverage`: a skipped test's lines from the
    // record that justified the skip).
    R"sql(
CREATE TABLE run_history (
  run_id INTEGER PRIMARY KEY,
  module TEXT NOT NULL,
  configuration TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
CREATE TABLE run_tests (
  run_id INTEGER NOT NULL,
  test_key TEXT NOT NULL,
  outcome TEXT NOT NULL,
  forced INTEGER NOT NULL DEFAULT 0,
  duration_ms REAL NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, test_key)
) WITHOUT ROWID;
CREATE TABLE test_lines (
  test_id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  lines BLOB NOT NULL
);
)sql",
    // 3 -> 4: configuration keys escape '%', ';' and '=' in their parts
    // (TestConfiguration::Key). A key of schema 3 or older with two or more
    // custom
    // entries ("a=1;b=2" is also {a: "1;b=2"}), or an entry holding '=' or
    // '%', may stand for several configurations: its records go, and those
    // tests run once more. Every other key reads as before. (The store's
    // application_id is set by Migrate from now on.)
    R"sql(
CREATE TEMP TABLE ambiguous_configurations AS
  WITH keys(configuration) AS (
    SELECT configuration FROM tests UNION SELECT configuration FROM runs),
  after_compiler(configuration, rest) AS (
    SELECT configuration,
      CASE WHEN instr(configuration, ';compiler=') = 0 THEN ''
      ELSE substr(configuration, instr(configuration, ';compiler=') + 10) END
    FROM keys),
  custom(configuration, entries) AS (
    SELECT configuration,
      CASE WHEN instr(rest, ';') = 0 THEN ''
      ELSE substr(rest, instr(rest, ';') + 1) END
    FROM after_compiler)
  SELECT configuration FROM custom
  WHERE instr(configuration, '%') > 0
    OR (entries != '' AND (instr(entries, ';') > 0
        OR length(entries) - length(replace(entries, '=', '')) != 1));
DELETE FROM test_dependencies WHERE test_id IN (SELECT id FROM tests
  WHERE configuration IN (SELECT configuration FROM ambiguous_configurations));
DELETE FROM tests
  WHERE configuration IN (SELECT configuration FROM ambiguous_configurations);
DELETE FROM run_dependencies WHERE run_id IN (SELECT id FROM runs
  WHERE configuration IN (SELECT configuration FROM ambiguous_configurations));
DELETE FROM runs
  WHERE configuration IN (SELECT configuration FROM ambiguous_configurations);
DROP TABLE ambiguous_configurations;
)sql",
    // 4 -> 5: the plans of balanced sharded runs (SharedShardPlan).
    R"sql(
CREATE TABLE shard_plans (
  key TEXT PRIMARY KEY,
  used_at INTEGER NOT NULL,
  plan TEXT NOT NULL
);
)sql",
};

// Runs whose history `itr report` keeps (per store).
constexpr int kHistoryRuns = 500;

static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              SqliteStore::kSchemaVersion);

// Tables every itr-cpp store has had since schema 1.
constexpr const char* kOwnTables[] = {"runs",
                                      "tests",
                                      "fingerprints",
                                      "test_dependencies",
                                      "run_dependencies",
                                      "stat_cache"};

int64_t NowSeconds() { return static_cast<int64_t>(time(nullptr)); }

void MakeDirectories(const std::string& file) {
  size_t slash = file.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  std::string dir = file.substr(0, slash);
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') mkdir(dir.substr(0, i).c_str(), 0755);
  }
  // The store's own directory ignores itself in git.
  if (dir.size() >= 5 && dir.compare(dir.size() - 5, 5, "/.itr") == 0) {
    std::string ignore = dir + "/.gitignore";
    if (access(ignore.c_str(), F_OK) != 0) std::ofstream(ignore) << "*\n";
  }
}

// A file name as an SQLite URI ("file:" + path, '%', '?' and '#' escaped).
std::string FileUri(const std::string& path, const char* parameters) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      absl::StrAppend(&uri, absl::StrFormat("%%%02X", c));
    } else {
      uri.push_back(c);
    }
  }
  return absl::StrCat(uri, "?", parameters);
}

// Whether an SQLite file without application id is an itr-cpp store of
// schema 1 or 2: read without locking and without creating anything beside
// it (immutable), then, when the file has a write-ahead log (which holds
// what is not in the main file yet), through the log.
bool IsUnmarkedStore(const std::string& path) {
  for (bool through_log : {false, true}) {
    if (through_log) {  // only when there is a log: nothing is created
      struct stat st {};
      if (stat((path + "-wal").c_str(), &st) != 0 || st.st_size == 0) break;
    }
    const char* parameters = through_log ? "mode=ro" : "mode=ro&immutable=1";
    sqlite3* db = nullptr;
    int code = sqlite3_open_v2(FileUri(path, parameters).c_str(), &db,
                               SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
    int64_t version = -1;
    size_t tables = 0;
    if (code == SQLITE_OK) {
      Statement query(db, "PRAGMA user_version");
      absl::Status status;
      if (query.Step(&status)) version = query.Int(0);
      Statement names(db, "SELECT name FROM sqlite_master WHERE type='table'");
      while (names.Step(&status)) {
        for (const char* table : kOwnTables) tables += names.Text(0) == table;
      }
      TakeDamage(db);  // a verdict, not a store in use
    }
    sqlite3_close(db);
    if (version >= 1 && version <= 2 && tables == std::size(kOwnTables)) {
      return true;
    }
  }
  return false;
}

// Whether the store at `path` may be opened (created when `create`).
absl::Status AdmitStoreFile(const std::string& path,
                            const SqliteStoreOptions& options) {
  const StoreFile file = InspectStoreFile(path);
  switch (file.kind) {
    case StoreFileKind::kMissing:
    case StoreFileKind::kEmpty:
      if (options.read_only) {
        return absl::NotFoundError(absl::StrCat("no store at ", path, " yet"));
      }
      return absl::OkStatus();
    case StoreFileKind::kOurs:
      return absl::OkStatus();
    case StoreFileKind::kUnmarked:
      if (IsUnmarkedStore(path)) return absl::OkStatus();
      return absl::FailedPreconditionError(absl::StrCat(
          "the store ", path,
          " is another program's SQLite database (no itr-cpp tables); "
          "itr-cpp leaves it alone"));
    case StoreFileKind::kUnreadable:
      if (file.in_store_directory) {
        return absl::DataLossError(
            absl::StrCat("the store ", path, " ", file.what));
      }
      break;
    case StoreFileKind::kForeign:
      break;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the store ", path, " ", file.what, "; itr-cpp leaves it alone"));
}

}  // namespace

// Connections that met a damaged file, until their store deals with it.
namespace {
std::mutex damaged_mutex;
absl::flat_hash_set<sqlite3*>& DamagedConnections() {
  static auto* connections = new absl::flat_hash_set<sqlite3*>();
  return *connections;
}
}  // namespace

absl::Status SqliteError(sqlite3* db, int code, absl::string_view what) {
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  const std::string store = file != nullptr && *file ? file : "(unnamed)";
  const char* message =
      db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: {
      std::lock_guard<std::mutex> lock(damaged_mutex);
      DamagedConnections().insert(db);
      return absl::DataLossError(absl::StrCat(
          "the store ", store, " is damaged (", what, ": ", message, ")"));
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
      return absl::UnavailableError(
          absl::StrCat("store ", store, ": ", what, ": ", message));
    default:
      return absl::InternalError(
          absl::StrCat("store ", store, ": ", what, ": ", message));
  }
}

bool TakeDamage(sqlite3* db) {
  std::lock_guard<std::mutex> lock(damaged_mutex);
  return DamagedConnections().erase(db) > 0;
}

// Transaction guard: IMMEDIATE takes the write lock up front, so concurrent
// writers wait instead of deadlocking on upgrade.
class SqliteStore::WriteTransaction {
 public:
  // `recording`: the recording wait; else the planning one (migrations).
  explicit WriteTransaction(SqliteStore* store, bool recording = true)
      : db_(store->db_) {
    status_ = store->Usable();
    if (status_.ok() && store->options_.read_only) {
      status_ = absl::FailedPreconditionError(
          absl::StrCat("the store ", store->path_, " is open read-only"));
    }
    if (!status_.ok()) return;
    db_ = store->db_;  // Usable may have replaced a damaged store
    if (recording && !store->recording_) {
      store->recording_ = true;
      sqlite3_busy_timeout(db_, store->options_.record_wait_ms);
    }
    status_ = Begin(recording ? store->options_.record_wait_ms
                              : store->options_.plan_wait_ms);
    if (recording && (status_.code() == absl::StatusCode::kUnavailable)) {
      // Locked all that time: this process records nothing more.
      store->lock_error_ = status_;
    }
  }
  ~WriteTransaction() {
    if (!done_ && status_.ok()) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  const absl::Status& status() const { return status_; }
  absl::Status Commit() {
    done_ = true;
    int code = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (code == SQLITE_OK) return absl::OkStatus();
    absl::Status error = SqliteError(db_, code, "commit");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }

 private:
  absl::Status Begin(int wait_ms) {
    // The busy handler covers ordinary contention; a few BUSY variants
    // (WAL recovery, a database being created) return at once, so retry,
    // bounded by the same wait.
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    int code = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    while ((code & 0xff) == SQLITE_BUSY &&
           std::chrono::steady_clock::now() < deadline) {
      usleep(50000);
      code = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    }
    if (code == SQLITE_OK) return absl::OkStatus();
    if ((code & 0xff) == SQLITE_BUSY) {
      return SqliteError(db_, code,
                         absl::StrFormat("locked by another process for "
                                         "%.1f s",
                                         wait_ms / 1000.0));
    }
    return SqliteError(db_, code, "begin a write");
  }

  sqlite3* db_;
  absl::Status status_;
  bool done_ = false;
};

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, const SqliteStoreOptions& options) {
  ITR_RETURN_IF_ERROR(AdmitStoreFile(path, options));
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, options));
  ITR_RETURN_IF_ERROR(store->Connect());
  return store;
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::OpenOrRebuild(
    const std::string& path, const SqliteStoreOptions& options,
    Diagnostics& diagnostics) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = Open(path, options);
  if (!store.ok() && absl::IsDataLoss(store.status())) {
    const absl::Status damage = store.status();
    std::string aside;
    store = RecreateCorrupt(path, options, &aside);
    if (store.ok()) {
      diagnostics.Warning(absl::StrCat(damage.message(), "; moved to ", aside,
                                       " and rebuilt; all tests run"));
    }
  }
  return store;
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::RecreateCorrupt(
    const std::string& path, const SqliteStoreOptions& options,
    std::string* aside) {
  absl::StatusOr<std::string> moved = MoveStoreAside(path, "corrupt");
  ITR_RETURN_IF_ERROR(moved.status());
  if (aside != nullptr) *aside = *moved;
  return Open(path, options);
}

SqliteStore::SqliteStore(std::string path, const SqliteStoreOptions& options)
    : path_(std::move(path)), options_(options) {}

SqliteStore::~SqliteStore() {
  // Damage met by the last use (a plan that failed on it): the next process
  // must not meet it again.
  const bool damaged = db_ != nullptr && TakeDamage(db_);
  Disconnect();
  if (damaged && !options_.read_only) {
    MoveStoreAside(path_, "corrupt").IgnoreError();
  }
}

void SqliteStore::Disconnect() {
  statements_.reset();  // finalize before closing
  if (db_ != nullptr) {
    TakeDamage(db_);  // the pointer may be reused by another connection
    sqlite3_close(db_);
  }
  db_ = nullptr;
}

absl::Status SqliteStore::Connect() {
  int flags = SQLITE_OPEN_NOMUTEX |
              (options_.read_only ? SQLITE_OPEN_READONLY
                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!options_.read_only) MakeDirectories(path_);
  int code = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the store ", path_, ": ",
                     db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code)));
  }
  statements_ = std::make_unique<StatementCache>(db_);
  sqlite3_busy_timeout(db_, options_.plan_wait_ms);
  sqlite3_extended_result_codes(db_, 1);
  recording_ = false;
  if (options_.read_only) {
    ITR_RETURN_IF_ERROR(CheckReadOnlyVersion());
    return QuickCheck();
  }
  // The schema first, and with it the application id: a store is never
  // seen in WAL mode without being recognizable as one.
  ITR_RETURN_IF_ERROR(Migrate());
  // journal_mode=WAL needs the write lock once, when the file is new; a
  // concurrent creator can make it return BUSY at once.
  absl::Status wal = Exec("PRAGMA journal_mode=WAL", "set WAL mode");
  for (int waited = 0;
       !wal.ok() && absl::IsUnavailable(wal) && waited < options_.plan_wait_ms;
       waited += 50) {
    usleep(50000);
    wal = Exec("PRAGMA journal_mode=WAL", "set WAL mode");
  }
  ITR_RETURN_IF_ERROR(wal);
  ITR_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL", "set synchronous"));
  ITR_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=OFF", "set foreign_keys"));
  // A run's batch of records dirties more pages than SQLite's default 2 MB
  // cache holds; spilling them mid-transaction costs writes.
  ITR_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-32768", "set cache_size"));
  return QuickCheck();
}

absl::Status SqliteStore::CheckReadOnlyVersion() {
  absl::Status status;
  Statement read(db_, "PRAGMA user_version");
  int64_t version = read.Step(&status) ? read.Int(0) : -1;
  ITR_RETURN_IF_ERROR(status);
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store ", path_, " has schema version ", version,
        "; this itr-cpp knows ", kSchemaVersion, " (written by a newer one)"));
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::QuickCheck() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0 ||
      st.st_size > options_.quick_check_max_bytes) {
    return absl::OkStatus();
  }
  absl::Status status;
  Statement check(db_, "PRAGMA quick_check(1)");
  std::string verdict = check.Step(&status) ? check.Text(0) : "";
  ITR_RETURN_IF_ERROR(status);
  if (verdict == "ok") return absl::OkStatus();
  TakeDamage(db_);
  return absl::DataLossError(absl::StrCat(
      "the store ", path_, " is damaged (quick_check: ", verdict, ")"));
}

absl::Status SqliteStore::Usable() {
  if (!lock_error_.ok()) return lock_error_;
  if (db_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("the store ", path_, " could not be reopened"));
  }
  if (!TakeDamage(db_)) return absl::OkStatus();
  return Rebuild();
}

absl::Status SqliteStore::Rebuild() {
  // The connection first: closing it after the move could remove another
  // process's new log by its old name.
  Disconnect();
  fingerprint_ids_.clear();  // ids of the old file
  interned_ids_.clear();
  function_ids_loaded_ = false;
  for (auto& [announced, run] : runs_) run.id = 0;  // written anew
  ITR_RETURN_IF_ERROR(MoveStoreAside(path_, "corrupt").status());
  ITR_RETURN_IF_ERROR(AdmitStoreFile(path_, options_));
  absl::Status connected = Connect();
  if (!connected.ok()) Disconnect();
  return connected;
}

absl::Status SqliteStore::Checkpoint() {
  if (options_.read_only || db_ == nullptr) return absl::OkStatus();
  // TRUNCATE waits for readers and writers of other processes; they are
  // not waited for long: the last process to end checkpoints then.
  sqlite3_busy_timeout(db_, 1000);
  int code = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                       nullptr, nullptr);
  sqlite3_busy_timeout(
      db_, recording_ ? options_.record_wait_ms : options_.plan_wait_ms);
  if (code == SQLITE_OK || (code & 0xff) == SQLITE_BUSY ||
      (code & 0xff) == SQLITE_LOCKED) {
    return absl::OkStatus();
  }
  return SqliteError(db_, code, "checkpoint");
}

absl::Status SqliteStore::BeginSnapshot() {
  ITR_RETURN_IF_ERROR(Usable());
  return Exec("BEGIN DEFERRED", "begin a read");
}

void SqliteStore::EndSnapshot() { Exec("COMMIT", "end a read").IgnoreError(); }

absl::Status SqliteStore::Exec(const char* sql, absl::string_view what) {
  int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (code == SQLITE_OK) return absl::OkStatus();
  return SqliteError(db_, code, what);
}

absl::Status SqliteStore::Migrate() {
  // user_version holds the schema version; 0 is a new file (AdmitStoreFile
  // let no other program's file come this far). Statements are scoped: a
  // live one would hold a read snapshot, and a write transaction could then
  // not start.
  absl::Status status;
  int64_t version = -1;
  {
    Statement read(db_, "PRAGMA user_version");
    if (read.Step(&status)) version = read.Int(0);
    ITR_RETURN_IF_ERROR(status);
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store ", path_, " has schema version ", version,
                     "; this itr-cpp knows ", kSchemaVersion,
                     " (written by a newer itr-cpp; left untouched)"));
  }
  if (version == kSchemaVersion) return absl::OkStatus();
  // Every step in one transaction: a new store costs one commit (each one
  // syncs the file), and no process sees a half-migrated schema.
  WriteTransaction transaction(this, /*recording=*/false);
  ITR_RETURN_IF_ERROR(transaction.status());
  {
    // Re-read under the write lock: another process may have migrated.
    Statement again(db_, "PRAGMA user_version");
    if (again.Step(&status)) version = again.Int(0);
    ITR_RETURN_IF_ERROR(status);
  }
  if (version >= kSchemaVersion) return absl::OkStatus();
  for (; version < kSchemaVersion; ++version) {
    ITR_RETURN_IF_ERROR(Exec(kMigrations[version],
                             absl::StrCat("migrate to schema ", version + 1)));
  }
  ITR_RETURN_IF_ERROR(
      Exec(absl::StrCat("PRAGMA user_version=", kSchemaVersion,
                        "; PRAGMA application_id=", kStoreApplicationId)
               .c_str(),
           "set the schema version"));
  return transaction.Commit();
}

absl::StatusOr<absl::flat_hash_set<int64_t>> SqliteStore::FinishedRuns(
    const std::string& module, const std::string& configuration) {
  // Finished runs are few; looking them up in memory avoids a join per test.
  absl::flat_hash_set<int64_t> finished;
  absl::Status status;
  Statement runs(db_,
                 "SELECT id FROM runs WHERE module = ?1 AND configuration = ?2 "
                 "AND finished_at IS NOT NULL");
  runs.Bind(1, module).Bind(2, configuration);
  while (runs.Step(&status)) finished.insert(runs.Int(0));
  ITR_RETURN_IF_ERROR(status);
  return finished;
}

absl::StatusOr<std::vector<TestRecord>> SqliteStore::LoadTests(
    const std::string& module, const std::string& configuration) {
  absl::StatusOr<absl::flat_hash_set<int64_t>> finished =
      FinishedRuns(module, configuration);
  ITR_RETURN_IF_ERROR(finished.status());
  absl::Status status;
  Statement query(
      db_,
      "SELECT id, test_key, status, duration_ms, coverage_complete, "
      "run_id, skips, saved_ms FROM tests INDEXED BY tests_for_planning "
      "WHERE module = ?1 AND configuration = ?2");
  query.Bind(1, module).Bind(2, configuration);
  std::vector<TestRecord> records;
  while (query.Step(&status)) {
    TestRecord& r = records.emplace_back();
    r.id = query.Int(0);
    r.key = query.Text(1);
    r.status = query.Text(2);
    r.duration_ms = query.Double(3);
    r.coverage_complete = query.Int(4) != 0;
    r.run_id = query.Int(5);
    r.run_finished = finished->contains(r.run_id);
    r.skips = query.Int(6);
    r.saved_ms = query.Double(7);
  }
  ITR_RETURN_IF_ERROR(status);
  return records;
}

absl::StatusOr<PlanningRecords> SqliteStore::LoadPlanningRecords(
    const std::string& module, const std::string& configuration,
    size_t expected) {
  absl::StatusOr<absl::flat_hash_set<int64_t>> finished =
      FinishedRuns(module, configuration);
  ITR_RETURN_IF_ERROR(finished.status());
  absl::Status status;
  // Only the columns planning needs, read without a string per row.
  Statement query(
      db_,
      "SELECT id, test_key, status, duration_ms, coverage_complete, run_id "
      "FROM tests INDEXED BY tests_for_planning "
      "WHERE module = ?1 AND configuration = ?2");
  query.Bind(1, module).Bind(2, configuration);
  PlanningRecords records;
  records.rows.reserve(expected);
  records.keys.reserve(expected * 32);
  while (query.Step(&status)) {
    PlanningRecords::Row& r = records.rows.emplace_back();
    r.id = query.Int(0);
    absl::string_view key = query.TextView(1);
    r.key_offset = static_cast<uint32_t>(records.keys.size());
    r.key_size = static_cast<uint32_t>(key.size());
    records.keys.append(key.data(), key.size());
    absl::string_view text = query.TextView(2);
    r.status = text == "passed"    ? "passed"
               : text == "running" ? "running"
               : text == "failed"  ? "failed"
               : text == "skipped" ? "skipped"
                                   : "unknown";
    r.duration_ms = query.Double(3);
    r.coverage_complete = query.Int(4) != 0;
    r.run_id = query.Int(5);
    r.run_finished = finished->contains(r.run_id);
  }
  ITR_RETURN_IF_ERROR(status);
  if (records.keys.size() > UINT32_MAX) {
    return absl::ResourceExhaustedError("test keys exceed 4 GiB");
  }
  return records;
}

absl::StatusOr<std::vector<StoredFingerprint>> SqliteStore::LoadFingerprints(
    bool functions) {
  Statement query(statements_.get(),
                  functions ? "SELECT id, kind, key, fingerprint FROM "
                              "fingerprints WHERE kind = 'function'"
                            : "SELECT id, kind, key, fingerprint FROM "
                              "fingerprints WHERE kind != 'function'");
  std::vector<StoredFingerprint> out;
  absl::Status status;
  while (query.Step(&status)) {
    out.push_back(
        {query.Int(0), {query.Text(1), query.Text(2), query.Text(3)}});
  }
  ITR_RETURN_IF_ERROR(status);
  return out;
}

namespace {

absl::StatusOr<SqliteStore::Dependents> IdsDependingOn(
    sqlite3* db, const char* sql, const std::vector<int64_t>& ids) {
  Statement query(db, sql);
  SqliteStore::Dependents out;
  absl::Status status;
  for (int64_t id : ids) {
    query.Reset();
    query.Bind(1, id);
    while (query.Step(&status)) out.emplace_back(query.Int(0), id);
    ITR_RETURN_IF_ERROR(status);
  }
  return out;
}

}  // namespace

absl::StatusOr<SqliteStore::Dependents> SqliteStore::TestsDependingOn(
    const std::vector<int64_t>& ids) {
  return IdsDependingOn(
      db_, "SELECT test_id FROM test_dependencies WHERE fingerprint_id = ?1",
      ids);
}

absl::StatusOr<SqliteStore::Dependents> SqliteStore::RunsDependingOn(
    const std::vector<int64_t>& ids) {
  return IdsDependingOn(
      db_, "SELECT run_id FROM run_dependencies WHERE fingerprint_id = ?1",
      ids);
}

namespace {

absl::StatusOr<std::vector<int64_t>> FunctionIds(Statement& query) {
  absl::Status status;
  if (!query.Step(&status)) {
    ITR_RETURN_IF_ERROR(status);
    return std::vector<int64_t>();  // no such record
  }
  return DecodeIdSet(query.BlobView(0));
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> SqliteStore::TestFunctions(
    int64_t test_id) {
  Statement query(statements_.get(),
                  "SELECT functions FROM tests WHERE id = ?1");
  query.Bind(1, test_id);
  return FunctionIds(query);
}

absl::StatusOr<std::vector<int64_t>> SqliteStore::RunFunctions(int64_t run_id) {
  Statement query(statements_.get(),
                  "SELECT functions FROM runs WHERE id = ?1");
  query.Bind(1, run_id);
  return FunctionIds(query);
}

absl::StatusOr<DependencySet> SqliteStore::DependenciesOf(
    const char* coarse_sql, const char* functions_sql, int64_t id) {
  DependencySet deps;
  absl::Status status;
  {
    Statement query(db_, coarse_sql);
    query.Bind(1, id);
    while (query.Step(&status)) {
      deps.coarse.push_back({query.Text(0), query.Text(1), query.Text(2)});
    }
    ITR_RETURN_IF_ERROR(status);
  }
  Statement functions(db_, functions_sql);
  functions.Bind(1, id);
  ITR_ASSIGN_OR_RETURN(std::vector<int64_t> ids, FunctionIds(functions));
  Statement lookup(db_,
                   "SELECT kind, key, fingerprint FROM fingerprints "
                   "WHERE id = ?1");
  for (int64_t fp : ids) {
    lookup.Reset();
    lookup.Bind(1, fp);
    if (lookup.Step(&status)) {
      deps.functions.push_back(
          {lookup.Text(0), lookup.Text(1), lookup.Text(2)});
    } else {
      // Collected meanwhile: an unknown dependency.
      ITR_RETURN_IF_ERROR(status);
      deps.functions.push_back(
          {kFunctionDependency, "(forgotten)", kUnknownFingerprint});
    }
  }
  return deps;
}

absl::StatusOr<DependencySet> SqliteStore::TestDependencies(int64_t test_id) {
  return DependenciesOf(
      "SELECT f.kind, f.key, f.fingerprint FROM test_dependencies d "
      "JOIN fingerprints f ON f.id = d.fingerprint_id "
      "WHERE d.test_id = ?1 ORDER BY f.kind, f.key",
      "SELECT functions FROM tests WHERE id = ?1", test_id);
}

absl::StatusOr<DependencySet> SqliteStore::RunDependencies(int64_t run_id) {
  return DependenciesOf(
      "SELECT f.kind, f.key, f.fingerprint FROM run_dependencies d "
      "JOIN fingerprints f ON f.id = d.fingerprint_id "
      "WHERE d.run_id = ?1 ORDER BY f.kind, f.key",
      "SELECT functions FROM runs WHERE id = ?1", run_id);
}

absl::StatusOr<std::map<std::string, std::string>> SqliteStore::ObjectPaths(
    const std::string& module) {
  Statement query(statements_.get(),
                  "SELECT object, path FROM objects WHERE module = ?1");
  query.Bind(1, module);
  std::map<std::string, std::string> out;
  absl::Status status;
  while (query.Step(&status)) out[query.Text(0)] = query.Text(1);
  ITR_RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::SetObjectPaths(
    const std::string& module,
    const std::map<std::string, std::string>& paths) {
  if (paths.empty()) return absl::OkStatus();
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  Statement upsert(statements_.get(),
                   "INSERT INTO objects (module, object, path) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT (module, object) "
                   "DO UPDATE SET path = ?3");
  for (const auto& [object, path] : paths) {
    upsert.Reset();
    upsert.Bind(1, module).Bind(2, object).Bind(3, path);
    ITR_RETURN_IF_ERROR(upsert.Run());
  }
  return transaction.Commit();
}

absl::StatusOr<std::unordered_map<std::string, StatEntry>>
SqliteStore::LoadStatCache() {
  Statement query(db_,
                  "SELECT path, size, mtime_ns, ctime_ns, inode, fingerprint "
                  "FROM stat_cache");
  std::unordered_map<std::string, StatEntry> out;
  absl::Status status;
  while (query.Step(&status)) {
    out[query.Text(0)] = StatEntry{query.Int(1), query.Int(2), query.Int(3),
                                   query.Int(4), query.Text(5)};
  }
  ITR_RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::SaveStatCache(
    const std::unordered_map<std::string, StatEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  Statement upsert(
      statements_.get(),
      "INSERT INTO stat_cache (path, size, mtime_ns, ctime_ns, inode, "
      "fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT (path) DO UPDATE SET size = ?2, mtime_ns = ?3, "
      "ctime_ns = ?4, inode = ?5, fingerprint = ?6");
  for (const auto& [path, e] : entries) {
    upsert.Reset();
    upsert.Bind(1, path)
        .Bind(2, e.size)
        .Bind(3, e.mtime_ns)
        .Bind(4, e.ctime_ns)
        .Bind(5, e.inode)
        .Bind(6, e.fingerprint);
    ITR_RETURN_IF_ERROR(upsert.Run());
  }
  return transaction.Commit();
}

absl::StatusOr<int64_t> SqliteStore::BeginRun(
    const std::string& module, const std::string& configuration) {
  // Announced, not written: the id is negative (never a row's), about the
  // row id it will get, so that "every 64th run" keeps its rhythm.
  int64_t next = 1;
  {
    Statement last(statements_.get(),
                   "SELECT seq FROM sqlite_sequence WHERE name = 'runs'");
    absl::Status status;
    if (last.Step(&status)) next = last.Int(0) + 1;
    ITR_RETURN_IF_ERROR(status);
  }
  int64_t announced = -(next + static_cast<int64_t>(runs_.size()));
  runs_[announced] = AnnouncedRun{module, configuration, 0};
  return announced;
}

absl::StatusOr<int64_t> SqliteStore::RunRow(int64_t announced) {
  auto run = runs_.find(announced);
  if (run == runs_.end()) return announced;  // a row's own id
  if (run->second.id != 0) return run->second.id;
  Statement insert(statements_.get(),
                   "INSERT INTO runs (module, configuration, started_at) "
                   "VALUES (?1, ?2, ?3)");
  int64_t now = NowSeconds();
  insert.Bind(1, run->second.module)
      .Bind(2, run->second.configuration)
      .Bind(3, now);
  ITR_RETURN_IF_ERROR(insert.Run());
  run->second.id = sqlite3_last_insert_rowid(db_);
  Statement history(statements_.get(),
                    "INSERT INTO run_history (run_id, module, configuration, "
                    "started_at) VALUES (?1, ?2, ?3, ?4)");
  history.Bind(1, run->second.id)
      .Bind(2, run->second.module)
      .Bind(3, run->second.configuration)
      .Bind(4, now);
  ITR_RETURN_IF_ERROR(history.Run());
  return run->second.id;
}

absl::StatusOr<int64_t> SqliteStore::FingerprintId(const Dependency& dep,
                                                   bool probably_new) {
  // Known fingerprints are only read (a write per lookup would rewrite
  // their pages); one believed new is inserted first, and read when
  // another process was first.
  Statement find(statements_.get(),
                 "SELECT id FROM fingerprints "
                 "WHERE kind = ?1 AND key = ?2 AND fingerprint = ?3");
  absl::Status status;
  if (!probably_new) {
    find.Bind(1, dep.kind).Bind(2, dep.key).Bind(3, dep.fingerprint);
    if (find.Step(&status)) return find.Int(0);
    ITR_RETURN_IF_ERROR(status);
    find.Reset();
  }
  Statement insert(
      statements_.get(),
      "INSERT OR IGNORE INTO fingerprints (kind, key, fingerprint) "
      "VALUES (?1, ?2, ?3)");
  insert.Bind(1, dep.kind).Bind(2, dep.key).Bind(3, dep.fingerprint);
  ITR_RETURN_IF_ERROR(insert.Run());
  if (sqlite3_changes(db_) == 1) return sqlite3_last_insert_rowid(db_);
  find.Bind(1, dep.kind).Bind(2, dep.key).Bind(3, dep.fingerprint);
  if (find.Step(&status)) return find.Int(0);
  ITR_RETURN_IF_ERROR(status);
  return absl::InternalError("a fingerprint could be neither read nor added");
}

absl::Status SqliteStore::LoadFunctionIds() {
  if (function_ids_loaded_) return absl::OkStatus();
  Statement query(statements_.get(),
                  "SELECT id, key, fingerprint FROM fingerprints "
                  "WHERE kind = 'function'");
  std::string cache_key;
  absl::Status status;
  while (query.Step(&status)) {
    cache_key.assign(query.Text(1)).append(1, '\0').append(query.Text(2));
    fingerprint_ids_.emplace(cache_key, query.Int(0));
  }
  ITR_RETURN_IF_ERROR(status);
  function_ids_loaded_ = true;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteStore::FunctionId(const Dependency& dep) {
  // One read of them all, not one lookup per function and process.
  ITR_RETURN_IF_ERROR(LoadFunctionIds());
  std::string cache_key = dep.key;
  cache_key.append(1, '\0').append(dep.fingerprint);
  auto cached = fingerprint_ids_.find(cache_key);
  if (cached != fingerprint_ids_.end()) return cached->second;
  // Every function fingerprint was loaded: this one is new.
  ITR_ASSIGN_OR_RETURN(int64_t id, FingerprintId(dep, /*probably_new=*/true));
  fingerprint_ids_.emplace(std::move(cache_key), id);
  return id;
}

absl::StatusOr<std::string> SqliteStore::FunctionSet(
    const std::vector<Dependency>& functions,
    const std::vector<const Dependency*>& interned) {
  std::vector<int64_t> ids;
  ids.reserve(functions.size() + interned.size());
  for (const Dependency& dep : functions) {
    ITR_ASSIGN_OR_RETURN(int64_t id, FunctionId(dep));
    ids.push_back(id);
  }
  for (const Dependency* dep : interned) {
    auto [cached, added] = interned_ids_.try_emplace(dep, 0);
    if (added) {
      absl::StatusOr<int64_t> id = FunctionId(*dep);
      if (!id.ok()) {
        interned_ids_.erase(cached);
        return id.status();
      }
      cached->second = *id;
    }
    ids.push_back(cached->second);
  }
  return EncodeIdSet(std::move(ids));
}

// Replaces the coarse dependency rows of `owner` (a test or a run). Not
// cached: a row must name a fingerprint that exists now, or planning would
// not see the dependency (a function set naming a collected fingerprint only
// reads as changed).
absl::Status SqliteStore::LinkCoarse(const char* clear_sql,
                                     const char* link_sql, int64_t owner,
                                     const std::vector<Dependency>& deps) {
  Statement clear(statements_.get(), clear_sql);
  clear.Bind(1, owner);
  ITR_RETURN_IF_ERROR(clear.Run());
  Statement link(statements_.get(), link_sql);
  for (const Dependency& dep : deps) {
    ITR_ASSIGN_OR_RETURN(int64_t fp, FingerprintId(dep));
    link.Reset();
    link.Bind(1, owner).Bind(2, fp);
    ITR_RETURN_IF_ERROR(link.Run());
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::SetRunDependencies(int64_t run_id,
                                             const DependencySet& deps,
                                             bool finished) {
  return KeepingIdsValid(WriteRunDependencies(run_id, deps, finished));
}

absl::Status SqliteStore::KeepingIdsValid(absl::Status written) {
  // A rolled-back insert's id may be given to another fingerprint later:
  // ids cached since the transaction began cannot be trusted.
  if (!written.ok()) {
    fingerprint_ids_.clear();
    interned_ids_.clear();
    function_ids_loaded_ = false;
  }
  return written;
}

absl::Status SqliteStore::WriteRunDependencies(int64_t run_id,
                                               const DependencySet& deps,
                                               bool finished) {
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  ITR_ASSIGN_OR_RETURN(int64_t run, RunRow(run_id));
  ITR_RETURN_IF_ERROR(LinkCoarse(
      "DELETE FROM run_dependencies WHERE run_id = ?1",
      "INSERT OR IGNORE INTO run_dependencies (run_id, fingerprint_id) "
      "VALUES (?1, ?2)",
      run, deps.coarse));
  ITR_ASSIGN_OR_RETURN(std::string functions, FunctionSet(deps.functions, {}));
  Statement update(statements_.get(),
                   "UPDATE runs SET functions = ?2 WHERE id = ?1");
  update.Bind(1, run).BindBlob(2, functions);
  ITR_RETURN_IF_ERROR(update.Run());
  if (finished) {
    Statement finish(db_, "UPDATE runs SET finished_at = ?2 WHERE id = ?1");
    finish.Bind(1, run).Bind(2, NowSeconds());
    ITR_RETURN_IF_ERROR(finish.Run());
  }
  return transaction.Commit();
}

absl::StatusOr<int64_t> SqliteStore::UpsertTest(
    const std::string& module, const std::string& configuration,
    const TestIdentity& test, int64_t run_id, const char* status) {
  ITR_ASSIGN_OR_RETURN(int64_t run, RunRow(run_id));
  Statement upsert(
      statements_.get(),
      "INSERT INTO tests (module, configuration, test_key, suite, name, "
      "parameters, source_file, status, run_id, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "ON CONFLICT (module, configuration, test_key) DO UPDATE SET "
      "suite = ?4, name = ?5, parameters = ?6, source_file = ?7, "
      "status = ?8, run_id = ?9, updated_at = ?10 RETURNING id");
  upsert.Bind(1, module)
      .Bind(2, configuration)
      .Bind(3, test.Key())
      .Bind(4, test.suite)
      .Bind(5, test.name)
      .Bind(6, test.parameters)
      .Bind(7, test.source_file)
      .Bind(8, std::string(status))
      .Bind(9, run)
      .Bind(10, NowSeconds());
  absl::Status step;
  if (upsert.Step(&step)) {
    int64_t id = upsert.Int(0);
    absl::Status rest = upsert.Run();
    ITR_RETURN_IF_ERROR(rest);
    return id;
  }
  ITR_RETURN_IF_ERROR(step);
  return absl::InternalError("upsert returned no id");
}

absl::Status SqliteStore::MarkStarted(const std::string& module,
                                      const std::string& configuration,
                                      const std::vector<TestIdentity>& tests,
                                      int64_t run_id) {
  if (tests.empty()) return absl::OkStatus();
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  Statement history(statements_.get(),
                    "INSERT OR REPLACE INTO run_tests (run_id, test_key, "
                    "outcome, reason) VALUES (?1, ?2, 'running', ?3)");
  ITR_ASSIGN_OR_RETURN(int64_t run, RunRow(run_id));
  for (const TestIdentity& test : tests) {
    ITR_ASSIGN_OR_RETURN(std::string reason,
                         PreviousRecordReason(module, configuration, test));
    ITR_RETURN_IF_ERROR(
        UpsertTest(module, configuration, test, run, "running").status());
    history.Reset();
    history.Bind(1, run).Bind(2, test.Key()).Bind(3, reason);
    ITR_RETURN_IF_ERROR(history.Run());
  }
  return transaction.Commit();
}

// Why the test's previous record could not be reused whatever its
// dependencies: "new test", "failed last time", … or "" (see RecordResult).
absl::StatusOr<std::string> SqliteStore::PreviousRecordReason(
    const std::string& module, const std::string& configuration,
    const TestIdentity& test) {
  Statement query(statements_.get(),
                  "SELECT t.status, t.coverage_complete, "
                  "  r.finished_at IS NOT NULL FROM tests t "
                  "LEFT JOIN runs r ON r.id = t.run_id "
                  "WHERE t.module = ?1 AND t.configuration = ?2 "
                  "AND t.test_key = ?3");
  query.Bind(1, module).Bind(2, configuration).Bind(3, test.Key());
  absl::Status status;
  std::string reason = "new test";
  if (query.Step(&status)) {
    std::string previous = query.Text(0);
    reason = previous == "failed"    ? "failed last time"
             : previous == "running" ? "did not end last time"
             : previous != "passed"  ? "not passed last time (" + previous + ")"
             : query.Int(1) == 0     ? "incomplete coverage last time"
             : query.Int(2) == 0     ? "its last run did not finish"
                                     : "";
    query.Reset();
  }
  ITR_RETURN_IF_ERROR(status);
  return reason;
}

// The first dependency of test `id`'s previous record that `deps` records
// with another fingerprint: "changed: <key>", or "" when none did.
absl::StatusOr<std::string> SqliteStore::ChangedDependency(
    int64_t id, const DependencySet& deps, absl::string_view functions) {
  Statement coarse(statements_.get(),
                   "SELECT f.kind, f.key, f.fingerprint "
                   "FROM test_dependencies d "
                   "JOIN fingerprints f ON f.id = d.fingerprint_id "
                   "WHERE d.test_id = ?1");
  coarse.Bind(1, id);
  std::map<std::pair<std::string, std::string>, std::string> previous;
  absl::Status status;
  while (coarse.Step(&status)) {
    previous[{coarse.Text(0), coarse.Text(1)}] = coarse.Text(2);
  }
  ITR_RETURN_IF_ERROR(status);
  for (const Dependency& dep : deps.coarse) {
    auto it = previous.find({dep.kind, dep.key});
    if (it != previous.end() && it->second != dep.fingerprint) {
      return "changed: " + dep.key;
    }
  }
  Statement old_set(statements_.get(),
                    "SELECT functions FROM tests WHERE id = ?1");
  old_set.Bind(1, id);
  std::vector<int64_t> old_ids;
  if (old_set.Step(&status)) {
    ITR_ASSIGN_OR_RETURN(old_ids, DecodeIdSet(old_set.BlobView(0)));
    old_set.Reset();
  }
  ITR_RETURN_IF_ERROR(status);
  ITR_ASSIGN_OR_RETURN(std::vector<int64_t> new_ids, DecodeIdSet(functions));
  std::vector<int64_t> gone;
  std::set_difference(old_ids.begin(), old_ids.end(), new_ids.begin(),
                      new_ids.end(), std::back_inserter(gone));
  if (gone.empty()) return std::string();
  Statement name(statements_.get(),
                 "SELECT key FROM fingerprints WHERE id = ?1");
  name.Bind(1, gone.front());
  std::string key = "a function";
  if (name.Step(&status)) {
    key = name.Text(0);
    name.Reset();
  }
  ITR_RETURN_IF_ERROR(status);
  return "changed: " + key;
}

absl::Status SqliteStore::RecordResults(
    const std::string& module, const std::string& configuration, int64_t run_id,
    const std::vector<TestResult>& results) {
  return KeepingIdsValid(WriteResults(module, configuration, run_id, results));
}

absl::Status SqliteStore::WriteResults(const std::string& module,
                                       const std::string& configuration,
                                       int64_t run_id,
                                       const std::vector<TestResult>& results) {
  if (results.empty()) return absl::OkStatus();
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  ITR_ASSIGN_OR_RETURN(int64_t run, RunRow(run_id));
  for (const TestResult& r : results) {
    const char* status = r.result.outcome == TestOutcome::kPassed   ? "passed"
                         : r.result.outcome == TestOutcome::kFailed ? "failed"
                                                                    : "skipped";
    ITR_ASSIGN_OR_RETURN(
        int64_t id, UpsertTest(module, configuration, r.test, run, status));
    ITR_ASSIGN_OR_RETURN(std::string functions,
                         FunctionSet(r.deps.functions, r.interned_functions));
    Statement details(
        statements_.get(),
        "UPDATE tests SET duration_ms = ?2, coverage_complete = ?3, "
        "forced = ?4, functions = ?5 WHERE id = ?1");
    details.Bind(1, id)
        .Bind(2, r.result.duration_ms)
        .Bind(3, int64_t{r.result.coverage_complete})
        .Bind(4, int64_t{r.result.forced})
        .BindBlob(5, functions);
    ITR_RETURN_IF_ERROR(
        RecordInHistory(id, r.test, run, status, r.result, r.deps, functions));
    ITR_RETURN_IF_ERROR(details.Run());
    ITR_RETURN_IF_ERROR(LinkCoarse(
        "DELETE FROM test_dependencies WHERE test_id = ?1",
        "INSERT OR IGNORE INTO test_dependencies (test_id, fingerprint_id) "
        "VALUES (?1, ?2)",
        id, r.deps.coarse));
  }
  return transaction.Commit();
}

// The run's history row of the test, with why it ran: unskippable, the
// previous record's state (MarkStarted), else the dependency that changed
// since it (read before the new dependencies replace it).
absl::Status SqliteStore::RecordInHistory(int64_t id, const TestIdentity& test,
                                          int64_t run_id, const char* status,
                                          const Result& result,
                                          const DependencySet& deps,
                                          absl::string_view functions) {
  Statement previous(statements_.get(),
                     "SELECT reason FROM run_tests "
                     "WHERE run_id = ?1 AND test_key = ?2");
  previous.Bind(1, run_id).Bind(2, test.Key());
  std::string reason;
  absl::Status step;
  if (previous.Step(&step)) {
    reason = previous.Text(0);
    previous.Reset();
  }
  ITR_RETURN_IF_ERROR(step);
  if (result.forced) {
    reason = "unskippable";
  } else if (reason.empty()) {
    ITR_ASSIGN_OR_RETURN(reason, ChangedDependency(id, deps, functions));
  }
  Statement history(statements_.get(),
                    "INSERT OR REPLACE INTO run_tests (run_id, test_key, "
                    "outcome, forced, duration_ms, reason) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  history.Bind(1, run_id)
      .Bind(2, test.Key())
      .Bind(3, std::string(status))
      .Bind(4, int64_t{result.forced})
      .Bind(5, result.duration_ms)
      .Bind(6, reason);
  return history.Run();
}

absl::Status SqliteStore::RecordSkips(int64_t run_id,
                                      const std::vector<int64_t>& test_ids) {
  if (test_ids.empty()) return absl::OkStatus();
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  Statement update(statements_.get(),
                   "UPDATE tests SET skips = skips + 1, "
                   "saved_ms = saved_ms + duration_ms WHERE id = ?1");
  // History: skipped in this run, saving the last duration.
  Statement history(statements_.get(),
                    "INSERT OR REPLACE INTO run_tests (run_id, test_key, "
                    "outcome, duration_ms, reason) SELECT ?2, test_key, "
                    "'itr_skipped', duration_ms, 'unchanged' FROM tests "
                    "WHERE id = ?1");
  int64_t run = 0;
  if (run_id != 0) {
    ITR_ASSIGN_OR_RETURN(run, RunRow(run_id));
  }
  for (int64_t id : test_ids) {
    update.Reset();
    update.Bind(1, id);
    ITR_RETURN_IF_ERROR(update.Run());
    if (run == 0) continue;
    history.Reset();
    history.Bind(1, id).Bind(2, run);
    ITR_RETURN_IF_ERROR(history.Run());
  }
  return transaction.Commit();
}

absl::StatusOr<std::vector<Store::RunSummary>> SqliteStore::RunHistory() {
  Statement query(
      db_,
      "SELECT h.run_id, h.module, h.configuration, h.started_at, "
      "  COALESCE(SUM(t.outcome != 'itr_skipped'), 0), "
      "  COALESCE(SUM(t.outcome = 'itr_skipped'), 0), "
      "  COALESCE(SUM(t.forced), 0), COALESCE(SUM(t.outcome = 'failed'), 0), "
      "  COALESCE(SUM(CASE WHEN t.outcome = 'itr_skipped' "
      "    THEN t.duration_ms ELSE 0 END), 0) "
      "FROM run_history h LEFT JOIN run_tests t ON t.run_id = h.run_id "
      "GROUP BY h.run_id ORDER BY h.run_id");
  std::vector<RunSummary> runs;
  absl::Status status;
  while (query.Step(&status)) {
    RunSummary run;
    run.run_id = query.Int(0);
    run.module = query.Text(1);
    run.configuration = query.Text(2);
    run.started_at = query.Int(3);
    run.ran = query.Int(4);
    run.skipped = query.Int(5);
    run.forced = query.Int(6);
    run.failed = query.Int(7);
    run.saved_ms = query.Double(8);
    runs.push_back(std::move(run));
  }
  ITR_RETURN_IF_ERROR(status);
  return runs;
}

absl::StatusOr<std::vector<Store::RunTest>> SqliteStore::RunTests(
    int64_t run_id) {
  Statement query(db_,
                  "SELECT test_key, outcome, reason, forced, duration_ms "
                  "FROM run_tests WHERE run_id = ?1 ORDER BY test_key");
  auto announced = runs_.find(run_id);
  query.Bind(1, announced == runs_.end() ? run_id : announced->second.id);
  std::vector<RunTest> tests;
  absl::Status status;
  while (query.Step(&status)) {
    RunTest test;
    test.key = query.Text(0);
    test.outcome = query.Text(1);
    test.reason = query.Text(2);
    test.forced = query.Int(3) != 0;
    test.duration_ms = query.Double(4);
    tests.push_back(std::move(test));
  }
  ITR_RETURN_IF_ERROR(status);
  return tests;
}

absl::Status SqliteStore::SetTestLines(int64_t test_id, int64_t run_id,
                                       absl::string_view lines) {
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  Statement upsert(statements_.get(),
                   "INSERT OR REPLACE INTO test_lines (test_id, run_id, lines) "
                   "VALUES (?1, ?2, ?3)");
  upsert.Bind(1, test_id).Bind(2, run_id).BindBlob(3, std::string(lines));
  ITR_RETURN_IF_ERROR(upsert.Run());
  return transaction.Commit();
}

absl::StatusOr<std::string> SqliteStore::TestLines(int64_t test_id,
                                                   int64_t run_id) {
  Statement query(statements_.get(),
                  "SELECT lines FROM test_lines "
                  "WHERE test_id = ?1 AND run_id = ?2");
  query.Bind(1, test_id).Bind(2, run_id);
  absl::Status status;
  if (query.Step(&status)) {
    std::string lines(query.BlobView(0));
    query.Reset();
    return lines;
  }
  ITR_RETURN_IF_ERROR(status);
  return absl::NotFoundError("no lines stored for this record");
}

absl::StatusOr<SqliteStore::Summary> SqliteStore::Summarize() {
  Statement query(db_,
                  "SELECT COUNT(*), "
                  "COALESCE(SUM(status = 'passed'), 0), "
                  "COALESCE(SUM(status = 'failed'), 0), "
                  "COALESCE(SUM(status = 'running'), 0), "
                  "COALESCE(SUM(skips), 0), COALESCE(SUM(saved_ms), 0), "
                  "(SELECT COUNT(*) FROM runs) FROM tests");
  absl::Status status;
  Summary s;
  if (query.Step(&status)) {
    s.tests = query.Int(0);
    s.passed = query.Int(1);
    s.failed = query.Int(2);
    s.running = query.Int(3);
    s.skips = query.Int(4);
    s.saved_ms = query.Double(5);
    s.runs = query.Int(6);
  }
  ITR_RETURN_IF_ERROR(status);
  return s;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
SqliteStore::Modules() {
  Statement query(db_,
                  "SELECT DISTINCT module, configuration FROM tests "
                  "ORDER BY module, configuration");
  std::vector<std::pair<std::string, std::string>> out;
  absl::Status status;
  while (query.Step(&status)) out.emplace_back(query.Text(0), query.Text(1));
  ITR_RETURN_IF_ERROR(status);
  return out;
}

absl::StatusOr<int64_t> SqliteStore::CollectGarbage() {
  // One write transaction: a recording process links fingerprints inside
  // its own, so nothing can be half-linked while this runs.
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  ITR_RETURN_IF_ERROR(
      Exec("CREATE TEMP TABLE IF NOT EXISTS dead_runs (id INTEGER PRIMARY KEY);"
           "DELETE FROM dead_runs;"
           "INSERT INTO dead_runs SELECT id FROM runs "
           "  WHERE (finished_at IS NOT NULL OR started_at < strftime('%s') - "
           "86400) "
           "  AND id NOT IN (SELECT run_id FROM tests);",
           "find unused runs"));
  int64_t deleted = 0;
  for (const char* sql :
       {"DELETE FROM run_dependencies WHERE run_id IN (SELECT id FROM "
        "dead_runs)",
        "DELETE FROM runs WHERE id IN (SELECT id FROM dead_runs)"}) {
    ITR_RETURN_IF_ERROR(Exec(sql, "delete unused runs"));
    deleted += sqlite3_changes(db_);
  }
  // Function sets are blobs: their fingerprint ids are gathered here.
  ITR_RETURN_IF_ERROR(
      Exec("CREATE TEMP TABLE IF NOT EXISTS live_functions "
           "(id INTEGER PRIMARY KEY); DELETE FROM live_functions;",
           "collect live functions"));
  {
    Statement sets(db_,
                   "SELECT functions FROM tests WHERE functions IS NOT NULL "
                   "UNION ALL SELECT functions FROM runs "
                   "WHERE functions IS NOT NULL");
    Statement keep(db_, "INSERT OR IGNORE INTO live_functions VALUES (?1)");
    absl::Status status;
    while (sets.Step(&status)) {
      ITR_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                           DecodeIdSet(sets.BlobView(0)));
      for (int64_t id : ids) {
        keep.Reset();
        keep.Bind(1, id);
        ITR_RETURN_IF_ERROR(keep.Run());
      }
    }
    ITR_RETURN_IF_ERROR(status);
  }
  ITR_RETURN_IF_ERROR(
      Exec("DELETE FROM fingerprints WHERE "
           "  NOT EXISTS (SELECT 1 FROM test_dependencies d "
           "              WHERE d.fingerprint_id = fingerprints.id) "
           "  AND NOT EXISTS (SELECT 1 FROM run_dependencies r "
           "                  WHERE r.fingerprint_id = fingerprints.id) "
           "  AND id NOT IN (SELECT id FROM live_functions)",
           "delete unused fingerprints"));
  deleted += sqlite3_changes(db_);
  // History of the latest kHistoryRuns runs; lines of live records.
  for (std::string sql :
       {absl::StrCat("DELETE FROM run_history WHERE run_id NOT IN (SELECT "
                     "run_id FROM run_history ORDER BY run_id DESC LIMIT ",
                     kHistoryRuns, ")"),
        std::string("DELETE FROM run_tests WHERE run_id NOT IN "
                    "(SELECT run_id FROM run_history)"),
        std::string("DELETE FROM test_lines WHERE NOT EXISTS (SELECT 1 FROM "
                    "tests t WHERE t.id = test_lines.test_id AND "
                    "t.run_id = test_lines.run_id)"),
        absl::StrCat(
            "DELETE FROM shard_plans WHERE used_at < strftime('%s') - ",
            kShardPlanRetentionSeconds)}) {
    ITR_RETURN_IF_ERROR(Exec(sql.c_str(), "trim the history"));
    deleted += sqlite3_changes(db_);
  }
  ITR_RETURN_IF_ERROR(transaction.Commit());
  fingerprint_ids_.clear();
  interned_ids_.clear();
  function_ids_loaded_ = false;
  return deleted;
}

absl::StatusOr<std::string> SqliteStore::SharedShardPlan(
    const std::string& key, const std::string& proposed) {
  // One write transaction: the first shard's plan is the only one stored.
  // Part of planning: the planning wait (a shard that cannot get the lock
  // runs every test).
  WriteTransaction transaction(this, /*recording=*/false);
  ITR_RETURN_IF_ERROR(transaction.status());
  {
    Statement publish(statements_.get(),
                      "INSERT INTO shard_plans (key, used_at, plan) "
                      "VALUES (?1, strftime('%s'), ?2) ON CONFLICT (key) "
                      "DO UPDATE SET used_at = excluded.used_at");
    publish.Bind(1, key).Bind(2, proposed);
    ITR_RETURN_IF_ERROR(publish.Run());
  }
  std::string plan;
  {
    Statement read(statements_.get(),
                   "SELECT plan FROM shard_plans WHERE key = ?1");
    read.Bind(1, key);
    absl::Status status;
    if (read.Step(&status)) plan = read.Text(0);
    ITR_RETURN_IF_ERROR(status);
  }
  ITR_RETURN_IF_ERROR(transaction.Commit());
  return plan;
}

absl::Status SqliteStore::Reset() {
  WriteTransaction transaction(this);
  ITR_RETURN_IF_ERROR(transaction.status());
  ITR_RETURN_IF_ERROR(
      Exec("DELETE FROM test_dependencies; DELETE FROM run_dependencies; "
           "DELETE FROM tests; DELETE FROM runs; DELETE FROM fingerprints; "
           "DELETE FROM stat_cache; DELETE FROM objects; "
           "DELETE FROM run_history; DELETE FROM run_tests; "
           "DELETE FROM test_lines; DELETE FROM shard_plans;",
           "reset"));
  fingerprint_ids_.clear();
  interned_ids_.clear();
  function_ids_loaded_ = false;
  return transaction.Commit();
}

}  // namespace itr::skipper
