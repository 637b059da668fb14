// skipper/store: the SQLite store's own behaviour on real files.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "scratch_repo.h"
#include "skipper/store/sqlite_store.h"

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
  auto rebuilt = SqliteStore::RecreateCorrupt(store_path_);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
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

// History (itr report): each test of each run, and why it ran, from the
// previous record as the store had it.
TEST_F(StoreTest, HistorySaysWhyEachTestRan) {
  TestIdentity a, b;
  a.suite = b.suite = "Suite";
  a.name = "A";
  b.name = "B";
  DependencySet v1{{{"file", "src/a.cc", "1"}, {"file", "src/b.cc", "1"}}, {}};
  DependencySet v2{{{"file", "src/a.cc", "2"}, {"file", "src/b.cc", "1"}}, {}};
  Store::Result passed{TestOutcome::kPassed, 10, true, false};
  Store::Result failed{TestOutcome::kFailed, 10, true, false};
  auto record = [&](int64_t run, const TestIdentity& test,
                    const Store::Result& result, const DependencySet& deps) {
    ASSERT_TRUE(store_->MarkStarted("m", "c", test, run).ok());
    ASSERT_TRUE(store_->RecordResult("m", "c", test, run, result, deps).ok());
  };
  auto run1 = store_->BeginRun("m", "c");
  ASSERT_TRUE(run1.ok());
  record(*run1, a, passed, v1);
  record(*run1, b, failed, v1);
  ASSERT_TRUE(store_->SetRunDependencies(*run1, {}, /*finished=*/true).ok());
  auto run2 = store_->BeginRun("m", "c");
  ASSERT_TRUE(run2.ok());
  record(*run2, a, passed, v2);
  record(*run2, b, passed, v1);
  ASSERT_TRUE(store_->SetRunDependencies(*run2, {}, /*finished=*/true).ok());
  auto run3 = store_->BeginRun("m", "c");
  ASSERT_TRUE(run3.ok());
  auto records = store_->LoadTests("m", "c");
  ASSERT_TRUE(records.ok());
  std::vector<int64_t> ids;
  for (const TestRecord& r : *records) ids.push_back(r.id);
  ASSERT_TRUE(store_->RecordSkips(*run3, ids).ok());

  auto reasons = [&](int64_t run) {
    std::vector<std::string> out;
    auto tests = store_->RunTests(run);
    EXPECT_TRUE(tests.ok());
    for (const Store::RunTest& t : *tests) {
      out.push_back(t.key + " " + t.outcome + " " + t.reason);
    }
    return out;
  };
  EXPECT_EQ(reasons(*run1),
            (std::vector<std::string>{"Suite.A passed new test",
                                      "Suite.B failed new test"}));
  EXPECT_EQ(reasons(*run2),
            (std::vector<std::string>{"Suite.A passed changed: src/a.cc",
                                      "Suite.B passed failed last time"}));
  EXPECT_EQ(reasons(*run3),
            (std::vector<std::string>{"Suite.A itr_skipped unchanged",
                                      "Suite.B itr_skipped unchanged"}));
  auto history = store_->RunHistory();
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[1].ran, 2);
  EXPECT_EQ((*history)[0].failed, 1);
  EXPECT_EQ((*history)[2].skipped, 2);
  EXPECT_DOUBLE_EQ((*history)[2].saved_ms, 20);
}

// Lines belong to one record: a newer record of the test has none until
// it stores its own.
TEST_F(StoreTest, TestLinesBelongToTheirRecord) {
  ASSERT_TRUE(store_->SetTestLines(7, 1, "lines of run 1").ok());
  auto lines = store_->TestLines(7, 1);
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(*lines, "lines of run 1");
  EXPECT_TRUE(absl::IsNotFound(store_->TestLines(7, 2).status()));
  ASSERT_TRUE(store_->SetTestLines(7, 2, "lines of run 2").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->TestLines(7, 1).status()));
}

}  // namespace
}  // namespace itr::skipper
