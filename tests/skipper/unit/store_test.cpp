// skipper/store: the SQLite store's own behaviour on real files.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "scratch_repo.h"
#include "skipper/store/sqlite_store.h"
#include "skipper/store/store_file.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_path_ = repo_.store_path();
    auto store = SqliteStore::Open(store_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // Runs `sql` on the store file through a connection of its own.
  void Sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  int64_t Count(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }
  static std::string Bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // The names in `dir`.
  static std::set<std::string> Listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }
  // Records `tests` passing tests of module "m" under `configuration`.
  void Record(Store* store, const std::string& configuration, int tests) {
    auto run = store->BeginRun("m", configuration);
    ASSERT_TRUE(run.ok()) << run.status();
    for (int i = 0; i < tests; ++i) {
      TestIdentity test{"m", "S", "T" + std::to_string(i), "", "", 0};
      DependencySet deps;
      deps.coarse.push_back({"file", "src/f" + std::to_string(i), "fp"});
      ASSERT_TRUE(store
                      ->RecordResult("m", configuration, test, *run,
                                     {TestOutcome::kPassed, 1, true, false},
                                     deps)
                      .ok());
    }
    ASSERT_TRUE(store->SetRunDependencies(*run, {}, true).ok());
  }

  ScratchRepo repo_;
  const fs::path& dir_ = repo_.dir();
  std::string store_path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(StoreTest, StoreFromANewerSchemaIsLeftAlone) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store_path_.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 42", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto store = SqliteStore::Open(store_path_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
}

TEST_F(StoreTest, CorruptStoreIsDataLossAndCanBeRebuiltAside) {
  store_.reset();
  fs::remove(store_path_ + "-wal");
  fs::remove(store_path_ + "-shm");
  std::ofstream(store_path_, std::ios::trunc) << std::string(4096, 'x');
  auto store = SqliteStore::Open(store_path_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsDataLoss(store.status())) << store.status();
  std::string aside;
  auto rebuilt = SqliteStore::RecreateCorrupt(store_path_, {}, &aside);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(Bytes(aside), std::string(4096, 'x'));
  bool kept = false;
  for (const auto& entry : fs::directory_iterator(dir_ / ".itr")) {
    kept |=
        entry.path().filename().string().find(".corrupt-") != std::string::npos;
  }
  EXPECT_TRUE(kept);
}

TEST_F(StoreTest, TheStoreDirectoryIgnoresItself) {
  std::ifstream ignore(dir_ / ".itr" / ".gitignore");
  std::string line;
  std::getline(ignore, line);
  EXPECT_EQ(line, "*");
}

// Issue 11: three corruptions within one second left one file.
TEST_F(StoreTest, MovingAsideNeverOverwrites) {
  store_.reset();
  std::set<std::string> asides;
  for (int i = 0; i < 3; ++i) {
    std::ofstream(store_path_, std::ios::trunc) << "damaged " << i;
    auto aside = MoveStoreAside(store_path_, "corrupt");
    ASSERT_TRUE(aside.ok()) << aside.status();
    asides.insert(*aside);
  }
  ASSERT_EQ(asides.size(), 3u);
  std::set<std::string> contents;
  for (const std::string& aside : asides) contents.insert(Bytes(aside));
  EXPECT_EQ(contents,
            (std::set<std::string>{"damaged 0", "damaged 1", "damaged 2"}));
}

// Issue 11: ITR_STORE naming another program's database gave it itr's
// tables and user_version=1, from the test binary and from `itr status`.
TEST_F(StoreTest, AnotherProgramsDatabaseIsRefusedAndUntouched) {
  const std::string foreign = (dir_ / "app.db").string();
  const std::string marked = (dir_ / "marked.db").string();
  const std::string clash = (dir_ / "clash.db").string();
  Sql(foreign, "CREATE TABLE things (x); INSERT INTO things VALUES (1);");
  Sql(marked, "PRAGMA application_id = 7; CREATE TABLE t (x);");
  Sql(clash,
      "PRAGMA journal_mode=WAL; PRAGMA user_version = 1; "
      "CREATE TABLE tests (x);");
  for (const std::string& path : {foreign, marked, clash}) {
    const std::string before = Bytes(path);
    const std::set<std::string> listing = Listing(dir_);
    for (bool read_only : {false, true}) {
      SqliteStoreOptions options;
      options.read_only = read_only;
      auto store = SqliteStore::Open(path, options);
      ASSERT_FALSE(store.ok()) << path;
      EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
      EXPECT_NE(store.status().message().find(path), std::string::npos);
    }
    EXPECT_EQ(Bytes(path), before) << path;
    EXPECT_EQ(Listing(dir_), listing) << "nothing created beside " << path;
  }
}

// Issue 11: ITR_STORE=/dev/null created /dev/null-journal.
TEST_F(StoreTest, WhatIsNoRegularFileIsRefused) {
  for (const std::string& path :
       {std::string("/dev/null"), dir_.string(), std::string("/dev/zero")}) {
    auto store = SqliteStore::Open(path);
    ASSERT_FALSE(store.ok()) << path;
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
    EXPECT_FALSE(fs::exists(path + "-journal"));
    EXPECT_FALSE(fs::exists(path + "-wal"));
  }
}

// A file that is no database at all: damaged only in the store's own .itr
// directory; anywhere else someone else's, left alone.
TEST_F(StoreTest, AFileThatIsNoDatabaseIsOursOnlyInTheStoreDirectory) {
  const std::string notes = (dir_ / "notes.txt").string();
  std::ofstream(notes) << "my notes, not a store at all, really not";
  auto store = SqliteStore::Open(notes);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_EQ(Bytes(notes), "my notes, not a store at all, really not");
}

TEST_F(StoreTest, AStoreHasItsApplicationId) {
  store_.reset();
  EXPECT_EQ(Count(store_path_, "PRAGMA application_id"), kStoreApplicationId);
  EXPECT_EQ(InspectStoreFile(store_path_).kind, StoreFileKind::kOurs);
}

// A store of schema 2 (no application id; its configuration keys written
// without escapes) is recognized by its tables and migrated: keys that can
// only mean one configuration keep their records, the others lose them.
TEST_F(StoreTest, SchemaTwoStoresMigrateAndDropAmbiguousConfigurations) {
  const std::string base = "os=Linux;arch=x86_64;compiler=clang 14";
  const std::vector<std::string> kept = {base, base + ";gpu=a100"};
  const std::vector<std::string> dropped = {base + ";a=1;b=2", base + ";a=1=2",
                                            base + ";p=50%"};
  for (const auto* keys : {&kept, &dropped}) {
    for (const std::string& key : *keys) Record(store_.get(), key, 2);
  }
  store_.reset();
  Sql(store_path_,
      "DROP TABLE run_history; DROP TABLE run_tests; DROP TABLE test_lines; "
      "DROP TABLE shard_plans; PRAGMA user_version = 2; PRAGMA application_id "
      "= 0;");
  ASSERT_EQ(InspectStoreFile(store_path_).kind, StoreFileKind::kUnmarked);
  auto store = SqliteStore::Open(store_path_);
  ASSERT_TRUE(store.ok()) << store.status();
  for (const std::string& key : kept) {
    EXPECT_EQ((*store)->LoadTests("m", key)->size(), 2u) << key;
  }
  for (const std::string& key : dropped) {
    EXPECT_TRUE((*store)->LoadTests("m", key)->empty()) << key;
  }
  store->reset();
  EXPECT_EQ(Count(store_path_, "PRAGMA user_version"),
            SqliteStore::kSchemaVersion);
  EXPECT_EQ(Count(store_path_, "PRAGMA application_id"), kStoreApplicationId);
  EXPECT_EQ(Count(store_path_, "SELECT COUNT(*) FROM runs"),
            static_cast<int64_t>(kept.size()));
}

// A shard plan unused for a week goes in garbage collection; a key then
// gets a new one.
TEST_F(StoreTest, ShardPlansUnusedForLongAreCollected) {
  ASSERT_EQ(*store_->SharedShardPlan("run", "old plan"), "old plan");
  ASSERT_EQ(*store_->SharedShardPlan("recent", "recent plan"), "recent plan");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store_path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE shard_plans SET used_at = used_at - 7 * "
                         "86400 - 60 WHERE key = 'run'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto deleted = store_->CollectGarbage();
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_GE(*deleted, 1);
  EXPECT_EQ(*store_->SharedShardPlan("run", "new plan"), "new plan");
  EXPECT_EQ(*store_->SharedShardPlan("recent", "x"), "recent plan");
}

// `itr status` is read-only: not a byte of the store changes, even one that
// a writer would migrate.
TEST_F(StoreTest, ReadOnlyOpeningChangesNothing) {
  Record(store_.get(), "cfg", 3);
  store_.reset();
  Sql(store_path_,
      "DROP TABLE run_history; DROP TABLE run_tests; DROP TABLE test_lines; "
      "DROP TABLE shard_plans; PRAGMA user_version = 2; PRAGMA application_id "
      "= 0;");
  const std::string before = Bytes(store_path_);
  SqliteStoreOptions read_only;
  read_only.read_only = true;
  {
    auto store = SqliteStore::Open(store_path_, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->LoadTests("m", "cfg")->size(), 3u);
    EXPECT_FALSE((*store)->BeginRun("m", "cfg").ok() && (*store)->Reset().ok());
  }
  EXPECT_EQ(Bytes(store_path_), before);
  auto missing = SqliteStore::Open((dir_ / "none.sqlite").string(), read_only);
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_FALSE(fs::exists(dir_ / "none.sqlite"));
}

// Overwrites `count` pages in the middle of the file (the header survives).
void DamagePages(const std::string& path, int count) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(0, std::ios::end);
  const int64_t pages = file.tellg() / 4096;
  for (int i = 0; i < count; ++i) {
    file.seekp((1 + (pages - 1) * (i + 1) / (count + 1)) * 4096 + 100);
    file << std::string(2000, '\x5a');
  }
}

// Issue 11: random page damage was used for skipping, twice without a
// warning. quick_check finds it when the store is opened.
TEST_F(StoreTest, DamagedPagesAreFoundWhenOpening) {
  Record(store_.get(), "cfg", 400);
  store_.reset();
  ASSERT_FALSE(fs::exists(store_path_ + "-wal") &&
               fs::file_size(store_path_ + "-wal") > 0);
  DamagePages(store_path_, 3);
  auto store = SqliteStore::Open(store_path_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::IsDataLoss(store.status())) << store.status();
  EXPECT_NE(store.status().message().find(store_path_), std::string::npos);
  std::vector<std::string> warnings;
  Diagnostics diagnostics(
      [&](const std::string& line) { warnings.push_back(line); });
  auto rebuilt = SqliteStore::OpenOrRebuild(store_path_, {}, diagnostics);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("is damaged"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find(".corrupt-"), std::string::npos) << warnings[0];
  EXPECT_TRUE((*rebuilt)->LoadTests("m", "cfg")->empty());
}

// Damage met while the store is in use (a store too large for quick_check,
// or damaged since it was opened): the next use moves it aside and
// continues in a new one.
TEST_F(StoreTest, DamageMetInUseMovesTheStoreAside) {
  Record(store_.get(), "cfg", 400);
  store_.reset();
  DamagePages(store_path_, 8);
  SqliteStoreOptions unchecked;
  unchecked.quick_check_max_bytes = 0;
  auto opened = SqliteStore::Open(store_path_, unchecked);
  ASSERT_TRUE(opened.ok()) << opened.status();
  store_ = std::move(*opened);
  absl::Status first;
  for (int i = 0; i < 3 && first.ok(); ++i) {
    first = store_->LoadTests("m", "cfg").status();
    if (first.ok()) first = store_->CollectGarbage().status();
  }
  ASSERT_TRUE(absl::IsDataLoss(first)) << first;
  EXPECT_NE(first.message().find("the store " + store_path_ + " is damaged"),
            std::string::npos)
      << first;
  Record(store_.get(), "cfg", 1);  // the next write: a new store
  EXPECT_EQ(store_->LoadTests("m", "cfg")->size(), 1u);
  bool kept = false;
  for (const std::string& name : Listing(dir_ / ".itr")) {
    kept |= name.find("itr.sqlite.corrupt-") == 0;
  }
  EXPECT_TRUE(kept);
}

// Damage met by a plan (whose failure replaces the backend): the store is
// moved aside when it closes, so the next process does not meet it again;
// a read-only reader (itr status) leaves it where it is.
TEST_F(StoreTest, AStoreFoundDamagedIsMovedAsideWhenItCloses) {
  Record(store_.get(), "cfg", 400);
  store_.reset();
  DamagePages(store_path_, 8);
  for (bool read_only : {true, false}) {
    SqliteStoreOptions options;
    options.quick_check_max_bytes = 0;
    options.read_only = read_only;
    auto store = SqliteStore::Open(store_path_, options);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::Status read;
    for (int i = 0; i < 3 && read.ok(); ++i) {
      read = (*store)->LoadTests("m", "cfg").status();
      if (read.ok()) read = (*store)->Summarize().status();
      if (read.ok()) read = (*store)->LoadFingerprints(false).status();
    }
    ASSERT_TRUE(absl::IsDataLoss(read)) << read;
    store->reset();
    EXPECT_EQ(fs::exists(store_path_), read_only) << read_only;
  }
}

// Issue 11: a 4.2 MB -wal beside the store; copying the store file alone
// lost records. After a run's checkpoint the main file holds everything.
TEST_F(StoreTest, ACheckpointLeavesEverythingInTheMainFile) {
  Record(store_.get(), "cfg", 50);
  ASSERT_TRUE(fs::exists(store_path_ + "-wal"));
  EXPECT_GT(fs::file_size(store_path_ + "-wal"), 0u);
  ASSERT_TRUE(store_->Checkpoint().ok());
  EXPECT_EQ(fs::file_size(store_path_ + "-wal"), 0u);
  const std::string copy = (dir_ / "copy.sqlite").string();
  fs::copy_file(store_path_, copy);
  EXPECT_EQ(Count(copy, "SELECT COUNT(*) FROM tests"), 50);
}

// Issue 11: 60 s per binary on a locked store before any test ran.
// Planning only reads; the run's row waits for its first record.
TEST_F(StoreTest, PlanningNeedsNoWriteLockAndRecordingWaitsOnce) {
  Record(store_.get(), "cfg", 3);
  store_.reset();
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(store_path_.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  SqliteStoreOptions options;
  options.record_wait_ms = 300;
  auto started = std::chrono::steady_clock::now();
  auto store = SqliteStore::Open(store_path_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  auto run = (*store)->BeginRun("m", "cfg");
  ASSERT_TRUE(run.ok()) << run.status();
  {
    Store::Snapshot snapshot(store->get());
    ASSERT_TRUE(snapshot.status().ok()) << snapshot.status();
    EXPECT_EQ((*store)->LoadPlanningRecords("m", "cfg", 3)->rows.size(), 3u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::milliseconds(250));
  TestIdentity test{"m", "S", "T0", "", "", 0};
  absl::Status locked = (*store)->MarkStarted("m", "cfg", test, *run);
  EXPECT_TRUE(absl::IsUnavailable(locked)) << locked;
  EXPECT_NE(locked.message().find(store_path_), std::string::npos) << locked;
  // Once is enough: later writes give up at once.
  sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  auto again = std::chrono::steady_clock::now();
  EXPECT_FALSE((*store)->MarkStarted("m", "cfg", test, *run).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - again,
            std::chrono::milliseconds(100));
  sqlite3_close(holder);
}

// Issue 11: "disk I/O error: disk I/O error", "table tests already exists:
// table tests already exists": SQLite's text once, with the store's path.
TEST_F(StoreTest, ErrorsNameTheStoreAndSayEachThingOnce) {
  Record(store_.get(), "cfg", 1);
  store_.reset();
  Sql(store_path_, "PRAGMA user_version = 0;");  // "migrate" into its tables
  auto store = SqliteStore::Open(store_path_);
  ASSERT_FALSE(store.ok());
  const std::string message(store.status().message());
  EXPECT_NE(message.find("store " + store_path_), std::string::npos) << message;
  EXPECT_EQ(message.find("already exists"), message.rfind("already exists"))
      << message;
}

}  // namespace

}  // namespace itr::skipper
