#include "skipper/store/postgres_store.h"

#include <algorithm>
#include <ctime>
#include <iterator>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "skipper/base/redact_secrets.h"
#include "skipper/base/status_macros.h"
#include "skipper/store/dependency_blob.h"

namespace itr::skipper {

namespace {

// Advisory lock keys ("ITRC" and "ITRG"): schema migrations; garbage
// collection (exclusive) against write transactions (shared).
constexpr int64_t kMigrationLock = 0x49545243;
constexpr int64_t kWriteLock = 0x49545247;

// Runs whose history `itr report` keeps, per repository.
constexpr int kHistoryRuns = 500;
constexpr int kWriteAttempts = 4;

// Each entry migrates from version (index) to version (index + 1).
const char* const kMigrations[] = {
    // 0 -> 1: store.h's model, keyed by repository.
    R"sql(
CREATE TABLE itr.schema_version (version integer NOT NULL);
CREATE TABLE itr.runs (
  id bigserial PRIMARY KEY,  -- never reused after a GC
  repository text NOT NULL,
  module text NOT NULL,
  configuration text NOT NULL,
  started_at bigint NOT NULL,
  finished_at bigint,
  functions bytea
);
CREATE INDEX runs_by_module ON itr.runs (repository, module, configuration);
CREATE TABLE itr.tests (
  id bigserial PRIMARY KEY,
  repository text NOT NULL,
  module text NOT NULL,
  configuration text NOT NULL,
  test_key text NOT NULL,
  suite text NOT NULL,
  name text NOT NULL,
  parameters text NOT NULL DEFAULT '',
  source_file text NOT NULL DEFAULT '',
  status text NOT NULL,
  duration_ms double precision NOT NULL DEFAULT 0,
  coverage_complete boolean NOT NULL DEFAULT false,
  forced boolean NOT NULL DEFAULT false,
  run_id bigint NOT NULL,
  updated_at bigint NOT NULL,
  skips bigint NOT NULL DEFAULT 0,
  saved_ms double precision NOT NULL DEFAULT 0,
  functions bytea,
  UNIQUE (repository, module, configuration, test_key)
);
CREATE INDEX tests_by_run ON itr.tests (run_id);
CREATE TABLE itr.fingerprints (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  UNIQUE (kind, key, fingerprint)
);
CREATE TABLE itr.test_dependencies (
  test_id bigint NOT NULL,
  fingerprint_id bigint NOT NULL,
  PRIMARY KEY (test_id, fingerprint_id)
);
CREATE INDEX test_dependencies_by_fingerprint
  ON itr.test_dependencies (fingerprint_id, test_id);
CREATE TABLE itr.run_dependencies (
  run_id bigint NOT NULL,
  fingerprint_id bigint NOT NULL,
  PRIMARY KEY (run_id, fingerprint_id)
);
CREATE INDEX run_dependencies_by_fingerprint
  ON itr.run_dependencies (fingerprint_id, run_id);
CREATE TABLE itr.stat_cache (
  repository text NOT NULL,
  path text NOT NULL,
  size bigint NOT NULL,
  mtime_ns bigint NOT NULL,
  ctime_ns bigint NOT NULL,
  inode bigint NOT NULL,
  fingerprint text NOT NULL,
  PRIMARY KEY (repository, path)
);
CREATE TABLE itr.objects (
  repository text NOT NULL,
  module text NOT NULL,
  object text NOT NULL,
  path text NOT NULL,
  PRIMARY KEY (repository, module, object)
);
CREATE TABLE itr.run_history (
  run_id bigint PRIMARY KEY,
  repository text NOT NULL,
  module text NOT NULL,
  configuration text NOT NULL,
  started_at bigint NOT NULL
);
CREATE INDEX run_history_by_repository ON itr.run_history (repository, run_id);
CREATE TABLE itr.run_tests (
  run_id bigint NOT NULL,
  test_key text NOT NULL,
  outcome text NOT NULL,
  forced boolean NOT NULL DEFAULT false,
  duration_ms double precision NOT NULL DEFAULT 0,
  reason text NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, test_key)
);
CREATE TABLE itr.test_lines (
  test_id bigint PRIMARY KEY,
  run_id bigint NOT NULL,
  lines bytea NOT NULL
);
)sql",
    // 1 -> 2: the plans of balanced sharded runs (SharedShardPlan).
    R"sql(
CREATE TABLE itr.shard_plans (
  repository text NOT NULL,
  key text NOT NULL,
  used_at bigint NOT NULL,
  plan text NOT NULL,
  PRIMARY KEY (repository, key)
);
)sql",
};

static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) ==
              PostgresStore::kSchemaVersion);

int64_t NowSeconds() { return static_cast<int64_t>(time(nullptr)); }

std::string FingerprintKey(const Dependency& dep) {
  std::string key = dep.kind;
  key.append(1, '\0').append(dep.key).append(1, '\0').append(dep.fingerprint);
  return key;
}

std::string DoubleArray(const std::vector<double>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, absl::StrFormat("%.17g", values[i]));
  }
  out.push_back('}');
  return out;
}

std::string BoolArray(const std::vector<bool>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back(values[i] ? 't' : 'f');
  }
  out.push_back('}');
  return out;
}

// bytes as lowercase hex (a bytea[] travels as text[] of hex, decoded by
// the server).
std::string Hex(absl::string_view bytes) { return PgBytea(bytes).substr(2); }

const char* StatusText(TestOutcome outcome) {
  return outcome == TestOutcome::kPassed   ? "passed"
         : outcome == TestOutcome::kFailed ? "failed"
                                           : "skipped";
}

absl::string_view StaticStatus(absl::string_view text) {
  return text == "passed"    ? "passed"
         : text == "running" ? "running"
         : text == "failed"  ? "failed"
         : text == "skipped" ? "skipped"
                             : "unknown";
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(
    const std::string& conninfo, const PostgresStoreOptions& options) {
  std::string display = RedactSecrets(conninfo);
  PgConnectionOptions connection_options;
  connection_options.connect_timeout_s = options.connect_timeout_s;
  connection_options.statement_timeout_ms = options.statement_timeout_ms;
  ITR_ASSIGN_OR_RETURN(
      std::unique_ptr<PgConnection> connection,
      PgConnection::Connect(conninfo, display, connection_options));
  std::unique_ptr<PostgresStore> store(
      new PostgresStore(std::move(connection), display, options));
  ITR_ASSIGN_OR_RETURN(int version, store->SchemaVersion());
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the store ", display, " has schema version ", version,
        "; this itr-cpp knows ", kSchemaVersion, " (written by a newer one)"));
  }
  if (version < kSchemaVersion) {
    if (options.read_only || !options.migrate) {
      if (version == 0) {
        return absl::NotFoundError(
            absl::StrCat("no store in ", display, " yet (itr migrate)"));
      }
      return absl::FailedPreconditionError(
          absl::StrCat("the store ", display, " has schema version ", version,
                       "; run itr migrate for version ", kSchemaVersion));
    }
    ITR_RETURN_IF_ERROR(store->Migrate().status());
  }
  return store;
}

PostgresStore::PostgresStore(std::unique_ptr<PgConnection> connection,
                             std::string display,
                             const PostgresStoreOptions& options)
    : connection_(std::move(connection)),
      display_(std::move(display)),
      options_(options) {}

PostgresStore::~PostgresStore() = default;

absl::StatusOr<int> PostgresStore::SchemaVersion() {
  ITR_ASSIGN_OR_RETURN(
      PgResult exists,
      // A scan of the catalog, not to_regclass: the catalog cache is not
      // refreshed by an advisory lock, a scan sees what committed.
      Exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = 'itr' AND c.relname = 'schema_version')",
           {}, "read the schema version"));
  if (exists.rows() == 0 || !exists.Bool(0, 0)) return 0;
  ITR_ASSIGN_OR_RETURN(
      PgResult version,
      Exec("SELECT COALESCE(max(version), 0) FROM itr.schema_version", {},
           "read the schema version"));
  return static_cast<int>(version.rows() > 0 ? version.Int(0, 0) : 0);
}

absl::StatusOr<int> PostgresStore::Migrate() {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store ", display_, " is open read-only"));
  }
  // Many runners start at once: one migrates, the others wait for it under
  // the lock and then find the schema current.
  ITR_RETURN_IF_ERROR(connection_->Command(
      absl::StrCat("BEGIN; SELECT pg_advisory_xact_lock(", kMigrationLock, ")"),
      "lock the schema"));
  absl::StatusOr<int> version = SchemaVersion();
  absl::Status migrated = version.status();
  if (migrated.ok() && *version > kSchemaVersion) {
    migrated = absl::FailedPreconditionError(
        absl::StrCat("the store ", display_, " has schema version ", *version,
                     "; this itr-cpp knows ", kSchemaVersion));
  }
  if (migrated.ok() && *version < kSchemaVersion) {
    migrated = MigrateLocked(*version);
  }
  if (migrated.ok()) {
    migrated = connection_->Command("COMMIT", "migrate");
  } else {
    connection_->Command("ROLLBACK", "migrate").IgnoreError();
  }
  ITR_RETURN_IF_ERROR(migrated);
  return *version;
}

absl::Status PostgresStore::MigrateLocked(int version) {
  if (version == 0) {
    ITR_ASSIGN_OR_RETURN(PgResult schema,
                         Exec("SELECT NOT EXISTS (SELECT 1 FROM "
                              "pg_catalog.pg_namespace WHERE nspname = 'itr')",
                              {}, "look for the schema"));
    if (schema.rows() > 0 && schema.Bool(0, 0)) {
      ITR_RETURN_IF_ERROR(
          connection_->Command("CREATE SCHEMA itr", "create the schema"));
    }
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    ITR_RETURN_IF_ERROR(connection_->Command(
        kMigrations[v], absl::StrCat("migrate to schema ", v + 1)));
  }
  return connection_->Command(
      absl::StrCat("DELETE FROM itr.schema_version; "
                   "INSERT INTO itr.schema_version VALUES (",
                   kSchemaVersion, ")"),
      "set the schema version");
}

absl::Status PostgresStore::InWriteTransaction(
    absl::FunctionRef<absl::Status()> body) {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store ", display_, " is open read-only"));
  }
  absl::Status status;
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    runs_written_now_.clear();
    status = connection_->Command(
        absl::StrCat("BEGIN; SELECT pg_advisory_xact_lock_shared(", kWriteLock,
                     ")"),
        "begin a write");
    if (status.ok()) status = body();
    if (status.ok()) status = connection_->Command("COMMIT", "commit");
    if (status.ok()) return status;
    if (connection_->broken().ok()) {
      connection_->Command("ROLLBACK", "roll back").IgnoreError();
    }
    // Rolled back: rows written now are gone, and ids learnt now may name
    // nothing.
    for (int64_t run : runs_written_now_) runs_[run].written = false;
    function_ids_.clear();
    interned_ids_.clear();
    if (!absl::IsAborted(status)) break;  // else a deadlock: once more
  }
  return status;
}

absl::Status PostgresStore::BeginSnapshot() {
  ITR_RETURN_IF_ERROR(connection_->Command(
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin a read"));
  in_snapshot_ = true;
  return absl::OkStatus();
}

void PostgresStore::EndSnapshot() {
  if (!in_snapshot_) return;
  in_snapshot_ = false;
  connection_->Command("COMMIT", "end a read").IgnoreError();
}

absl::StatusOr<std::vector<TestRecord>> PostgresStore::LoadTests(
    const std::string& module, const std::string& configuration) {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT t.id, t.test_key, t.status, t.duration_ms, "
           "t.coverage_complete, t.run_id, r.finished_at IS NOT NULL, "
           "t.skips, t.saved_ms FROM itr.tests t "
           "LEFT JOIN itr.runs r ON r.id = t.run_id "
           "WHERE t.repository = $1 AND t.module = $2 "
           "AND t.configuration = $3",
           {options_.repository, module, configuration}, "read the tests"));
  std::vector<TestRecord> records;
  records.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    TestRecord& r = records.emplace_back();
    r.id = rows.Int(i, 0);
    r.key = std::string(rows.Text(i, 1));
    r.status = std::string(rows.Text(i, 2));
    r.duration_ms = rows.Double(i, 3);
    r.coverage_complete = rows.Bool(i, 4);
    r.run_id = rows.Int(i, 5);
    r.run_finished = rows.Bool(i, 6);
    r.skips = rows.Int(i, 7);
    r.saved_ms = rows.Double(i, 8);
  }
  return records;
}

absl::StatusOr<PlanningRecords> PostgresStore::LoadPlanningRecords(
    const std::string& module, const std::string& configuration,
    size_t expected) {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT t.id, t.test_key, t.status, t.duration_ms, "
           "t.coverage_complete, t.run_id, r.finished_at IS NOT NULL "
           "FROM itr.tests t LEFT JOIN itr.runs r ON r.id = t.run_id "
           "WHERE t.repository = $1 AND t.module = $2 "
           "AND t.configuration = $3",
           {options_.repository, module, configuration},
           "read the tests for planning"));
  PlanningRecords records;
  records.rows.reserve(std::max<size_t>(expected, rows.rows()));
  records.keys.reserve(expected * 32);
  for (int i = 0; i < rows.rows(); ++i) {
    PlanningRecords::Row& r = records.rows.emplace_back();
    r.id = rows.Int(i, 0);
    absl::string_view key = rows.Text(i, 1);
    r.key_offset = static_cast<uint32_t>(records.keys.size());
    r.key_size = static_cast<uint32_t>(key.size());
    records.keys.append(key.data(), key.size());
    r.status = StaticStatus(rows.Text(i, 2));
    r.duration_ms = rows.Double(i, 3);
    r.coverage_complete = rows.Bool(i, 4);
    r.run_id = rows.Int(i, 5);
    r.run_finished = rows.Bool(i, 6);
  }
  if (records.keys.size() > UINT32_MAX) {
    return absl::ResourceExhaustedError("test keys exceed 4 GiB");
  }
  return records;
}

absl::StatusOr<std::vector<StoredFingerprint>> PostgresStore::LoadFingerprints(
    bool functions) {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec(functions ? "SELECT id, kind, key, fingerprint FROM "
                       "itr.fingerprints WHERE kind = 'function'"
                     : "SELECT id, kind, key, fingerprint FROM "
                       "itr.fingerprints WHERE kind != 'function'",
           {}, "read the fingerprints"));
  std::vector<StoredFingerprint> out;
  out.reserve(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back({rows.Int(i, 0),
                   {std::string(rows.Text(i, 1)), std::string(rows.Text(i, 2)),
                    std::string(rows.Text(i, 3))}});
  }
  return out;
}

namespace {

// (owner, fingerprint id) pairs of `rows` (two integer columns).
Store::Dependents DependentPairs(const PgResult& rows) {
  Store::Dependents out;
  for (int i = 0; i < rows.rows(); ++i) {
    out.emplace_back(rows.Int(i, 0), rows.Int(i, 1));
  }
  return out;
}

}  // namespace

absl::StatusOr<Store::Dependents> PostgresStore::TestsDependingOn(
    const std::vector<int64_t>& ids) {
  if (ids.empty()) return Dependents();
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT test_id, fingerprint_id FROM itr.test_dependencies "
           "WHERE fingerprint_id = ANY($1::bigint[])",
           {PgArray(ids)}, "read the dependents"));
  return DependentPairs(rows);
}

absl::StatusOr<Store::Dependents> PostgresStore::RunsDependingOn(
    const std::vector<int64_t>& ids) {
  if (ids.empty()) return Dependents();
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT run_id, fingerprint_id FROM itr.run_dependencies "
           "WHERE fingerprint_id = ANY($1::bigint[])",
           {PgArray(ids)}, "read the dependents"));
  return DependentPairs(rows);
}

absl::StatusOr<std::vector<int64_t>> PostgresStore::FunctionIdsOf(
    const char* sql, int64_t id) {
  ITR_ASSIGN_OR_RETURN(PgResult rows,
                       Exec(sql, {absl::StrCat(id)}, "read a function set"));
  if (rows.rows() == 0 || rows.IsNull(0, 0)) return std::vector<int64_t>();
  return DecodeIdSet(rows.Bytes(0, 0));
}

absl::StatusOr<std::vector<int64_t>> PostgresStore::TestFunctions(
    int64_t test_id) {
  return FunctionIdsOf("SELECT functions FROM itr.tests WHERE id = $1",
                       test_id);
}

absl::StatusOr<std::vector<int64_t>> PostgresStore::RunFunctions(
    int64_t run_id) {
  return FunctionIdsOf("SELECT functions FROM itr.runs WHERE id = $1", run_id);
}

absl::StatusOr<DependencySet> PostgresStore::DependenciesOf(
    const char* coarse_sql, const char* functions_sql, int64_t id) {
  DependencySet deps;
  ITR_ASSIGN_OR_RETURN(PgResult coarse, Exec(coarse_sql, {absl::StrCat(id)},
                                             "read the dependencies"));
  for (int i = 0; i < coarse.rows(); ++i) {
    deps.coarse.push_back({std::string(coarse.Text(i, 0)),
                           std::string(coarse.Text(i, 1)),
                           std::string(coarse.Text(i, 2))});
  }
  ITR_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       FunctionIdsOf(functions_sql, id));
  if (ids.empty()) return deps;
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT id, kind, key, fingerprint FROM itr.fingerprints "
           "WHERE id = ANY($1::bigint[])",
           {PgArray(ids)}, "read the functions"));
  absl::flat_hash_map<int64_t, int> row_of;
  for (int i = 0; i < rows.rows(); ++i) row_of[rows.Int(i, 0)] = i;
  for (int64_t fp : ids) {
    auto found = row_of.find(fp);
    if (found == row_of.end()) {
      // Collected meanwhile: an unknown dependency.
      deps.functions.push_back(
          {kFunctionDependency, "(forgotten)", kUnknownFingerprint});
      continue;
    }
    int i = found->second;
    deps.functions.push_back({std::string(rows.Text(i, 1)),
                              std::string(rows.Text(i, 2)),
                              std::string(rows.Text(i, 3))});
  }
  return deps;
}

absl::StatusOr<DependencySet> PostgresStore::TestDependencies(int64_t test_id) {
  return DependenciesOf(
      "SELECT f.kind, f.key, f.fingerprint FROM itr.test_dependencies d "
      "JOIN itr.fingerprints f ON f.id = d.fingerprint_id "
      "WHERE d.test_id = $1 ORDER BY f.kind COLLATE \"C\", f.key COLLATE \"C\"",
      "SELECT functions FROM itr.tests WHERE id = $1", test_id);
}

absl::StatusOr<DependencySet> PostgresStore::RunDependencies(int64_t run_id) {
  return DependenciesOf(
      "SELECT f.kind, f.key, f.fingerprint FROM itr.run_dependencies d "
      "JOIN itr.fingerprints f ON f.id = d.fingerprint_id "
      "WHERE d.run_id = $1 ORDER BY f.kind COLLATE \"C\", f.key COLLATE \"C\"",
      "SELECT functions FROM itr.runs WHERE id = $1", run_id);
}

absl::StatusOr<std::map<std::string, std::string>> PostgresStore::ObjectPaths(
    const std::string& module) {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT object, path FROM itr.objects "
           "WHERE repository = $1 AND module = $2",
           {options_.repository, module}, "read the object paths"));
  std::map<std::string, std::string> out;
  for (int i = 0; i < rows.rows(); ++i) {
    out[std::string(rows.Text(i, 0))] = std::string(rows.Text(i, 1));
  }
  return out;
}

absl::Status PostgresStore::SetObjectPaths(
    const std::string& module,
    const std::map<std::string, std::string>& paths) {
  if (paths.empty()) return absl::OkStatus();
  std::vector<std::string> objects, locations;
  for (const auto& [object, path] : paths) {
    objects.push_back(object);
    locations.push_back(path);
  }
  return InWriteTransaction([&]() -> absl::Status {
    return Exec(
               "INSERT INTO itr.objects (repository, module, object, path) "
               "SELECT $1, $2, o, p FROM unnest($3::text[], $4::text[]) "
               "AS u(o, p) ON CONFLICT (repository, module, object) "
               "DO UPDATE SET path = excluded.path",
               {options_.repository, module, PgArray(objects),
                PgArray(locations)},
               "write the object paths")
        .status();
  });
}

absl::StatusOr<std::unordered_map<std::string, StatEntry>>
PostgresStore::LoadStatCache() {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT path, size, mtime_ns, ctime_ns, inode, fingerprint "
           "FROM itr.stat_cache WHERE repository = $1",
           {options_.repository}, "read the stat cache"));
  std::unordered_map<std::string, StatEntry> out;
  for (int i = 0; i < rows.rows(); ++i) {
    out[std::string(rows.Text(i, 0))] =
        StatEntry{rows.Int(i, 1), rows.Int(i, 2), rows.Int(i, 3),
                  rows.Int(i, 4), std::string(rows.Text(i, 5))};
  }
  return out;
}

absl::Status PostgresStore::SaveStatCache(
    const std::unordered_map<std::string, StatEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();
  std::vector<std::string> paths, fingerprints;
  std::vector<int64_t> sizes, mtimes, ctimes, inodes;
  for (const auto& [path, e] : entries) {
    paths.push_back(path);
    sizes.push_back(e.size);
    mtimes.push_back(e.mtime_ns);
    ctimes.push_back(e.ctime_ns);
    inodes.push_back(e.inode);
    fingerprints.push_back(e.fingerprint);
  }
  return InWriteTransaction([&]() -> absl::Status {
    return Exec(
               "INSERT INTO itr.stat_cache (repository, path, size, "
               "mtime_ns, ctime_ns, inode, fingerprint) "
               "SELECT $1, * FROM unnest($2::text[], $3::bigint[], "
               "$4::bigint[], $5::bigint[], $6::bigint[], $7::text[]) "
               "ON CONFLICT (repository, path) DO UPDATE SET "
               "size = excluded.size, mtime_ns = excluded.mtime_ns, "
               "ctime_ns = excluded.ctime_ns, inode = excluded.inode, "
               "fingerprint = excluded.fingerprint",
               {options_.repository, PgArray(paths), PgArray(sizes),
                PgArray(mtimes), PgArray(ctimes), PgArray(inodes),
                PgArray(fingerprints)},
               "write the stat cache")
        .status();
  });
}

absl::StatusOr<int64_t> PostgresStore::BeginRun(
    const std::string& module, const std::string& configuration) {
  // The id is reserved now; the row is written with the first record.
  ITR_ASSIGN_OR_RETURN(PgResult id, Exec("SELECT nextval('itr.runs_id_seq')",
                                         {}, "reserve a run id"));
  if (id.rows() != 1) return absl::InternalError("no run id reserved");
  int64_t run = id.Int(0, 0);
  runs_[run] = AnnouncedRun{module, configuration, false};
  return run;
}

absl::Status PostgresStore::EnsureRunRow(int64_t run_id) {
  auto run = runs_.find(run_id);
  if (run == runs_.end() || run->second.written) return absl::OkStatus();
  const std::string now = absl::StrCat(NowSeconds());
  ITR_RETURN_IF_ERROR(
      Exec("INSERT INTO itr.runs (id, repository, module, configuration, "
           "started_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
           {absl::StrCat(run_id), options_.repository, run->second.module,
            run->second.configuration, now},
           "write the run")
          .status());
  ITR_RETURN_IF_ERROR(
      Exec("INSERT INTO itr.run_history (run_id, repository, module, "
           "configuration, started_at) VALUES ($1, $2, $3, $4, $5) "
           "ON CONFLICT DO NOTHING",
           {absl::StrCat(run_id), options_.repository, run->second.module,
            run->second.configuration, now},
           "write the run")
          .status());
  run->second.written = true;
  runs_written_now_.push_back(run_id);
  return absl::OkStatus();
}

absl::Status PostgresStore::ResolveFingerprints(
    const std::vector<const Dependency*>& deps,
    absl::flat_hash_map<std::string, int64_t>* ids) {
  // Sorted and distinct: concurrent writers add shared fingerprints in one
  // order, so they wait for each other instead of deadlocking.
  std::map<std::string, const Dependency*> missing;
  for (const Dependency* dep : deps) {
    std::string key = FingerprintKey(*dep);
    if (!ids->contains(key)) missing.emplace(std::move(key), dep);
  }
  // A fingerprint another transaction commits meanwhile is neither
  // inserted nor seen by the first statement: the second reads it.
  for (int pass = 0; pass < 2 && !missing.empty(); ++pass) {
    std::vector<std::string> kinds, keys, values;
    for (const auto& [key, dep] : missing) {
      kinds.push_back(dep->kind);
      keys.push_back(dep->key);
      values.push_back(dep->fingerprint);
    }
    ITR_ASSIGN_OR_RETURN(
        PgResult rows,
        Exec(pass == 0
                 ? "WITH input AS (SELECT * FROM unnest($1::text[], "
                   "$2::text[], $3::text[]) AS u(kind, key, fingerprint)), "
                   "added AS (INSERT INTO itr.fingerprints (kind, key, "
                   "fingerprint) SELECT * FROM input ORDER BY 1, 2, 3 "
                   "ON CONFLICT DO NOTHING RETURNING id, kind, key, "
                   "fingerprint) "
                   "SELECT * FROM added UNION ALL "
                   "SELECT f.id, f.kind, f.key, f.fingerprint "
                   "FROM itr.fingerprints f JOIN input i USING (kind, key, "
                   "fingerprint)"
                 : "SELECT f.id, f.kind, f.key, f.fingerprint "
                   "FROM itr.fingerprints f JOIN unnest($1::text[], "
                   "$2::text[], $3::text[]) AS i(kind, key, fingerprint) "
                   "USING (kind, key, fingerprint)",
             {PgArray(kinds), PgArray(keys), PgArray(values)},
             "add fingerprints"));
    for (int i = 0; i < rows.rows(); ++i) {
      Dependency dep{std::string(rows.Text(i, 1)), std::string(rows.Text(i, 2)),
                     std::string(rows.Text(i, 3))};
      std::string key = FingerprintKey(dep);
      (*ids)[key] = rows.Int(i, 0);
      missing.erase(key);
    }
  }
  if (!missing.empty()) {
    return absl::AbortedError("a fingerprint could be neither read nor added");
  }
  return absl::OkStatus();
}

absl::Status PostgresStore::SetRunDependencies(int64_t run_id,
                                               const DependencySet& deps,
                                               bool finished) {
  return InWriteTransaction([&]() -> absl::Status {
    ITR_RETURN_IF_ERROR(EnsureRunRow(run_id));
    std::vector<const Dependency*> all;
    for (const Dependency& dep : deps.coarse) all.push_back(&dep);
    for (const Dependency& dep : deps.functions) all.push_back(&dep);
    absl::flat_hash_map<std::string, int64_t> ids = function_ids_;
    ITR_RETURN_IF_ERROR(ResolveFingerprints(all, &ids));
    std::vector<int64_t> coarse, functions;
    for (const Dependency& dep : deps.coarse) {
      coarse.push_back(ids[FingerprintKey(dep)]);
    }
    for (const Dependency& dep : deps.functions) {
      functions.push_back(ids[FingerprintKey(dep)]);
      function_ids_[FingerprintKey(dep)] = functions.back();
    }
    const std::string run = absl::StrCat(run_id);
    ITR_RETURN_IF_ERROR(
        Exec("DELETE FROM itr.run_dependencies WHERE run_id = $1", {run},
             "replace the run's dependencies")
            .status());
    if (!coarse.empty()) {
      ITR_RETURN_IF_ERROR(
          Exec("INSERT INTO itr.run_dependencies (run_id, fingerprint_id) "
               "SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
               {run, PgArray(coarse)}, "replace the run's dependencies")
              .status());
    }
    return Exec(
               "UPDATE itr.runs SET functions = $2::bytea, finished_at = "
               "CASE WHEN $3::boolean THEN $4::bigint ELSE finished_at END "
               "WHERE id = $1",
               {run, PgBytea(EncodeIdSet(std::move(functions))),
                finished ? "t" : "f", absl::StrCat(NowSeconds())},
               "finish the run")
        .status();
  });
}

absl::Status PostgresStore::MarkStarted(const std::string& module,
                                        const std::string& configuration,
                                        const std::vector<TestIdentity>& tests,
                                        int64_t run_id) {
  if (tests.empty()) return absl::OkStatus();
  // The last identity of each key (one row per key and statement).
  std::map<std::string, const TestIdentity*> by_key;
  for (const TestIdentity& test : tests) by_key[test.Key()] = &test;
  std::vector<std::string> keys, suites, names, parameters, files;
  for (const auto& [key, test] : by_key) {
    keys.push_back(key);
    suites.push_back(test->suite);
    names.push_back(test->name);
    parameters.push_back(test->parameters);
    files.push_back(test->source_file);
  }
  const std::string run = absl::StrCat(run_id);
  const std::string now = absl::StrCat(NowSeconds());
  return InWriteTransaction([&]() -> absl::Status {
    ITR_RETURN_IF_ERROR(EnsureRunRow(run_id));
    // Why each test's previous record could not be reused whatever its
    // dependencies: "new test", "failed last time", … or "".
    ITR_RETURN_IF_ERROR(
        Exec("INSERT INTO itr.run_tests (run_id, test_key, outcome, reason) "
             "SELECT $1, k, 'running', CASE "
             "  WHEN t.test_key IS NULL THEN 'new test' "
             "  WHEN t.status = 'failed' THEN 'failed last time' "
             "  WHEN t.status = 'running' THEN 'did not end last time' "
             "  WHEN t.status != 'passed' THEN "
             "    'not passed last time (' || t.status || ')' "
             "  WHEN NOT t.coverage_complete THEN "
             "    'incomplete coverage last time' "
             "  WHEN t.finished_at IS NULL THEN 'its last run did not finish' "
             "  ELSE '' END "
             "FROM unnest($5::text[]) AS u(k) LEFT JOIN ("
             "  SELECT t.test_key, t.status, t.coverage_complete, "
             "    r.finished_at FROM itr.tests t "
             "  LEFT JOIN itr.runs r ON r.id = t.run_id "
             "  WHERE t.repository = $2 AND t.module = $3 "
             "    AND t.configuration = $4 AND t.test_key = ANY($5::text[])"
             ") t ON t.test_key = u.k "
             "ON CONFLICT (run_id, test_key) DO UPDATE SET "
             "outcome = excluded.outcome, reason = excluded.reason, "
             "forced = false, duration_ms = 0",
             {run, options_.repository, module, configuration, PgArray(keys)},
             "record the tests' start")
            .status());
    return Exec(
               "INSERT INTO itr.tests (repository, module, configuration, "
               "test_key, suite, name, parameters, source_file, status, "
               "run_id, updated_at) SELECT $1, $2, $3, k, s, n, p, f, "
               "'running', $9, $10 FROM unnest($4::text[], $5::text[], "
               "$6::text[], $7::text[], $8::text[]) AS u(k, s, n, p, f) "
               "ON CONFLICT (repository, module, configuration, test_key) "
               "DO UPDATE SET suite = excluded.suite, name = excluded.name, "
               "parameters = excluded.parameters, source_file = "
               "excluded.source_file, status = excluded.status, run_id = "
               "excluded.run_id, updated_at = excluded.updated_at",
               {options_.repository, module, configuration, PgArray(keys),
                PgArray(suites), PgArray(names), PgArray(parameters),
                PgArray(files), run, now},
               "record the tests' start")
        .status();
  });
}

absl::Status PostgresStore::RecordResults(
    const std::string& module, const std::string& configuration, int64_t run_id,
    const std::vector<TestResult>& results) {
  if (results.empty()) return absl::OkStatus();
  // One statement writes a key once: a batch holding a test twice (a
  // repeated test) is written in parts, in order.
  std::vector<TestResult> part;
  absl::flat_hash_set<std::string> keys;
  for (const TestResult& r : results) {
    if (!keys.insert(r.test.Key()).second) {
      ITR_RETURN_IF_ERROR(WriteResults(module, configuration, run_id, part));
      part.clear();
      keys.clear();
      keys.insert(r.test.Key());
    }
    part.push_back(r);
  }
  return WriteResults(module, configuration, run_id, part);
}

// A test's previous record, read before a batch replaces it, and the
// reason its history row already has (MarkStarted's).
struct PostgresStore::Previous {
  bool exists = false;
  std::string reason;
  std::string functions;
  std::map<std::pair<std::string, std::string>, std::string> coarse;
};

// A batch's rows, column by column (one array parameter each).
struct PostgresStore::ResultRows {
  std::vector<std::string> keys, suites, names, parameters, files, statuses,
      functions, reasons;
  std::vector<double> durations;
  std::vector<bool> coverage, forced;
  std::vector<int64_t> gone;  // per row: a function its record lost, or -1
};

absl::StatusOr<std::map<std::string, PostgresStore::Previous>>
PostgresStore::ReadPrevious(const std::string& module,
                            const std::string& configuration, int64_t run_id,
                            const std::vector<std::string>& keys) {
  std::map<std::string, Previous> previous;
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      // The keys as index lookups (= ANY), not a join the planner may
      // answer by reading the whole module per key.
      Exec("SELECT u.k, COALESCE(h.reason, ''), t.id, t.functions "
           "FROM unnest($5::text[]) AS u(k) "
           "LEFT JOIN (SELECT test_key, reason FROM itr.run_tests "
           "  WHERE run_id = $1 AND test_key = ANY($5::text[])) h "
           "  ON h.test_key = u.k "
           "LEFT JOIN (SELECT test_key, id, functions FROM itr.tests "
           "  WHERE repository = $2 AND module = $3 AND configuration = $4 "
           "  AND test_key = ANY($5::text[])) t ON t.test_key = u.k",
           {absl::StrCat(run_id), options_.repository, module, configuration,
            PgArray(keys)},
           "read the previous records"));
  std::vector<int64_t> ids;
  for (int i = 0; i < rows.rows(); ++i) {
    Previous& p = previous[std::string(rows.Text(i, 0))];
    p.reason = std::string(rows.Text(i, 1));
    if (rows.IsNull(i, 2)) continue;
    p.exists = true;
    p.functions = rows.Bytes(i, 3);
    ids.push_back(rows.Int(i, 2));
  }
  if (ids.empty()) return previous;
  ITR_ASSIGN_OR_RETURN(
      PgResult coarse,
      Exec("SELECT t.test_key, f.kind, f.key, f.fingerprint "
           "FROM itr.test_dependencies d JOIN itr.tests t ON t.id = d.test_id "
           "JOIN itr.fingerprints f ON f.id = d.fingerprint_id "
           "WHERE d.test_id = ANY($1::bigint[])",
           {PgArray(ids)}, "read the previous dependencies"));
  for (int i = 0; i < coarse.rows(); ++i) {
    previous[std::string(coarse.Text(i, 0))].coarse[{
        std::string(coarse.Text(i, 1)), std::string(coarse.Text(i, 2))}] =
        std::string(coarse.Text(i, 3));
  }
  return previous;
}

// Why the test ran, when its history row does not say yet: unskippable,
// else the first coarse dependency its previous record had with another
// fingerprint; else *gone is a function that record had and this one has
// not (named by NameGoneFunctions).
absl::StatusOr<std::string> PostgresStore::WhyItRan(const TestResult& r,
                                                    const Previous& previous,
                                                    absl::string_view set,
                                                    int64_t* gone) {
  *gone = -1;
  if (r.result.forced) return std::string("unskippable");
  if (!previous.reason.empty() || !previous.exists) return previous.reason;
  for (const Dependency& dep : r.deps.coarse) {
    auto it = previous.coarse.find({dep.kind, dep.key});
    if (it != previous.coarse.end() && it->second != dep.fingerprint) {
      return "changed: " + dep.key;
    }
  }
  ITR_ASSIGN_OR_RETURN(std::vector<int64_t> old_ids,
                       DecodeIdSet(previous.functions));
  ITR_ASSIGN_OR_RETURN(std::vector<int64_t> new_ids, DecodeIdSet(set));
  std::vector<int64_t> lost;
  std::set_difference(old_ids.begin(), old_ids.end(), new_ids.begin(),
                      new_ids.end(), std::back_inserter(lost));
  if (!lost.empty()) *gone = lost.front();
  return std::string();
}

absl::Status PostgresStore::AddRow(
    const TestResult& r, const absl::flat_hash_map<std::string, int64_t>& ids,
    const std::map<std::string, Previous>& previous, ResultRows* rows) {
  std::vector<int64_t> function_ids;
  for (const Dependency& dep : r.deps.functions) {
    int64_t id = ids.at(FingerprintKey(dep));
    function_ids_[FingerprintKey(dep)] = id;
    function_ids.push_back(id);
  }
  for (const Dependency* dep : r.interned_functions) {
    auto cached = interned_ids_.find(dep);
    int64_t id = cached != interned_ids_.end() ? cached->second
                                               : ids.at(FingerprintKey(*dep));
    interned_ids_[dep] = id;
    function_ids.push_back(id);
  }
  std::string set = EncodeIdSet(function_ids);
  const std::string key = r.test.Key();
  int64_t gone = -1;
  auto old = previous.find(key);
  ITR_ASSIGN_OR_RETURN(
      std::string reason,
      WhyItRan(r, old != previous.end() ? old->second : Previous(), set,
               &gone));
  rows->keys.push_back(key);
  rows->suites.push_back(r.test.suite);
  rows->names.push_back(r.test.name);
  rows->parameters.push_back(r.test.parameters);
  rows->files.push_back(r.test.source_file);
  rows->statuses.push_back(StatusText(r.result.outcome));
  rows->functions.push_back(Hex(set));
  rows->reasons.push_back(std::move(reason));
  rows->durations.push_back(r.result.duration_ms);
  rows->coverage.push_back(r.result.coverage_complete);
  rows->forced.push_back(r.result.forced);
  rows->gone.push_back(gone);
  return absl::OkStatus();
}

// "changed: <function>" for the records whose function set lost one.
absl::Status PostgresStore::NameGoneFunctions(ResultRows* rows) {
  std::vector<int64_t> gone;
  for (int64_t id : rows->gone) {
    if (id >= 0) gone.push_back(id);
  }
  if (gone.empty()) return absl::OkStatus();
  ITR_ASSIGN_OR_RETURN(
      PgResult found,
      Exec("SELECT id, key FROM itr.fingerprints WHERE id = ANY($1::bigint[])",
           {PgArray(gone)}, "name the changed functions"));
  absl::flat_hash_map<int64_t, std::string> names;
  for (int i = 0; i < found.rows(); ++i) {
    names[found.Int(i, 0)] = std::string(found.Text(i, 1));
  }
  for (size_t i = 0; i < rows->gone.size(); ++i) {
    if (rows->gone[i] < 0) continue;
    auto name = names.find(rows->gone[i]);
    rows->reasons[i] = absl::StrCat(
        "changed: ", name == names.end() ? "a function" : name->second);
  }
  return absl::OkStatus();
}

absl::Status PostgresStore::WriteRows(
    const std::string& module, const std::string& configuration, int64_t run_id,
    const std::vector<TestResult>& results,
    const absl::flat_hash_map<std::string, int64_t>& ids,
    const ResultRows& rows) {
  const std::string run = absl::StrCat(run_id);
  ITR_ASSIGN_OR_RETURN(
      PgResult upserted,
      Exec("INSERT INTO itr.tests (repository, module, configuration, "
           "test_key, suite, name, parameters, source_file, status, "
           "duration_ms, coverage_complete, forced, functions, run_id, "
           "updated_at) SELECT $1, $2, $3, k, s, n, p, f, st, d, c, fo, "
           "decode(fn, 'hex'), $14, $15 FROM unnest($4::text[], $5::text[], "
           "$6::text[], $7::text[], $8::text[], $9::text[], $10::float8[], "
           "$11::boolean[], $12::boolean[], $13::text[]) "
           "AS u(k, s, n, p, f, st, d, c, fo, fn) "
           "ON CONFLICT (repository, module, configuration, test_key) "
           "DO UPDATE SET suite = excluded.suite, name = excluded.name, "
           "parameters = excluded.parameters, source_file = "
           "excluded.source_file, status = excluded.status, duration_ms = "
           "excluded.duration_ms, coverage_complete = "
           "excluded.coverage_complete, forced = excluded.forced, "
           "functions = excluded.functions, run_id = excluded.run_id, "
           "updated_at = excluded.updated_at RETURNING id, test_key",
           {options_.repository, module, configuration, PgArray(rows.keys),
            PgArray(rows.suites), PgArray(rows.names), PgArray(rows.parameters),
            PgArray(rows.files), PgArray(rows.statuses),
            DoubleArray(rows.durations), BoolArray(rows.coverage),
            BoolArray(rows.forced), PgArray(rows.functions), run,
            absl::StrCat(NowSeconds())},
           "record the results"));
  absl::flat_hash_map<std::string, int64_t> test_ids;
  std::vector<int64_t> all_ids;
  for (int i = 0; i < upserted.rows(); ++i) {
    test_ids[std::string(upserted.Text(i, 1))] = upserted.Int(i, 0);
    all_ids.push_back(upserted.Int(i, 0));
  }
  std::vector<int64_t> link_tests, link_fingerprints;
  for (const TestResult& r : results) {
    for (const Dependency& dep : r.deps.coarse) {
      link_tests.push_back(test_ids[r.test.Key()]);
      link_fingerprints.push_back(ids.at(FingerprintKey(dep)));
    }
  }
  ITR_RETURN_IF_ERROR(Exec("DELETE FROM itr.test_dependencies "
                           "WHERE test_id = ANY($1::bigint[])",
                           {PgArray(all_ids)}, "replace the dependencies")
                          .status());
  if (!link_tests.empty()) {
    ITR_RETURN_IF_ERROR(
        Exec("INSERT INTO itr.test_dependencies (test_id, fingerprint_id) "
             "SELECT * FROM unnest($1::bigint[], $2::bigint[]) "
             "ON CONFLICT DO NOTHING",
             {PgArray(link_tests), PgArray(link_fingerprints)},
             "link the dependencies")
            .status());
  }
  return Exec(
             "INSERT INTO itr.run_tests (run_id, test_key, outcome, forced, "
             "duration_ms, reason) SELECT $1, * FROM unnest($2::text[], "
             "$3::text[], $4::boolean[], $5::float8[], $6::text[]) "
             "ON CONFLICT (run_id, test_key) DO UPDATE SET outcome = "
             "excluded.outcome, forced = excluded.forced, duration_ms = "
             "excluded.duration_ms, reason = excluded.reason",
             {run, PgArray(rows.keys), PgArray(rows.statuses),
              BoolArray(rows.forced), DoubleArray(rows.durations),
              PgArray(rows.reasons)},
             "record the history")
      .status();
}

absl::Status PostgresStore::WriteResults(
    const std::string& module, const std::string& configuration, int64_t run_id,
    const std::vector<TestResult>& results) {
  if (results.empty()) return absl::OkStatus();
  std::vector<std::string> keys;
  for (const TestResult& r : results) keys.push_back(r.test.Key());
  return InWriteTransaction([&]() -> absl::Status {
    ITR_RETURN_IF_ERROR(EnsureRunRow(run_id));
    // Every fingerprint of the batch: functions not known yet, every
    // coarse one (linked rows must name fingerprints that exist now).
    std::vector<const Dependency*> all;
    for (const TestResult& r : results) {
      for (const Dependency& dep : r.deps.coarse) all.push_back(&dep);
      for (const Dependency& dep : r.deps.functions) all.push_back(&dep);
      for (const Dependency* dep : r.interned_functions) {
        if (!interned_ids_.contains(dep)) all.push_back(dep);
      }
    }
    absl::flat_hash_map<std::string, int64_t> ids = function_ids_;
    ITR_RETURN_IF_ERROR(ResolveFingerprints(all, &ids));
    ITR_ASSIGN_OR_RETURN(auto previous,
                         ReadPrevious(module, configuration, run_id, keys));
    ResultRows rows;
    for (const TestResult& r : results) {
      ITR_RETURN_IF_ERROR(AddRow(r, ids, previous, &rows));
    }
    ITR_RETURN_IF_ERROR(NameGoneFunctions(&rows));
    return WriteRows(module, configuration, run_id, results, ids, rows);
  });
}

absl::Status PostgresStore::RecordSkips(int64_t run_id,
                                        const std::vector<int64_t>& test_ids) {
  if (test_ids.empty()) return absl::OkStatus();
  const std::string ids = PgArray(test_ids);
  return InWriteTransaction([&]() -> absl::Status {
    ITR_RETURN_IF_ERROR(
        // A skip keeps the record alive for retention (updated_at).
        Exec("UPDATE itr.tests SET skips = skips + 1, "
             "saved_ms = saved_ms + duration_ms, updated_at = $2::bigint "
             "WHERE id = ANY($1::bigint[])",
             {ids, absl::StrCat(NowSeconds())}, "count the skips")
            .status());
    if (run_id == 0) return absl::OkStatus();
    ITR_RETURN_IF_ERROR(EnsureRunRow(run_id));
    // History: skipped in this run, saving the last duration.
    return Exec(
               "INSERT INTO itr.run_tests (run_id, test_key, outcome, "
               "duration_ms, reason) SELECT $2, test_key, 'itr_skipped', "
               "duration_ms, 'unchanged' FROM itr.tests "
               "WHERE id = ANY($1::bigint[]) ON CONFLICT (run_id, test_key) "
               "DO UPDATE SET outcome = excluded.outcome, forced = false, "
               "duration_ms = excluded.duration_ms, reason = excluded.reason",
               {ids, absl::StrCat(run_id)}, "record the skips")
        .status();
  });
}

absl::StatusOr<std::vector<Store::RunSummary>> PostgresStore::RunHistory() {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT h.run_id, h.module, h.configuration, h.started_at, "
           "  count(t.test_key) FILTER (WHERE t.outcome != 'itr_skipped'), "
           "  count(t.test_key) FILTER (WHERE t.outcome = 'itr_skipped'), "
           "  count(t.test_key) FILTER (WHERE t.forced), "
           "  count(t.test_key) FILTER (WHERE t.outcome = 'failed'), "
           "  COALESCE(sum(t.duration_ms) FILTER "
           "    (WHERE t.outcome = 'itr_skipped'), 0) "
           "FROM itr.run_history h "
           "LEFT JOIN itr.run_tests t ON t.run_id = h.run_id "
           "WHERE h.repository = $1 GROUP BY h.run_id ORDER BY h.run_id",
           {options_.repository}, "read the history"));
  std::vector<RunSummary> runs;
  for (int i = 0; i < rows.rows(); ++i) {
    RunSummary run;
    run.run_id = rows.Int(i, 0);
    run.module = std::string(rows.Text(i, 1));
    run.configuration = std::string(rows.Text(i, 2));
    run.started_at = rows.Int(i, 3);
    run.ran = rows.Int(i, 4);
    run.skipped = rows.Int(i, 5);
    run.forced = rows.Int(i, 6);
    run.failed = rows.Int(i, 7);
    run.saved_ms = rows.Double(i, 8);
    runs.push_back(std::move(run));
  }
  return runs;
}

absl::StatusOr<std::vector<Store::RunTest>> PostgresStore::RunTests(
    int64_t run_id) {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT test_key, outcome, reason, forced, duration_ms "
           "FROM itr.run_tests WHERE run_id = $1 "
           "ORDER BY test_key COLLATE \"C\"",
           {absl::StrCat(run_id)}, "read the run's tests"));
  std::vector<RunTest> tests;
  for (int i = 0; i < rows.rows(); ++i) {
    RunTest test;
    test.key = std::string(rows.Text(i, 0));
    test.outcome = std::string(rows.Text(i, 1));
    test.reason = std::string(rows.Text(i, 2));
    test.forced = rows.Bool(i, 3);
    test.duration_ms = rows.Double(i, 4);
    tests.push_back(std::move(test));
  }
  return tests;
}

absl::Status PostgresStore::SetTestLines(int64_t test_id, int64_t run_id,
                                         absl::string_view lines) {
  return InWriteTransaction([&]() -> absl::Status {
    return Exec(
               "INSERT INTO itr.test_lines (test_id, run_id, lines) "
               "VALUES ($1, $2, $3::bytea) ON CONFLICT (test_id) "
               "DO UPDATE SET run_id = excluded.run_id, "
               "lines = excluded.lines",
               {absl::StrCat(test_id), absl::StrCat(run_id), PgBytea(lines)},
               "write the lines")
        .status();
  });
}

absl::StatusOr<std::string> PostgresStore::TestLines(int64_t test_id,
                                                     int64_t run_id) {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT lines FROM itr.test_lines "
           "WHERE test_id = $1 AND run_id = $2",
           {absl::StrCat(test_id), absl::StrCat(run_id)}, "read the lines"));
  if (rows.rows() == 0) {
    return absl::NotFoundError("no lines stored for this record");
  }
  return rows.Bytes(0, 0);
}

absl::StatusOr<std::string> PostgresStore::SharedShardPlan(
    const std::string& key, const std::string& proposed) {
  std::string plan;
  ITR_RETURN_IF_ERROR(InWriteTransaction([&]() -> absl::Status {
    // The first insert wins; a concurrent one waits for it on the key.
    ITR_RETURN_IF_ERROR(
        Exec("INSERT INTO itr.shard_plans (repository, key, used_at, plan) "
             "VALUES ($1, $2, $3::bigint, $4) ON CONFLICT (repository, key) "
             "DO UPDATE SET used_at = excluded.used_at",
             {options_.repository, key, absl::StrCat(NowSeconds()), proposed},
             "publish the shard plan")
            .status());
    ITR_ASSIGN_OR_RETURN(
        PgResult rows, Exec("SELECT plan FROM itr.shard_plans "
                            "WHERE repository = $1 AND key = $2",
                            {options_.repository, key}, "read the shard plan"));
    if (rows.rows() != 1) {
      return absl::InternalError("the shard plan just written is not there");
    }
    plan = std::string(rows.Text(0, 0));
    return absl::OkStatus();
  }));
  return plan;
}

absl::StatusOr<Store::Summary> PostgresStore::Summarize() {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT count(*), count(*) FILTER (WHERE status = 'passed'), "
           "count(*) FILTER (WHERE status = 'failed'), "
           "count(*) FILTER (WHERE status = 'running'), "
           "COALESCE(sum(skips), 0), COALESCE(sum(saved_ms), 0), "
           "(SELECT count(*) FROM itr.runs WHERE repository = $1) "
           "FROM itr.tests WHERE repository = $1",
           {options_.repository}, "summarize"));
  Summary s;
  if (rows.rows() == 1) {
    s.tests = rows.Int(0, 0);
    s.passed = rows.Int(0, 1);
    s.failed = rows.Int(0, 2);
    s.running = rows.Int(0, 3);
    s.skips = rows.Int(0, 4);
    s.saved_ms = rows.Double(0, 5);
    s.runs = rows.Int(0, 6);
  }
  return s;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
PostgresStore::Modules() {
  ITR_ASSIGN_OR_RETURN(
      PgResult rows,
      Exec("SELECT DISTINCT module COLLATE \"C\", configuration COLLATE \"C\" "
           "FROM itr.tests WHERE repository = $1 ORDER BY 1, 2",
           {options_.repository}, "list the modules"));
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < rows.rows(); ++i) {
    out.emplace_back(std::string(rows.Text(i, 0)),
                     std::string(rows.Text(i, 1)));
  }
  return out;
}

absl::Status PostgresStore::Reset() {
  absl::Status reset = InWriteTransaction([&]() -> absl::Status {
    for (const char* sql : {
             "DELETE FROM itr.test_dependencies WHERE test_id IN "
             "(SELECT id FROM itr.tests WHERE repository = $1)",
             "DELETE FROM itr.test_lines WHERE test_id IN "
             "(SELECT id FROM itr.tests WHERE repository = $1)",
             "DELETE FROM itr.tests WHERE repository = $1",
             "DELETE FROM itr.run_dependencies WHERE run_id IN "
             "(SELECT id FROM itr.runs WHERE repository = $1)",
             "DELETE FROM itr.runs WHERE repository = $1",
             "DELETE FROM itr.run_tests WHERE run_id IN "
             "(SELECT run_id FROM itr.run_history WHERE repository = $1)",
             "DELETE FROM itr.run_history WHERE repository = $1",
             "DELETE FROM itr.stat_cache WHERE repository = $1",
             "DELETE FROM itr.objects WHERE repository = $1",
             "DELETE FROM itr.shard_plans WHERE repository = $1",
         }) {
      ITR_RETURN_IF_ERROR(Exec(sql, {options_.repository}, "reset").status());
    }
    return absl::OkStatus();
  });
  function_ids_.clear();
  interned_ids_.clear();
  for (auto& [id, run] : runs_) run.written = false;
  return reset;
}

// The repository's records neither run nor skipped for retention_days,
// with their dependencies (inside garbage collection's transaction).
absl::StatusOr<int64_t> PostgresStore::DeleteExpiredRecords() {
  if (options_.retention_days <= 0) return 0;
  const std::string cutoff =
      absl::StrCat(NowSeconds() - int64_t{options_.retention_days} * 86400);
  int64_t deleted = 0;
  for (const char* sql :
       {"DELETE FROM itr.test_dependencies WHERE test_id IN (SELECT id FROM "
        "itr.tests WHERE repository = $1 AND updated_at < $2::bigint)",
        "DELETE FROM itr.test_lines WHERE test_id IN (SELECT id FROM "
        "itr.tests WHERE repository = $1 AND updated_at < $2::bigint)",
        "DELETE FROM itr.tests WHERE repository = $1 "
        "AND updated_at < $2::bigint"}) {
    ITR_ASSIGN_OR_RETURN(PgResult done, Exec(sql, {options_.repository, cutoff},
                                             "delete expired records"));
    deleted += done.affected();
  }
  return deleted;
}

// Fingerprints no record of any repository refers to (inside garbage
// collection's transaction). Function sets are blobs: their ids are
// gathered here.
absl::StatusOr<int64_t> PostgresStore::DeleteUnusedFingerprints() {
  ITR_ASSIGN_OR_RETURN(
      PgResult sets,
      Exec("SELECT functions FROM itr.tests WHERE functions IS NOT NULL "
           "UNION ALL SELECT functions FROM itr.runs "
           "WHERE functions IS NOT NULL",
           {}, "collect live functions"));
  std::set<int64_t> live;
  for (int i = 0; i < sets.rows(); ++i) {
    ITR_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                         DecodeIdSet(sets.Bytes(i, 0)));
    live.insert(ids.begin(), ids.end());
  }
  ITR_ASSIGN_OR_RETURN(
      PgResult unused,
      Exec("DELETE FROM itr.fingerprints f WHERE "
           "NOT EXISTS (SELECT 1 FROM itr.test_dependencies d "
           "  WHERE d.fingerprint_id = f.id) "
           "AND NOT EXISTS (SELECT 1 FROM itr.run_dependencies r "
           "  WHERE r.fingerprint_id = f.id) "
           "AND NOT (f.id = ANY($1::bigint[]))",
           {PgArray(std::vector<int64_t>(live.begin(), live.end()))},
           "delete unused fingerprints"));
  return unused.affected();
}

absl::StatusOr<int64_t> PostgresStore::CollectGarbage() {
  if (options_.read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("the store ", display_, " is open read-only"));
  }
  // Exclusive against every write transaction (they link fingerprints
  // this deletes when unreferenced); never waits for them.
  ITR_ASSIGN_OR_RETURN(
      PgResult locked,
      Exec(absl::StrCat("BEGIN; SELECT pg_try_advisory_xact_lock(", kWriteLock,
                        ")"),
           {}, "lock for garbage collection"));
  if (locked.rows() != 1 || !locked.Bool(0, 0)) {
    connection_->Command("ROLLBACK", "collect garbage").IgnoreError();
    return 0;
  }
  int64_t deleted = 0;
  absl::Status status = [&]() -> absl::Status {
    ITR_ASSIGN_OR_RETURN(int64_t expired, DeleteExpiredRecords());
    deleted += expired;
    const std::string day_ago = absl::StrCat(NowSeconds() - 86400);
    const char* dead_runs =
        "(SELECT id FROM itr.runs r WHERE repository = $1 "
        "AND (finished_at IS NOT NULL OR started_at < $2::bigint) "
        "AND NOT EXISTS (SELECT 1 FROM itr.tests t WHERE t.run_id = r.id))";
    for (const char* prefix : {"DELETE FROM itr.run_dependencies WHERE run_id "
                               "IN ",
                               "DELETE FROM itr.runs WHERE id IN "}) {
      ITR_ASSIGN_OR_RETURN(PgResult done, Exec(absl::StrCat(prefix, dead_runs),
                                               {options_.repository, day_ago},
                                               "delete unused runs"));
      deleted += done.affected();
    }
    ITR_ASSIGN_OR_RETURN(int64_t unused, DeleteUnusedFingerprints());
    deleted += unused;
    ITR_ASSIGN_OR_RETURN(
        PgResult plans,
        Exec("DELETE FROM itr.shard_plans WHERE repository = $1 "
             "AND used_at < $2::bigint",
             {options_.repository,
              absl::StrCat(NowSeconds() - kShardPlanRetentionSeconds)},
             "delete unused shard plans"));
    deleted += plans.affected();
    // History of the repository's latest kHistoryRuns runs; lines of live
    // records.
    for (const std::string& sql :
         {absl::StrCat("DELETE FROM itr.run_history WHERE repository = $1 "
                       "AND run_id NOT IN (SELECT run_id FROM "
                       "itr.run_history WHERE repository = $1 "
                       "ORDER BY run_id DESC LIMIT ",
                       kHistoryRuns, ")"),
          std::string("DELETE FROM itr.run_tests t WHERE NOT EXISTS "
                      "(SELECT 1 FROM itr.run_history h "
                      "WHERE h.run_id = t.run_id)"),
          std::string("DELETE FROM itr.test_lines l WHERE NOT EXISTS "
                      "(SELECT 1 FROM itr.tests t WHERE "
                      "t.id = l.test_id AND t.run_id = l.run_id)")}) {
      std::vector<PgParam> params;
      if (sql.find("$1") != std::string::npos) {
        params.push_back(options_.repository);
      }
      ITR_ASSIGN_OR_RETURN(PgResult done,
                           Exec(sql, params, "trim the history"));
      deleted += done.affected();
    }
    return connection_->Command("COMMIT", "collect garbage");
  }();
  if (!status.ok()) {
    if (connection_->broken().ok()) {
      connection_->Command("ROLLBACK", "collect garbage").IgnoreError();
    }
    return status;
  }
  function_ids_.clear();
  interned_ids_.clear();
  return deleted;
}

}  // namespace itr::skipper
