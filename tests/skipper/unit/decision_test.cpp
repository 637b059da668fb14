// skipper/decision (with skipper/store): the skip rule on real source files
// and both store engines (a real SQLite file, a real PostgreSQL server).
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "skipper/backend/local_state.h"
#include "skipper/decision/skip_planner.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "store_engines.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

class PlannerTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    ITR_SKIP_WITHOUT_SERVER(GetParam());
    dir_ =
        fs::path(::testing::TempDir()) /
        ("itr-store-" +
         std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "repo" / "src");
    Write("src/a.cpp", "int a;");
    Write("src/b.cpp", "int b;");
    Write("src/init.cpp", "int init;");
    store_path_ = (dir_ / ".itr" / "itr.sqlite").string();
    auto store = OpenTestStore(GetParam(), store_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void Write(const std::string& path, const std::string& text) {
    std::ofstream(dir_ / "repo" / path) << text;
    // In the past: the stat cache may trust it, and it predates "the build".
    struct timespec past[2] = {{1600000000, 0}, {1600000000, 0}};
    utimensat(AT_FDCWD, (dir_ / "repo" / path).c_str(), past, 0);
  }

  Dependency File(const std::string& path) {
    FileFingerprinter fp((dir_ / "repo").string());
    return {kFileDependency, path, fp.BuiltSource(path, kNoBuildTime)};
  }

  TestIdentity Id(const std::string& name) {
    return {"tests", "Suite", name, "", "", 0};
  }

  static DependencySet Coarse(std::vector<Dependency> deps) {
    DependencySet set;
    set.coarse = std::move(deps);
    return set;
  }

  static Store::Result Passed(double ms) {
    return {TestOutcome::kPassed, ms, true, false};
  }

  // One finished run: A covers a.cpp, B covers b.cpp; session: init.cpp.
  void RecordBaseline(TestOutcome b_outcome = TestOutcome::kPassed,
                      bool finish = true) {
    auto run = store_->BeginRun("tests", "cfg");
    ASSERT_TRUE(run.ok());
    ASSERT_TRUE(store_
                    ->RecordResult("tests", "cfg", Id("A"), *run, Passed(5),
                                   Coarse({File("src/a.cpp")}))
                    .ok());
    ASSERT_TRUE(store_
                    ->RecordResult("tests", "cfg", Id("B"), *run,
                                   {b_outcome, 7, true, false},
                                   Coarse({File("src/b.cpp")}))
                    .ok());
    ASSERT_TRUE(
        store_->SetRunDependencies(*run, Coarse({File("src/init.cpp")}), finish)
            .ok());
  }

  std::vector<TestDecision> Plan(const Settings& settings = Settings(),
                                 bool a_unskippable = false) {
    std::vector<PlannedTest> tests(3);
    tests[0].identity = Id("A");
    tests[0].unskippable = a_unskippable;
    tests[0].unskippable_reason = "marker";
    tests[1].identity = Id("B");
    tests[2].identity = Id("New");
    auto decisions = SkipPlanner(store_.get(), State())
                         .Plan("tests", "cfg", tests, settings);
    EXPECT_TRUE(decisions.ok()) << decisions.status();
    return decisions.ok() ? *decisions : std::vector<TestDecision>{};
  }

  // What the working tree is now, as the CLI sees it (no build time).
  LocalState* State() {
    files_ = std::make_unique<FileFingerprinter>((dir_ / "repo").string());
    objects_ = std::make_unique<ObjectIndexes>(IndexLocation{});
    state_ = std::make_unique<LocalState>(files_.get(), objects_.get(),
                                          ::getenv, kNoBuildTime);
    return state_.get();
  }

  fs::path dir_;
  std::string store_path_;
  std::unique_ptr<FileFingerprinter> files_;
  std::unique_ptr<ObjectIndexes> objects_;
  std::unique_ptr<LocalState> state_;
  std::unique_ptr<Store> store_;
};

TEST_P(PlannerTest, UnchangedPassedTestsAreSkippedNewOnesRun) {
  RecordBaseline();
  auto d = Plan();
  EXPECT_TRUE(d[0].skip) << d[0].reason;
  EXPECT_TRUE(d[1].skip) << d[1].reason;
  EXPECT_FALSE(d[2].skip);
  EXPECT_NE(d[2].reason.find("new test"), std::string::npos);
  EXPECT_DOUBLE_EQ(d[0].estimated_saving_ms, 5);
}

TEST_P(PlannerTest, AChangedFileRunsExactlyItsTests) {
  RecordBaseline();
  Write("src/a.cpp", "int a = 1;");
  auto d = Plan();
  EXPECT_FALSE(d[0].skip);
  EXPECT_EQ(d[0].reason, "changed: src/a.cpp");
  EXPECT_TRUE(d[1].skip);
}

TEST_P(PlannerTest, ADeletedFileIsAChange) {
  RecordBaseline();
  fs::remove(dir_ / "repo" / "src" / "b.cpp");
  EXPECT_FALSE(Plan()[1].skip);
}

TEST_P(PlannerTest, ASessionChangeRunsEveryTestOfThatRun) {
  RecordBaseline();
  Write("src/init.cpp", "int init = 2;");
  auto d = Plan();
  EXPECT_FALSE(d[0].skip);
  EXPECT_FALSE(d[1].skip);
  EXPECT_EQ(d[0].reason, "session dependency changed: src/init.cpp");
}

TEST_P(PlannerTest, FailedRunningAndUnfinishedRecordsRun) {
  RecordBaseline(TestOutcome::kFailed);
  EXPECT_FALSE(Plan()[1].skip);
  ASSERT_TRUE(store_->MarkStarted("tests", "cfg", Id("A"), 99).ok());
  EXPECT_EQ(Plan()[0].reason, "its last run did not finish (crash or abort)");
}

TEST_P(PlannerTest, TestsOfARunThatDidNotFinishRun) {
  RecordBaseline(TestOutcome::kPassed, /*finish=*/false);
  EXPECT_FALSE(Plan()[0].skip);
}

TEST_P(PlannerTest, IncompleteCoverageAndUnknownFingerprintsRun) {
  auto run = store_->BeginRun("tests", "cfg");
  ASSERT_TRUE(store_
                  ->RecordResult("tests", "cfg", Id("A"), *run,
                                 {TestOutcome::kPassed, 1, false, false}, {})
                  .ok());
  ASSERT_TRUE(
      store_
          ->RecordResult("tests", "cfg", Id("B"), *run, Passed(1),
                         Coarse({{"file", "src/b.cpp", kUnknownFingerprint}}))
          .ok());
  ASSERT_TRUE(store_->SetRunDependencies(*run, {}, true).ok());
  auto d = Plan();
  EXPECT_EQ(d[0].reason, "its coverage was incomplete");
  EXPECT_FALSE(d[1].skip);
}

TEST_P(PlannerTest, UnknownDependencyKindsReadAsChanged) {
  auto run = store_->BeginRun("tests", "cfg");
  ASSERT_TRUE(store_
                  ->RecordResult("tests", "cfg", Id("A"), *run, Passed(1),
                                 Coarse({{"future-kind", "PATH", "x"}}))
                  .ok());
  ASSERT_TRUE(store_->SetRunDependencies(*run, {}, true).ok());
  EXPECT_FALSE(Plan()[0].skip);
}

TEST_P(PlannerTest, OtherConfigurationsDoNotCount) {
  RecordBaseline();
  std::vector<PlannedTest> tests(1);
  tests[0].identity = Id("A");
  auto d =
      SkipPlanner(store_.get(), State()).Plan("tests", "other-cfg", tests, {});
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE((*d)[0].skip);
}

TEST_P(PlannerTest, UnskippableCollectOnlyDisabledAndSuiteLevel) {
  RecordBaseline();
  auto forced = Plan(Settings(), /*a_unskippable=*/true);
  EXPECT_FALSE(forced[0].skip);
  EXPECT_TRUE(forced[0].forced);
  Settings collect;
  collect.collect_only = true;
  EXPECT_FALSE(Plan(collect)[1].skip);
  Settings off;
  off.itr_enabled = false;
  EXPECT_FALSE(Plan(off)[0].skip);
  Settings suite;
  suite.level = SkipLevel::kSuite;
  auto d = Plan(suite);  // "New" is in the same suite and must run
  EXPECT_FALSE(d[0].skip);
  EXPECT_FALSE(d[1].skip);
}

TEST_P(PlannerTest, GarbageCollectionKeepsWhatDecisionsNeed) {
  RecordBaseline();
  Write("src/a.cpp", "int a = 1;");
  RecordBaseline();  // a second run: the first one and old a.cpp are orphans
  auto deleted = store_->CollectGarbage();
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_GT(*deleted, 0);
  auto d = Plan();
  EXPECT_TRUE(d[0].skip) << d[0].reason;
  EXPECT_TRUE(d[1].skip) << d[1].reason;
  Write("src/init.cpp", "int init = 3;");
  EXPECT_FALSE(Plan()[0].skip) << "the live run's session dependencies remain";
  auto again = store_->CollectGarbage();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_P(PlannerTest, DecisionsCarryTheRecordedDurationWhateverTheyDecide) {
  RecordBaseline(TestOutcome::kFailed);
  std::vector<TestDecision> d = Plan();
  ASSERT_EQ(d.size(), 3u);
  EXPECT_TRUE(d[0].skip);
  EXPECT_EQ(d[0].recorded_duration_ms, 5.0);
  EXPECT_FALSE(d[1].skip);  // failed last time: runs, with its duration
  EXPECT_EQ(d[1].recorded_duration_ms, 7.0);
  EXPECT_EQ(d[2].recorded_duration_ms, std::nullopt);  // never recorded
}

INSTANTIATE_TEST_SUITE_P(Engines, PlannerTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);

}  // namespace
}  // namespace itr::skipper
