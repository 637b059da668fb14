// skipper/coverage: what the processes of a test reported in their
// ITR_COVERAGE_EXPORT file.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "skipper/coverage/exported_coverage.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

class ExportedCoverageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("itr-ctest-parts-" + std::to_string(getpid()) + ".jsonl");
    fs::remove(path_);
  }
  void TearDown() override { fs::remove(path_); }
  void Write(const std::string& text) { std::ofstream(path_) << text; }
  fs::path path_;
};

TEST_F(ExportedCoverageTest, UnionOfEveryProcess) {
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{"a.cpp":[3,1]},"external":{}}
{"process":"end","pid":1,"built_at_ns":200}
{"process":"start","pid":2}
{"test":"S.T","status":"complete","files":{"b.cpp":[]},"external":{"/usr/x.h":[1]}}
{"test":null,"status":"complete","files":{"a.cpp":[2]},"external":{}}
{"process":"end","pid":2,"built_at_ns":100}
)");
  ExportedFile got = ReadExportedCoverage(path_.string());
  EXPECT_TRUE(got.executed.complete) << got.executed.incomplete_reason;
  EXPECT_EQ(got.processes, 2u);
  EXPECT_EQ(got.executed.built_at_ns, 100);
  EXPECT_EQ(got.executed.files, (std::vector<std::string>{"a.cpp", "b.cpp"}));
  EXPECT_EQ(got.executed.lines[0], (std::vector<uint32_t>{1, 2, 3}));
}

TEST_F(ExportedCoverageTest, StartUpProbesStayApartFromTheTestsOwn) {
  // Process 1 marked where its start-up ended; process 2 did not: all of
  // its code is the test's own.
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{},"external":{},"objects":[{"path":"/b/t","build_id":"ab","addresses":[16,32]}],"startup_objects":[{"path":"/b/t","build_id":"ab","addresses":[8]}]}
{"process":"end","pid":1,"built_at_ns":100}
{"process":"start","pid":2}
{"test":null,"status":"complete","files":{},"external":{},"objects":[{"path":"/b/u","build_id":"cd","addresses":[4]}]}
{"process":"end","pid":2,"built_at_ns":100}
)");
  ExecutedCode got = ReadExportedCoverage(path_.string()).executed;
  ASSERT_TRUE(got.complete) << got.incomplete_reason;
  ASSERT_EQ(got.objects.size(), 2u);
  EXPECT_EQ(got.objects[0].path, "/b/t");
  EXPECT_EQ(got.objects[0].addresses, (std::vector<uint64_t>{16, 32}));
  EXPECT_EQ(got.objects[1].path, "/b/u");
  ASSERT_EQ(got.startup_objects.size(), 1u);
  EXPECT_EQ(got.startup_objects[0].build_id, "ab");
  EXPECT_EQ(got.startup_objects[0].addresses, (std::vector<uint64_t>{8}));
}

TEST_F(ExportedCoverageTest, AProcessThatDidNotEndIsIncomplete) {
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{"a.cpp":[1]},"external":{}}
{"process":"end","pid":1,"built_at_ns":200}
{"process":"start","pid":2}
)");
  EXPECT_FALSE(ReadExportedCoverage(path_.string()).executed.complete);
}

// Found by fuzz.coverage_export: a field of another type threw out of the
// reader (the process died) instead of reading as a torn line.
TEST_F(ExportedCoverageTest, AFieldOfAnotherTypeIsATornLine) {
  Write(
      R"({"process":"start","pid":{"not":"a number"}}
{"test":null,"status":"complete","files":{"a.cpp":[1]},"external":{}}
{"process":"end","pid":1,"built_at_ns":"200"}
)");
  ExportedFile got = ReadExportedCoverage(path_.string());
  EXPECT_FALSE(got.executed.complete);
}

// Found by fuzz.coverage_export: a pid written as a huge double was cast to
// an integer (undefined behaviour). Numbers that are no integers in range
// make the line torn; a line number beyond 32 bits is no line.
TEST_F(ExportedCoverageTest, ANumberOutOfRangeIsATornLine) {
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{"a.cpp":[1,5000000000,-2]},"external":{}}
{"process":"end","pid":1.5e38,"built_at_ns":200}
)");
  ExportedFile got = ReadExportedCoverage(path_.string());
  EXPECT_FALSE(got.executed.complete);
  ASSERT_EQ(got.executed.lines.size(), 1u);
  EXPECT_EQ(got.executed.lines[0], (std::vector<uint32_t>{1}));
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{"a.cpp":[1]},"external":{}}
{"process":"end","pid":1,"built_at_ns":1e300}
)");
  EXPECT_FALSE(ReadExportedCoverage(path_.string()).executed.complete);
}

TEST_F(ExportedCoverageTest, IncompleteLineOrNoCoverageIsIncomplete) {
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"incomplete","files":{"a.cpp":[1]},"external":{},"error":"x"}
{"process":"end","pid":1,"built_at_ns":200}
)");
  EXPECT_FALSE(ReadExportedCoverage(path_.string()).executed.complete);
  fs::remove(path_);
  ExportedFile none = ReadExportedCoverage(path_.string());
  EXPECT_FALSE(none.executed.complete);
  EXPECT_EQ(none.processes, 0u);
  EXPECT_EQ(none.executed.built_at_ns, 0);
}

TEST_F(ExportedCoverageTest, FilesAndEnvironmentReadOfEveryProcess) {
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{},"external":{},"files_read":["data/b.txt","data/a.txt"],"env_read":{"HOME_DIR":"00000000000000ff","UNSET":null}}
{"process":"end","pid":1,"built_at_ns":200}
{"process":"start","pid":2}
{"test":"S.T","status":"complete","files":{"b.cpp":[]},"external":{},"files_read":["data/a.txt"],"env_read":{"HOME_DIR":"0000000000000100"}}
{"test":"S.U","status":"complete","files":{"c.cpp":[1]},"external":{}}
{"process":"end","pid":2,"built_at_ns":100}
)");
  ExecutedCode got = ReadExportedCoverage(path_.string()).executed;
  EXPECT_TRUE(got.complete) << got.incomplete_reason;
  EXPECT_EQ(got.files_read,
            (std::vector<std::string>{"data/a.txt", "data/b.txt"}));
  // Two processes saw two values: both are dependencies.
  EXPECT_EQ(
      got.env_read,
      (std::vector<EnvironmentRead>{
          {"HOME_DIR", 0xff}, {"HOME_DIR", 0x100}, {"UNSET", std::nullopt}}));
}

TEST_F(ExportedCoverageTest, UnreadableEnvironmentHashIsIncomplete) {
  Write(
      R"({"process":"start","pid":1}
{"test":null,"status":"complete","files":{},"external":{},"env_read":{"A":"xyz"}}
{"process":"end","pid":1,"built_at_ns":200}
)");
  ExecutedCode got = ReadExportedCoverage(path_.string()).executed;
  EXPECT_FALSE(got.complete);
  EXPECT_TRUE(got.env_read.empty());
}

TEST(ExportedCoverage, TestEndedReadsTheTestsOwnFile) {
  std::string path = ::testing::TempDir() + "/itr-exported-source.jsonl";
  std::ofstream(path) << R"({"process":"start","pid":7}
{"test":null,"status":"complete","files":{"a.cpp":[4]},"external":{}}
{"process":"end","pid":7,"built_at_ns":5}
)";
  ExportedCoverage source;
  TestIdentity test{"m", "ctest", "t", "", "", 0};
  EXPECT_FALSE(source.TestEnded(test).complete) << "no file: unknown";
  source.SetFile(test, path);
  ExecutedCode executed = source.TestEnded(test);
  EXPECT_TRUE(executed.complete) << executed.incomplete_reason;
  EXPECT_EQ(executed.files, (std::vector<std::string>{"a.cpp"}));
  EXPECT_EQ(executed.built_at_ns, 5);
  EXPECT_EQ(source.last_processes(), 1u);
  EXPECT_TRUE(source.OutsideTests().startup.complete);
  EXPECT_TRUE(source.OutsideTests().between_tests.complete);
  EXPECT_TRUE(source.OutsideTests().between_tests.files.empty());
  fs::remove(path);
}

}  // namespace
}  // namespace itr::skipper
