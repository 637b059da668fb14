// LocalBackend: what a test binary records is only trusted when it is whole.
#include "skipper/backend/local_backend.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("itr-backend-" +
         std::string(
             ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "src");
    std::ofstream(dir_ / "src" / "a.cpp") << "int a;";
    struct timespec past[2] = {{1600000000, 0}, {1600000000, 0}};
    utimensat(AT_FDCWD, (dir_ / "src" / "a.cpp").c_str(), past, 0);
    settings_.store_path = (dir_ / ".itr" / "itr.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<LocalBackend> Open() {
    std::string notice;
    // Built "now": the source above is older, so it can be trusted.
    auto backend = LocalBackend::Open(settings_, dir_.string(), "tests", "cfg",
                                      int64_t{1} << 62, &notice);
    EXPECT_TRUE(backend.ok()) << backend.status();
    return backend.ok() ? std::move(*backend) : nullptr;
  }

  // Records one passing test that executed `executed`, then plans it.
  TestDecision RecordThenPlan(const ExecutedCode& executed, bool clean_end) {
    TestIdentity test{"tests", "Suite", "Case", "", ""};
    {
      auto backend = Open();
      backend->SessionExecuted({true, {"src/a.cpp"}, {}}, false);
      backend->TestStarted(test);
      backend->TestFinished({.identity = test, .executed = executed});
      backend->SessionExecuted({true, {"src/a.cpp"}, {}}, clean_end);
      EXPECT_EQ(backend->LastError(), "");
    }
    std::vector<PlannedTest> planned(1);
    planned[0].identity = test;
    auto decisions = Open()->Plan(planned);
    EXPECT_TRUE(decisions.ok());
    return (*decisions)[0];
  }

  fs::path dir_;
  Settings settings_;
};

TEST_F(LocalBackendTest, AWholeRecordIsSkippedNextTime) {
  EXPECT_TRUE(RecordThenPlan({true, {"src/a.cpp"}, {}}, true).skip);
}

TEST_F(LocalBackendTest, ATestThatExecutedNoRepositoryFileRuns) {
  TestDecision d = RecordThenPlan({true, {}, {}}, true);
  EXPECT_FALSE(d.skip) << "nothing could ever mark it changed";
}

TEST_F(LocalBackendTest, AMissingCoveredFileIsAnUnknownDependency) {
  EXPECT_FALSE(
      RecordThenPlan({true, {"src/generated_then_deleted.cpp"}, {}}, true)
          .skip);
}

TEST_F(LocalBackendTest, ARunThatEndedWithAFailureOutsideTestsIsNotTrusted) {
  TestDecision d =
      RecordThenPlan({true, {"src/a.cpp"}, {}}, /*clean_end=*/false);
  EXPECT_FALSE(d.skip);
  EXPECT_EQ(d.reason, "the run that recorded it did not finish cleanly");
}

TEST_F(LocalBackendTest, UnknownBuildTimeTrustsNothing) {
  std::string notice;
  TestIdentity test{"tests", "Suite", "Case", "", ""};
  {
    auto backend = LocalBackend::Open(settings_, dir_.string(), "tests", "cfg",
                                      0, &notice);
    ASSERT_TRUE(backend.ok());
    (*backend)->TestStarted(test);
    (*backend)->TestFinished(
        {.identity = test, .executed = {true, {"src/a.cpp"}, {}}});
    (*backend)->SessionExecuted({true, {}, {}}, true);
  }
  std::vector<PlannedTest> planned(1);
  planned[0].identity = test;
  EXPECT_FALSE((*Open()->Plan(planned))[0].skip);
}

}  // namespace
}  // namespace itr::skipper
