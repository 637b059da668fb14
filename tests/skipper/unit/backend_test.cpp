// skipper/backend: what a test binary records is only trusted when it is
// whole (LocalBackend on a real store and real files).
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scratch_repo.h"
#include "skipper/backend/local_backend.h"
#include "skipper/store/sqlite_store.h"

namespace itr::skipper {
namespace {

ExecutedCode Executed(std::vector<std::string> files,
                      int64_t built_at_ns = kBuiltNow) {
  ExecutedCode executed;
  executed.complete = true;
  executed.files = std::move(files);
  executed.built_at_ns = built_at_ns;
  return executed;
}

CodeOutsideTests Outside(std::vector<std::string> files) {
  CodeOutsideTests code;
  code.startup = Executed({});
  code.between_tests = Executed(std::move(files));
  return code;
}

class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("src/a.cpp", "int a;");
    settings_.store_path = repo_.store_path();
    // These records name files: the file rule. (Function-level records
    // need indexed binaries: index_test.cpp and the end-to-end tests.)
    settings_.granularity = Granularity::kFile;
  }

  std::unique_ptr<LocalBackend> Open() {
    LocalBackendOptions options;
    options.repo_root = repo_.root();
    options.module = "tests";
    options.configuration = "cfg";
    // Built "now": the source above is older, so it can be trusted.
    options.planning_built_at_ns = kBuiltNow;
    options.getenv = [this](const char* name) -> const char* {
      auto found = env_.find(name);
      return found == env_.end() ? nullptr : found->second.c_str();
    };
    auto backend = LocalBackend::Open(settings_, options, diagnostics_);
    EXPECT_TRUE(backend.ok()) << backend.status();
    return backend.ok() ? std::move(*backend) : nullptr;
  }

  // Records one passing test that executed `executed`, then plans it.
  TestDecision RecordThenPlan(const ExecutedCode& executed, bool clean_end) {
    {
      auto backend = Open();
      backend->OutsideTestsExecuted(Outside({"src/a.cpp"}), false);
      backend->TestStarted(test_);
      TestRun run;
      run.identity = test_;
      run.executed = executed;
      backend->TestFinished(run);
      backend->OutsideTestsExecuted(Outside({"src/a.cpp"}), clean_end);
      EXPECT_EQ(backend->FirstError(), "");
    }
    return Plan();
  }

  TestDecision Plan() {
    std::vector<PlannedTest> planned(1);
    planned[0].identity = test_;
    auto decisions = Open()->Plan(planned);
    EXPECT_TRUE(decisions.ok());
    return (*decisions)[0];
  }

  ScratchRepo repo_;
  std::map<std::string, std::string> env_;  // the planner's environment
  Settings settings_;
  Diagnostics diagnostics_{[](const std::string&) {}};
  TestIdentity test_{"tests", "Suite", "Case", "", "", 0};
};

TEST_F(LocalBackendTest, AWholeRecordIsSkippedNextTime) {
  EXPECT_TRUE(RecordThenPlan(Executed({"src/a.cpp"}), true).skip);
}

TEST_F(LocalBackendTest, ATestThatExecutedNoRepositoryFileRuns) {
  TestDecision d = RecordThenPlan(Executed({}), true);
  EXPECT_FALSE(d.skip) << "nothing could ever mark it changed";
}

TEST_F(LocalBackendTest, AMissingCoveredFileIsAnUnknownDependency) {
  EXPECT_FALSE(
      RecordThenPlan(Executed({"src/generated_then_deleted.cpp"}), true).skip);
}

TEST_F(LocalBackendTest, ARunThatEndedWithAFailureOutsideTestsIsNotTrusted) {
  TestDecision d = RecordThenPlan(Executed({"src/a.cpp"}), /*clean_end=*/false);
  EXPECT_FALSE(d.skip);
  EXPECT_EQ(d.reason, "the run that recorded it did not finish cleanly");
}

TEST_F(LocalBackendTest, UnknownBuildTimeTrustsNothing) {
  EXPECT_FALSE(
      RecordThenPlan(Executed({"src/a.cpp"}, /*built_at_ns=*/0), true).skip);
}

TEST_F(LocalBackendTest, LaunchedTestsRunUntilTheyEnd) {
  EXPECT_TRUE(RecordThenPlan(Executed({"src/a.cpp"}), true).skip);
  Open()->TestsLaunched({test_});
  EXPECT_EQ(Plan().reason, "its last run did not finish (crash or abort)");
}

TEST_F(LocalBackendTest, AProcessThatDiesLeavesItsUnwrittenResultsRunning) {
  EXPECT_TRUE(RecordThenPlan(Executed({"src/a.cpp"}), true).skip);
  // A process marks the tests it will run, finishes one (its result waits
  // to be written in a batch) and dies before the end of the run.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto backend = Open();
    backend->TestsWillRun({test_});
    TestRun run;
    run.identity = test_;
    run.executed = Executed({"src/a.cpp"});
    backend->TestFinished(run);
    _exit(0);  // no destructor, no final write
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(Plan().reason, "its last run did not finish (crash or abort)");
}

// A process that skips every test writes its skips into the history
// (`itr report`) and nothing else: no test record, no finished run.
TEST_F(LocalBackendTest, ASkipOnlyRunWritesOnlyItsHistory) {
  EXPECT_TRUE(RecordThenPlan(Executed({"src/a.cpp"}), true).skip);
  auto history = [&] {
    auto store = SqliteStore::Open(repo_.store_path());
    EXPECT_TRUE(store.ok());
    std::vector<Store::RunSummary> runs;
    if (store.ok()) runs = *(*store)->RunHistory();
    return runs;
  };
  size_t before = history().size();
  {
    auto backend = Open();
    std::vector<PlannedTest> planned(1);
    planned[0].identity = test_;
    auto decisions = backend->Plan(planned);
    ASSERT_TRUE(decisions.ok());
    ASSERT_TRUE((*decisions)[0].skip);
    backend->TestsWillRun({});
    backend->OutsideTestsExecuted(Outside({"src/a.cpp"}), true);
    backend->TestsSkipped({{test_, (*decisions)[0]}});
    EXPECT_EQ(backend->FirstError(), "");
  }
  std::vector<Store::RunSummary> after = history();
  ASSERT_EQ(after.size(), before + 1);
  EXPECT_EQ(after.back().skipped, 1);
  EXPECT_EQ(after.back().ran, 0);
  EXPECT_TRUE(Plan().skip);
}

// The hash the runtime records for a variable's value.
uint64_t ValueHash(const char* value) {
  return std::stoull(EnvironmentFingerprint(value), nullptr, 16);
}

TEST_F(LocalBackendTest, ReadsTheRunnerDefinitionAndTheVariablesItSets) {
  repo_.Write("data/table.csv", "a,b\n");
  env_ = {{"OUTER", "1"}};
  PlannedTest planned;
  planned.identity = test_;
  planned.definition = "definition-1";
  planned.runner_environment = {"MODE"};
  {
    auto backend = Open();
    ASSERT_TRUE(backend->Plan({planned}).ok());
    backend->OutsideTestsExecuted(Outside({"src/a.cpp"}), false);
    backend->TestStarted(test_);
    TestRun run;
    run.identity = test_;
    run.executed = Executed({"src/a.cpp"});
    run.executed.files_read = {"data/table.csv"};
    // MODE came from the runner (its definition); OUTER from the
    // environment the planner sees too.
    run.executed.env_read = {{"MODE", ValueHash("fast")},
                             {"OUTER", ValueHash("1")},
                             {"UNSET_ONE", std::nullopt}};
    backend->TestFinished(run);
    backend->OutsideTestsExecuted(Outside({"src/a.cpp"}), true);
    ASSERT_EQ(backend->FirstError(), "");
  }
  auto plan = [&] {
    auto decisions = Open()->Plan({planned});
    EXPECT_TRUE(decisions.ok());
    return decisions.ok() ? (*decisions)[0] : TestDecision{};
  };
  EXPECT_TRUE(plan().skip) << plan().reason;

  planned.definition = "definition-2";
  EXPECT_FALSE(plan().skip);
  EXPECT_NE(plan().reason.find("command line"), std::string::npos)
      << plan().reason;
  planned.definition = "definition-1";

  env_["OUTER"] = "2";
  EXPECT_EQ(plan().reason, "changed: environment variable OUTER");
  env_["OUTER"] = "1";
  env_["UNSET_ONE"] = "";  // set, even empty, is another value
  EXPECT_EQ(plan().reason, "changed: environment variable UNSET_ONE");
  env_.erase("UNSET_ONE");

  repo_.Write("data/table.csv", "a,b\n1,2\n");
  EXPECT_EQ(plan().reason, "changed: data/table.csv");
}

TEST(NullBackend, RunsEverythingAndRecordsNothing) {
  NullBackend backend("why");
  auto decisions = backend.Plan(std::vector<PlannedTest>(2));
  ASSERT_TRUE(decisions.ok());
  EXPECT_EQ(decisions->size(), 2u);
  EXPECT_FALSE((*decisions)[0].skip);
  EXPECT_EQ((*decisions)[1].reason, "why");
  EXPECT_FALSE(backend.Records());
}

}  // namespace
}  // namespace itr::skipper
