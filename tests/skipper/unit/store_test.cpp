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

}  // namespace
}  // namespace itr::skipper
