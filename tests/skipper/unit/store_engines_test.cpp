// skipper/store: what holds for both engines (history, lines), and the
// PostgreSQL store's own behaviour on a real server: many writers at once,
// first use by many processes, repositories sharing a database, bounded
// waits when the server is unreachable, refuses or stops answering, and
// passwords kept out of every message.
#include "store_engines.h"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "skipper/backend/open_store.h"
#include "skipper/base/redact_secrets.h"
#include "skipper/config/settings.h"
#include "skipper/store/pg_connection.h"
#include "skipper/store/store_location.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class StoreEngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ITR_SKIP_WITHOUT_SERVER(GetParam());
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrReplaceAll(
               absl::StrCat("itr-engine-", ::testing::UnitTest::GetInstance()
                                               ->current_test_info()
                                               ->name()),
               {{"/", "-"}});
    fs::remove_all(dir_);
    auto store = OpenTestStore(GetParam(), (dir_ / "itr.sqlite").string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

// History (itr report): each test of each run, and why it ran, from the
// previous record as the store had it.
TEST_P(StoreEngineTest, HistorySaysWhyEachTestRan) {
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
TEST_P(StoreEngineTest, TestLinesBelongToTheirRecord) {
  ASSERT_TRUE(store_->SetTestLines(7, 1, "lines of run 1").ok());
  auto lines = store_->TestLines(7, 1);
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(*lines, "lines of run 1");
  EXPECT_TRUE(absl::IsNotFound(store_->TestLines(7, 2).status()));
  ASSERT_TRUE(store_->SetTestLines(7, 2, "lines of run 2").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->TestLines(7, 1).status()));
}

// A batch holding one test twice (a repeated test) keeps the last result;
// planning reads every record of the module and nothing of another one.
TEST_P(StoreEngineTest, BatchesKeepTheLastResultOfARepeatedTest) {
  auto run = store_->BeginRun("m", "c");
  ASSERT_TRUE(run.ok());
  TestIdentity a{"m", "S", "A", "", "a.cc", 1};
  TestIdentity b{"m", "S", "B", "", "b.cc", 2};
  ASSERT_TRUE(store_->MarkStarted("m", "c", {a, b, a}, *run).ok());
  std::vector<Store::TestResult> results;
  results.push_back({a, {TestOutcome::kFailed, 1, true, false}, {}, {}});
  results.push_back({b, {TestOutcome::kPassed, 2, true, false}, {}, {}});
  results.push_back({a, {TestOutcome::kPassed, 3, true, false}, {}, {}});
  ASSERT_TRUE(store_->RecordResults("m", "c", *run, results).ok());
  ASSERT_TRUE(store_->SetRunDependencies(*run, {}, true).ok());
  auto records = store_->LoadPlanningRecords("m", "c", 2);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->rows.size(), 2u);
  for (const auto& row : records->rows) {
    EXPECT_EQ(row.status, "passed") << records->key(row);
    EXPECT_TRUE(row.run_finished);
  }
  auto other = store_->LoadTests("m", "other");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
  auto summary = store_->Summarize();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->tests, 2);
  EXPECT_EQ(summary->passed, 2);
  auto modules = store_->Modules();
  ASSERT_TRUE(modules.ok());
  EXPECT_EQ(modules->size(), 1u);
}

// Function sets, coarse dependencies, objects and the stat cache come back
// as they were written; Reset forgets them.
TEST_P(StoreEngineTest, DependenciesObjectsAndStatCacheRoundTrip) {
  auto run = store_->BeginRun("m", "c");
  ASSERT_TRUE(run.ok());
  TestIdentity a{"m", "S", "A", "", "", 0};
  Dependency interned{kFunctionDependency, "g()", "fp-g"};
  Store::TestResult result{a, {TestOutcome::kPassed, 1, true, false}, {}, {}};
  result.deps.coarse.push_back({kFileDependency, "src/a.cc", "1"});
  result.deps.functions.push_back({kFunctionDependency, "f()", "fp-f"});
  result.interned_functions.push_back(&interned);
  ASSERT_TRUE(store_->RecordResults("m", "c", *run, {result}).ok());
  DependencySet session;
  session.coarse.push_back({kFileDependency, "src/init.cc", "1"});
  ASSERT_TRUE(store_->SetRunDependencies(*run, session, true).ok());
  auto records = store_->LoadTests("m", "c");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  auto deps = store_->TestDependencies((*records)[0].id);
  ASSERT_TRUE(deps.ok()) << deps.status();
  ASSERT_EQ(deps->coarse.size(), 1u);
  EXPECT_EQ(deps->coarse[0].key, "src/a.cc");
  ASSERT_EQ(deps->functions.size(), 2u);
  auto functions = store_->TestFunctions((*records)[0].id);
  ASSERT_TRUE(functions.ok());
  EXPECT_EQ(functions->size(), 2u);
  auto run_deps = store_->RunDependencies((*records)[0].run_id);
  ASSERT_TRUE(run_deps.ok());
  ASSERT_EQ(run_deps->coarse.size(), 1u);
  auto fingerprints = store_->LoadFingerprints(false);
  ASSERT_TRUE(fingerprints.ok());
  std::vector<int64_t> ids;
  for (const auto& fp : *fingerprints) {
    // (A shared store holds other records' fingerprints too.)
    if (fp.dependency.key == "src/a.cc" && fp.dependency.fingerprint == "1") {
      ids.push_back(fp.id);
    }
  }
  ASSERT_EQ(ids.size(), 1u);
  auto dependents = store_->TestsDependingOn(ids);
  ASSERT_TRUE(dependents.ok());
  bool found = false;
  for (const auto& [test, fp] : *dependents) found |= test == (*records)[0].id;
  EXPECT_TRUE(found);

  ASSERT_TRUE(store_->SetObjectPaths("m", {{"lib.so", "/b/lib.so"}}).ok());
  ASSERT_TRUE(store_->SetObjectPaths("m", {{"lib.so", "/c/lib.so"}}).ok());
  auto objects = store_->ObjectPaths("m");
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ((*objects)["lib.so"], "/c/lib.so");
  ASSERT_TRUE(
      store_->SaveStatCache({{"src/a.cc", StatEntry{1, 2, 3, 4, "fp"}}}).ok());
  auto cache = store_->LoadStatCache();
  ASSERT_TRUE(cache.ok());
  EXPECT_EQ((*cache)["src/a.cc"].fingerprint, "fp");
  EXPECT_EQ((*cache)["src/a.cc"].inode, 4);

  ASSERT_TRUE(store_->Reset().ok());
  auto empty = store_->Summarize();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->tests, 0);
  EXPECT_EQ(empty->runs, 0);
  EXPECT_TRUE(store_->LoadStatCache()->empty());
}

// Balanced shards: the first plan published under a key is the one every
// shard of that run reads, also when the shards publish at the same time
// (each with its own connection); another key is another run.
TEST_P(StoreEngineTest, TheFirstShardPlanOfARunIsTheOneEveryShardGets) {
  auto first = store_->SharedShardPlan("run-a", "plan of shard 2");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "plan of shard 2");
  EXPECT_EQ(*store_->SharedShardPlan("run-a", "plan of shard 0"),
            "plan of shard 2");
  EXPECT_EQ(*store_->SharedShardPlan("run-b", "plan of shard 1"),
            "plan of shard 1");
  // Used plans survive garbage collection.
  ASSERT_TRUE(store_->CollectGarbage().ok());
  EXPECT_EQ(*store_->SharedShardPlan("run-a", "late"), "plan of shard 2");

  const std::string repository = UniqueRepository();
  constexpr int kShards = 8;
  std::vector<std::string> got(kShards);
  std::vector<std::thread> shards;
  for (int s = 0; s < kShards; ++s) {
    shards.emplace_back([&, s] {
      auto store =
          OpenTestStore(GetParam(), (dir_ / "itr.sqlite").string(), repository);
      if (!store.ok()) {
        got[s] = store.status().ToString();
        return;
      }
      auto plan = (*store)->SharedShardPlan("run-c", absl::StrCat("shard ", s));
      got[s] = plan.ok() ? *plan : plan.status().ToString();
    });
  }
  for (std::thread& t : shards) t.join();
  EXPECT_TRUE(absl::StartsWith(got[0], "shard ")) << got[0];
  for (int s = 1; s < kShards; ++s) EXPECT_EQ(got[s], got[0]);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreEngineTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);

// --- where the store is, and its secrets ---

TEST(StoreLocationTest, PostgresIsSelectedByUriOrKeyValuePairs) {
  EXPECT_TRUE(IsPostgresLocation("postgresql://ci@db/itr"));
  EXPECT_TRUE(IsPostgresLocation("postgres://db/itr"));
  EXPECT_TRUE(IsPostgresLocation("host=db dbname=itr"));
  EXPECT_TRUE(IsPostgresLocation("service=itr"));
  EXPECT_FALSE(IsPostgresLocation("/repo/.itr/itr.sqlite"));
  EXPECT_FALSE(IsPostgresLocation("store.sqlite"));
  EXPECT_FALSE(IsPostgresLocation("./a=b.sqlite"));
  EXPECT_FALSE(IsPostgresLocation(""));
}

TEST(StoreLocationTest, PasswordsAreRedacted) {
  EXPECT_EQ(
      RedactSecrets("postgresql://ci:s3cr%40t@db:5432/itr?sslmode=require"),
      "postgresql://ci:***@db:5432/itr?sslmode=require");
  EXPECT_EQ(RedactSecrets("postgres://ci@db/itr"), "postgres://ci@db/itr");
  EXPECT_EQ(RedactSecrets("host=db password=s3cret dbname=itr"),
            "host=db password=*** dbname=itr");
  EXPECT_EQ(RedactSecrets("host=db password = 'a b\\' c' dbname=itr"),
            "host=db password = *** dbname=itr");
  EXPECT_EQ(RedactSecrets("postgresql:///itr?host=/s&password=s3cret&x=1"),
            "postgresql:///itr?host=/s&password=***&x=1");
  EXPECT_EQ(RedactSecrets("PASSWORD=s3cret"), "PASSWORD=***");
  EXPECT_EQ(RedactSecrets("no_password_here=1 mypassword=x"),
            "no_password_here=1 mypassword=x");
}

// --- PostgreSQL only ---

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgres().empty()) GTEST_SKIP() << "no PostgreSQL server";
  }
  // A connection string for database `name`, created empty.
  std::string NewDatabase(const std::string& name) {
    auto admin = PgConnection::Connect(TestPostgres(), "test", {});
    EXPECT_TRUE(admin.ok()) << admin.status();
    if (!admin.ok()) return "";
    (*admin)->Command("DROP DATABASE IF EXISTS " + name, "drop").IgnoreError();
    EXPECT_TRUE((*admin)->Command("CREATE DATABASE " + name, "create").ok());
    return TestPostgres() + " dbname=" + name;
  }
  // Records `tests` passing tests (shared and own functions) in one run.
  static absl::Status RecordRun(Store* store, const std::string& prefix,
                                int tests) {
    auto run = store->BeginRun("m", "c");
    if (!run.ok()) return run.status();
    std::vector<TestIdentity> ids;
    std::vector<Store::TestResult> results;
    for (int i = 0; i < tests; ++i) {
      TestIdentity test{"m", "S", absl::StrCat(prefix, i), "", "", 0};
      ids.push_back(test);
      Store::TestResult r{test, {TestOutcome::kPassed, 1, true, false}, {}, {}};
      r.deps.coarse.push_back({kFileDependency, "src/shared.cc", "1"});
      r.deps.functions.push_back(
          {kFunctionDependency, absl::StrCat("shared", i % 50, "()"), "1"});
      r.deps.functions.push_back(
          {kFunctionDependency, absl::StrCat(prefix, i, "()"), "1"});
      results.push_back(std::move(r));
    }
    absl::Status status = store->MarkStarted("m", "c", ids, *run);
    if (!status.ok()) return status;
    for (size_t i = 0; i < results.size(); i += 64) {
      std::vector<Store::TestResult> batch(
          results.begin() + i,
          results.begin() + std::min(results.size(), i + 64));
      status = store->RecordResults("m", "c", *run, batch);
      if (!status.ok()) return status;
    }
    return store->SetRunDependencies(*run, {}, true);
  }
};

// 16 processes' worth of writers (own connections) at once, sharing new
// fingerprints: no record is lost, none waits for ever.
TEST_F(PostgresStoreTest, SixteenConcurrentWritersLoseNoRecord) {
  const std::string repository = UniqueRepository();
  constexpr int kWriters = 16, kTests = 200;
  std::vector<absl::Status> statuses(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      PostgresStoreOptions options;
      options.repository = repository;
      auto store = PostgresStore::Open(TestPostgres(), options);
      statuses[w] = store.ok() ? RecordRun(store->get(),
                                           absl::StrCat("w", w, "_"), kTests)
                               : store.status();
    });
  }
  for (std::thread& t : writers) t.join();
  for (const absl::Status& s : statuses) EXPECT_TRUE(s.ok()) << s;
  PostgresStoreOptions options;
  options.repository = repository;
  auto store = PostgresStore::Open(TestPostgres(), options);
  ASSERT_TRUE(store.ok());
  auto records = (*store)->LoadTests("m", "c");
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), size_t{kWriters * kTests});
  for (const TestRecord& r : *records) {
    EXPECT_EQ(r.status, "passed") << r.key;
    EXPECT_TRUE(r.run_finished) << r.key;
  }
}

// Many runners start at once on a new database: one creates the schema
// under the advisory lock, every one opens it.
TEST_F(PostgresStoreTest, FirstUseByManyRunnersCreatesTheSchemaOnce) {
  const std::string conninfo = NewDatabase("itr_first_use");
  ASSERT_FALSE(conninfo.empty());
  PostgresStoreOptions read_only;
  read_only.read_only = true;
  EXPECT_TRUE(
      absl::IsNotFound(PostgresStore::Open(conninfo, read_only).status()));
  std::vector<absl::Status> statuses(8);
  std::vector<std::thread> runners;
  for (int i = 0; i < 8; ++i) {
    runners.emplace_back(
        [&, i] { statuses[i] = PostgresStore::Open(conninfo).status(); });
  }
  for (std::thread& t : runners) t.join();
  for (const absl::Status& s : statuses) EXPECT_TRUE(s.ok()) << s;
  auto store = PostgresStore::Open(conninfo, read_only);
  ASSERT_TRUE(store.ok()) << store.status();
  auto migrated = (*store)->Migrate();
  EXPECT_TRUE(absl::IsFailedPrecondition(migrated.status()));
}

// A schema written by a newer itr-cpp is refused and left as it is.
TEST_F(PostgresStoreTest, ANewerSchemaIsLeftAlone) {
  const std::string conninfo = NewDatabase("itr_newer_schema");
  ASSERT_FALSE(conninfo.empty());
  ASSERT_TRUE(PostgresStore::Open(conninfo).ok());
  auto admin = PgConnection::Connect(conninfo, "test", {});
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)
                  ->Command("UPDATE itr.schema_version SET version = 99", "set")
                  .ok());
  auto store = PostgresStore::Open(conninfo);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  auto version =
      (*admin)->Exec("SELECT version FROM itr.schema_version", {}, "read");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->Int(0, 0), 99);
}

// Several repositories share one database: each sees, resets and
// summarizes only its own records.
TEST_F(PostgresStoreTest, RepositoriesShareTheDatabaseApart) {
  PostgresStoreOptions a, b;
  a.repository = UniqueRepository();
  b.repository = UniqueRepository();
  auto store_a = PostgresStore::Open(TestPostgres(), a);
  auto store_b = PostgresStore::Open(TestPostgres(), b);
  ASSERT_TRUE(store_a.ok() && store_b.ok());
  ASSERT_TRUE(RecordRun(store_a->get(), "a", 3).ok());
  ASSERT_TRUE(RecordRun(store_b->get(), "b", 2).ok());
  EXPECT_EQ((*store_a)->LoadTests("m", "c")->size(), 3u);
  EXPECT_EQ((*store_b)->LoadTests("m", "c")->size(), 2u);
  ASSERT_TRUE((*store_b)->Reset().ok());
  EXPECT_EQ((*store_b)->Summarize()->tests, 0);
  EXPECT_EQ((*store_a)->Summarize()->tests, 3);
  EXPECT_EQ((*store_a)->RunHistory()->size(), 1u);
}

// The planner's snapshot does not see a batch committed during it.
TEST_F(PostgresStoreTest, PlanningReadsOneSnapshot) {
  PostgresStoreOptions options;
  options.repository = UniqueRepository();
  auto reader = PostgresStore::Open(TestPostgres(), options);
  auto writer = PostgresStore::Open(TestPostgres(), options);
  ASSERT_TRUE(reader.ok() && writer.ok());
  ASSERT_TRUE(RecordRun(writer->get(), "first", 2).ok());
  {
    Store::Snapshot snapshot(reader->get());
    ASSERT_TRUE(snapshot.status().ok()) << snapshot.status();
    EXPECT_EQ((*reader)->LoadTests("m", "c")->size(), 2u);
    ASSERT_TRUE(RecordRun(writer->get(), "second", 2).ok());
    EXPECT_EQ((*reader)->LoadTests("m", "c")->size(), 2u);
  }
  EXPECT_EQ((*reader)->LoadTests("m", "c")->size(), 4u);
}

// Refused, unreachable, TLS required by a server without it: Unavailable
// within the connect timeout, and the password in no message.
TEST_F(PostgresStoreTest, ConnectionFailuresAreBoundedAndKeepThePassword) {
  const std::string wrong = "w7ong-Pa55word";
  const std::string dir = std::getenv("ITR_TEST_POSTGRES_DIR")
                              ? std::getenv("ITR_TEST_POSTGRES_DIR")
                              : "/nonexistent";
  const std::vector<std::string> locations = {
      TestPostgres() + " password=" + wrong,
      absl::StrCat("postgresql://itr:", wrong, "@/itr?host=", dir),
      absl::StrCat("postgresql://itr:", wrong,
                   "@/itr?host=/nonexistent-itr-dir"),
      absl::StrCat("postgresql://itr:", wrong, "@127.0.0.1:1/itr"),
      TestPostgres() + " sslmode=require password=" + wrong,
  };
  for (const std::string& location : locations) {
    SCOPED_TRACE(RedactSecrets(location));
    Settings settings;
    settings.store_repository = "r";
    settings.store_connect_timeout_s = 2;
    auto start = Clock::now();
    auto store = OpenStore(settings, location, {});
    EXPECT_LT(SecondsSince(start), 5.0);
    ASSERT_FALSE(store.ok());
    EXPECT_TRUE(absl::IsUnavailable(store.status())) << store.status();
    EXPECT_FALSE(absl::StrContains(store.status().ToString(), wrong))
        << store.status();
  }
}

// Retention: gc deletes the records of tests neither run nor skipped for
// retention_days (a deleted test), and keeps the others.
TEST_F(PostgresStoreTest, GarbageCollectionForgetsTestsGoneForLong) {
  PostgresStoreOptions options;
  options.repository = UniqueRepository();
  options.retention_days = 30;
  auto store = PostgresStore::Open(TestPostgres(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(RecordRun(store->get(), "t", 3).ok());
  auto records = (*store)->LoadTests("m", "c");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 3u);
  // Every record last seen 40 days ago; then t0 is skipped today.
  auto admin = PgConnection::Connect(TestPostgres(), "test", {});
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE((*admin)
                  ->Exec("UPDATE itr.tests SET updated_at = updated_at - "
                         "40 * 86400 WHERE repository = $1",
                         {options.repository}, "age")
                  .ok());
  int64_t t0 = 0;
  for (const TestRecord& r : *records) {
    if (r.key == "S.t0") t0 = r.id;
  }
  ASSERT_NE(t0, 0);
  ASSERT_TRUE((*store)->RecordSkips(0, {t0}).ok());
  auto deleted = (*store)->CollectGarbage();
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_GE(*deleted, 2);
  auto kept = (*store)->LoadTests("m", "c");
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].key, "S.t0");
}

// The least-privilege role of docs/store-postgresql.md (rows only, no
// DDL) records, plans and collects garbage on a schema its owner created.
TEST_F(PostgresStoreTest, TheDocumentedLeastPrivilegeRoleSuffices) {
  const std::string conninfo = NewDatabase("itr_least_privilege");
  ASSERT_FALSE(conninfo.empty());
  ASSERT_TRUE(PostgresStore::Open(conninfo).ok());  // the owner migrates
  auto admin = PgConnection::Connect(conninfo, "test", {});
  ASSERT_TRUE(admin.ok()) << admin.status();
  (*admin)->Command("DROP OWNED BY itr_ci", "drop").IgnoreError();
  (*admin)->Command("DROP ROLE IF EXISTS itr_ci", "drop").IgnoreError();
  for (const char* sql : {
           "CREATE ROLE itr_ci LOGIN PASSWORD 'ci-pass'",
           "GRANT CONNECT ON DATABASE itr_least_privilege TO itr_ci",
           "GRANT USAGE ON SCHEMA itr TO itr_ci",
           "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA itr "
           "TO itr_ci",
           "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA itr TO itr_ci",
       }) {
    ASSERT_TRUE((*admin)->Command(sql, "grant").ok()) << sql;
  }
  PostgresStoreOptions options;
  options.repository = "least-privilege";
  auto store =
      PostgresStore::Open(conninfo + " user=itr_ci password=ci-pass", options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(RecordRun(store->get(), "t", 5).ok());
  {
    Store::Snapshot snapshot(store->get());
    ASSERT_TRUE(snapshot.status().ok());
    EXPECT_EQ((*store)->LoadPlanningRecords("m", "c", 5)->rows.size(), 5u);
  }
  EXPECT_EQ(*(*store)->SharedShardPlan("run", "plan"), "plan");
  EXPECT_TRUE((*store)->CollectGarbage().ok());
  EXPECT_TRUE((*store)->Reset().ok());
  // A current schema needs no migration, hence no DDL privilege.
  auto current = (*store)->Migrate();
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(*current, PostgresStore::kSchemaVersion);
}

// A server that stops answering (SIGSTOP) mid-run costs one bounded wait;
// every later call fails at once.
TEST_F(PostgresStoreTest, AServerThatStopsAnsweringCostsOneBoundedWait) {
  const char* dir = std::getenv("ITR_TEST_POSTGRES_DIR");
  if (dir == nullptr) GTEST_SKIP() << "the server's directory is unknown";
  PostgresStoreOptions options;
  options.repository = UniqueRepository();
  options.statement_timeout_ms = 1000;
  auto store = PostgresStore::Open(TestPostgres(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string script = std::string(ITR_POSTGRES_SERVER_SCRIPT) + " ";
  ASSERT_EQ(std::system((script + "pause " + dir).c_str()), 0);
  auto start = Clock::now();
  auto tests = (*store)->LoadTests("m", "c");
  double first = SecondsSince(start);
  start = Clock::now();
  absl::Status again = RecordRun(store->get(), "x", 1);
  double second = SecondsSince(start);
  ASSERT_EQ(std::system((script + "resume " + dir).c_str()), 0);
  EXPECT_TRUE(absl::IsUnavailable(tests.status())) << tests.status();
  EXPECT_LT(first, 4.0);
  EXPECT_FALSE(again.ok());
  EXPECT_LT(second, 0.5);
  // The server is fine again for everyone else.
  EXPECT_TRUE(PostgresStore::Open(TestPostgres(), options).ok());
}

}  // namespace
}  // namespace itr::skipper
