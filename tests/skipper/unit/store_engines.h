// Both store engines for the tests that hold for either (the skip rule,
// history, lines): SQLite on a file, PostgreSQL on the real server that
// tests/skipper/pg/postgres-server started (ITR_TEST_POSTGRES: its
// connection string). Each PostgreSQL test gets its own repository key,
// so tests share the server's database without seeing each other.
#ifndef ITR_TESTS_SKIPPER_UNIT_STORE_ENGINES_H_
#define ITR_TESTS_SKIPPER_UNIT_STORE_ENGINES_H_

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "skipper/store/postgres_store.h"
#include "skipper/store/sqlite_store.h"

namespace itr::skipper {

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

// The server's connection string, or "" (the PostgreSQL cases skip).
inline std::string TestPostgres() {
  const char* conninfo = std::getenv("ITR_TEST_POSTGRES");
  return conninfo == nullptr ? "" : conninfo;
}

// A repository key no other test (or process) uses.
inline std::string UniqueRepository() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return absl::StrCat(test != nullptr ? test->name() : "test", "-", getpid(),
                      "-", counter++);
}

// A new, empty store: SQLite at `sqlite_path`, or PostgreSQL under
// `repository` (UniqueRepository() when empty).
inline absl::StatusOr<std::unique_ptr<Store>> OpenTestStore(
    Engine engine, const std::string& sqlite_path,
    std::string repository = "") {
  if (engine == Engine::kSqlite) {
    auto store = SqliteStore::Open(sqlite_path);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  PostgresStoreOptions options;
  options.repository = repository.empty() ? UniqueRepository() : repository;
  auto store = PostgresStore::Open(TestPostgres(), options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

#define ITR_SKIP_WITHOUT_SERVER(engine)                      \
  if ((engine) == ::itr::skipper::Engine::kPostgres &&       \
      ::itr::skipper::TestPostgres().empty()) {              \
    GTEST_SKIP() << "no PostgreSQL server (run through "     \
                    "tests/skipper/pg/postgres-server run)"; \
  }

}  // namespace itr::skipper

#endif  // ITR_TESTS_SKIPPER_UNIT_STORE_ENGINES_H_
