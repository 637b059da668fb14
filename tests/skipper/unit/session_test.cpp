// skipper/session: ItrSession against a real LocalBackend on a temporary
// store, with the real coverage runtime of this process (this binary links
// instrumented fixtures) or the coverage files of child processes.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "covered_math.h"
#include "gtest/gtest.h"
#include "itr/coverage.h"
#include "scratch_repo.h"
#include "skipper/base/process_info.h"
#include "skipper/coverage/exported_coverage.h"
#include "skipper/coverage/in_process_coverage.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/session/itr_session.h"

namespace itr::skipper {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  // A session of this process, reading `env` only.
  std::unique_ptr<ItrSession> Start(std::map<std::string, std::string> env) {
    env.emplace("ITR_STORE", repo_.store_path());
    env_ = std::move(env);
    lines_.clear();
    SessionOptions options;
    options.framework = "unit";
    options.framework_version = "1";
    options.build_configuration = "test build";
    options.repo_root = itr_repository_root();
    options.planning_built_at_ns = ExecutableModifiedAtNs();
    options.coverage = std::make_unique<InProcessCoverage>(/*print=*/false);
    options.diagnostics = &diagnostics_;
    // itr-cpp's own variables from `env` only; the others as the process
    // has them: what the runtime records of the session's own reads (this
    // test calls the session directly, not through the C API that marks
    // them as itr-cpp's) is compared with the same environment.
    options.getenv = [this](const char* name) -> const char* {
      auto it = env_.find(name);
      if (it != env_.end()) return it->second.c_str();
      std::string variable = name;
      if (variable.rfind("ITR_", 0) == 0 || variable.rfind("DD_", 0) == 0) {
        return nullptr;
      }
      return ::getenv(name);
    };
    return ItrSession::Start(std::move(options));
  }

  static std::vector<PlannedTest> Tests(bool second_unskippable = false) {
    std::vector<PlannedTest> tests(2);
    tests[0].identity = {"session_test", "Math", "Covered", "", "", 0};
    tests[1].identity = {"session_test", "Math", "Other", "", "", 0};
    tests[1].unskippable = second_unskippable;
    tests[1].unskippable_reason = "marker";
    return tests;
  }

  // Plans, selects both tests and runs the ones that run, each calling
  // fixture code; returns the summary line.
  std::string RunBoth(ItrSession& session, bool second_unskippable = false) {
    session.Plan(Tests(second_unskippable));
    std::vector<size_t> skipped = session.SelectTests({0, 1});
    for (size_t i = 0; i < 2; ++i) {
      if (session.decisions()[i].skip) continue;
      session.TestStarted(i);
      (i == 0 ? CoveredF : OtherH)(3);
      session.TestFinished(i, TestOutcome::kPassed);
    }
    session.Finish({/*clean=*/true, 0});
    return SummaryLine();
  }

  // The summary line without its time estimate (test durations vary):
  // "itr: skipped 1 of 2 tests (1 unskippable forced to run)".
  std::string SummaryLine() const {
    for (const std::string& line : lines_) {
      if (line.find("itr: skipped ") != 0) continue;
      size_t estimate = line.find(", est. ");
      size_t saved = line.find(" saved", estimate);
      if (estimate == std::string::npos || saved == std::string::npos) {
        return line;
      }
      return line.substr(0, estimate) + line.substr(saved + 6);
    }
    return "";
  }

  ScratchRepo repo_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> lines_;
  Diagnostics diagnostics_{
      [this](const std::string& line) { lines_.push_back(line); }};
};

TEST_F(SessionTest, DisabledChangesNothing) {
  auto session = Start({{"DD_CIVISIBILITY_ITR_ENABLED", "false"}});
  EXPECT_FALSE(session->enabled());
  EXPECT_EQ(lines_, (std::vector<std::string>{
                        "itr: disabled (DD_CIVISIBILITY_ITR_ENABLED); all "
                        "tests run"}));
}

TEST_F(SessionTest, RecordsThenSkipsUnchangedTests) {
  EXPECT_EQ(RunBoth(*Start({})), "itr: skipped 0 of 2 tests");
  auto again = Start({});
  EXPECT_EQ(RunBoth(*again), "itr: skipped 2 of 2 tests");
  EXPECT_EQ(again->skipped().size(), 2u);
  EXPECT_EQ(again->decisions()[0].reason, "unchanged");
}

TEST_F(SessionTest, UnskippableTestsAreForcedAndRunAnywayRuns) {
  RunBoth(*Start({}));
  auto session = Start({});
  std::string summary = RunBoth(*session, /*second_unskippable=*/true);
  EXPECT_EQ(summary, "itr: skipped 1 of 2 tests (1 unskippable forced to run)");
  EXPECT_TRUE(session->decisions()[1].forced);
  auto third = Start({});
  third->Plan(Tests());
  third->RunAnyway(0, "the framework cannot leave it out");
  EXPECT_EQ(third->SelectTests({0, 1}), (std::vector<size_t>{1}));
  EXPECT_EQ(third->decisions()[0].reason, "the framework cannot leave it out");
}

TEST_F(SessionTest, CollectOnlyRecordsButNeverSkips) {
  RunBoth(*Start({}));
  EXPECT_EQ(RunBoth(*Start({{"ITR_COLLECT_ONLY", "1"}})),
            "itr: skipped 0 of 2 tests [collect-only]");
}

TEST_F(SessionTest, VerboseListsEachDecision) {
  RunBoth(*Start({}));
  RunBoth(*Start({{"ITR_VERBOSE", "2"}}));
  EXPECT_NE(std::find(lines_.begin(), lines_.end(),
                      "itr: skip Math.Covered: unchanged"),
            lines_.end());
}

TEST_F(SessionTest, AnUnusableStoreRunsEverythingWithOneWarning) {
  auto session = Start({{"ITR_STORE", "/proc/itr/cannot/be/here.sqlite"}});
  session->Plan(Tests());
  EXPECT_FALSE(session->records());
  EXPECT_EQ(session->SelectTests({0, 1}).size(), 0u);
  EXPECT_EQ(diagnostics_.warning_count(), 1u);
}

TEST_F(SessionTest, FrameworkShardsUnlessBalancedIsAsked) {
  auto session = Start({});
  session->Plan(Tests());
  EXPECT_EQ(session->ShardTests({0, 1}, 2, 0), std::nullopt);
}

TEST_F(SessionTest, BalancedShardsHoldEveryTestOnce) {
  RunBoth(*Start({}));
  // Math.Covered is skipped, Math.Other (unskippable) runs: each lands in
  // exactly one of the shards.
  std::vector<int> held(2, 0);
  size_t ran_in = 0, skipped_in = 0;
  for (int shard = 0; shard < 3; ++shard) {
    auto session = Start({{"ITR_SHARDING", "balanced"}});
    session->Plan(Tests(/*second_unskippable=*/true));
    std::optional<std::vector<size_t>> mine =
        session->ShardTests({0, 1}, 3, shard);
    ASSERT_TRUE(mine.has_value());
    for (size_t i : *mine) ++held[i];
    if (std::count(mine->begin(), mine->end(), 1)) ran_in = shard;
    if (std::count(mine->begin(), mine->end(), 0)) skipped_in = shard;
  }
  EXPECT_EQ(held, (std::vector<int>{1, 1}));
  // The only test that runs goes to the first shard; the skipped one to its
  // round-robin shard (position 0).
  EXPECT_EQ(ran_in, 0u);
  EXPECT_EQ(skipped_in, 0u);
}

// Shards that plan one after the other on one store: the second sees what
// the first recorded (its test now reads unchanged), yet the first shard's
// plan holds, so the test it left to the second still runs there. (Planned
// from the second shard's own view, that test would have gone to shard 0,
// which had finished: run in no shard.)
TEST_F(SessionTest, ALateShardKeepsTheFirstShardsPlan) {
  std::vector<size_t> ran;
  for (int shard = 0; shard < 2; ++shard) {
    auto session =
        Start({{"ITR_SHARDING", "balanced"}, {"ITR_RUN_ID", "pipeline 42"}});
    session->Plan(Tests());
    std::optional<std::vector<size_t>> mine =
        session->ShardTests({0, 1}, 2, shard);
    ASSERT_TRUE(mine.has_value());
    session->SelectTests(*mine);
    for (size_t i : *mine) {
      if (session->decisions()[i].skip) continue;
      session->TestStarted(i);
      (i == 0 ? CoveredF : OtherH)(3);
      session->TestFinished(i, TestOutcome::kPassed);
      ran.push_back(i);
    }
    session->Finish({/*clean=*/true, 0});
  }
  EXPECT_EQ(ran, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(diagnostics_.warning_count(), 0u);
}

// A shared store that cannot be reached: this shard runs everything (the
// others, whose store works, leave sharding to GoogleTest: union whole).
TEST_F(SessionTest, ABalancedShardWhoseSharedStoreFailsRunsEveryTest) {
  auto session = Start({{"ITR_STORE", "postgresql://itr@127.0.0.1:9/itr"},
                        {"ITR_SHARDING", "balanced"}});
  session->Plan(Tests());
  EXPECT_EQ(session->ShardTests({0, 1}, 2, 1), (std::vector<size_t>{0, 1}));
}

// A shard whose store failed while the others may have planned: it runs
// everything, so that no test is left to no shard.
TEST_F(SessionTest, ABalancedShardWithoutAPlanRunsEveryTest) {
  auto session = Start({{"ITR_STORE", "/proc/itr/cannot/be/here.sqlite"},
                        {"ITR_SHARDING", "balanced"}});
  session->Plan(Tests());
  EXPECT_EQ(session->ShardTests({0, 1}, 2, 1), (std::vector<size_t>{0, 1}));
  // The store's warning, then the sharding's.
  EXPECT_EQ(diagnostics_.warning_count(), 2u);
}

TEST_F(SessionTest, ProcessLevelRunnersLaunchThenRecordFromCoverageFiles) {
  std::string file = repo_.dir().string() + "/test.jsonl";
  std::ofstream(file) << R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{"src/a.cpp":[1]},"external":{}}
{"process":"end","pid":1,"built_at_ns":4611686018427387904}
)";
  repo_.Write("src/a.cpp", "int a;");
  auto record = [&](const char* expected_summary) {
    SessionOptions options;
    options.framework = "ctest";
    options.module = "ctest:build";
    options.repo_root = repo_.root();
    options.planning_built_at_ns = kNoBuildTime;
    auto coverage = std::make_unique<ExportedCoverage>();
    ExportedCoverage* files = coverage.get();
    options.coverage = std::move(coverage);
    options.diagnostics = &diagnostics_;
    options.getenv = [this](const char* name) -> const char* {
      return std::string(name) == "ITR_STORE" ? env_["ITR_STORE"].c_str()
                                              : nullptr;
    };
    env_["ITR_STORE"] = repo_.store_path();
    lines_.clear();
    auto session = ItrSession::Start(std::move(options));
    std::vector<PlannedTest> tests(1);
    tests[0].identity = {"ctest:build", "ctest", "t", "", "", 0};
    session->Plan(tests);
    session->SelectTests({0});
    EXPECT_EQ(SummaryLine(), expected_summary);
    if (session->decisions()[0].skip) return;
    files->SetFile(tests[0].identity, file);
    session->TestsLaunched({0});
    session->TestFinished(0, TestOutcome::kPassed, TestTiming{1, 2.5});
    session->Finish({true, 0});
  };
  record("itr: skipped 0 of 1 tests");
  record("itr: skipped 1 of 1 tests");
}

}  // namespace
}  // namespace itr::skipper
