// Process lines of the coverage export (runtime/src/process_log.h): under
// ITR_TEST_ID every instrumented process says when it started and that it
// ended after exporting its coverage, so `itr ctest` can tell a process
// whose coverage is missing. Real instrumented program, real processes.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<json> RunProgram(const std::string& argument, const char* test_id,
                             int* pid_out) {
  fs::path file = fs::temp_directory_path() /
                  ("itr-process-log-" + std::to_string(getpid()) + ".jsonl");
  fs::remove(file);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("ITR_COVERAGE_EXPORT", file.c_str(), 1);
    if (test_id != nullptr) {
      setenv("ITR_TEST_ID", test_id, 1);
    } else {
      unsetenv("ITR_TEST_ID");
    }
    setenv("ASAN_OPTIONS", "handle_abort=0", 1);
    if (freopen("/dev/null", "w", stdout) == nullptr) _exit(126);
    execl(ITR_COVERAGE_PROGRAM, ITR_COVERAGE_PROGRAM, argument.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  *pid_out = pid;
  std::vector<json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(json::parse(line));
  }
  fs::remove(file);
  return lines;
}

std::vector<json> ProcessLines(const std::vector<json>& lines) {
  std::vector<json> out;
  for (const json& line : lines) {
    if (line.contains("process")) out.push_back(line);
  }
  return out;
}

TEST(ProcessLog, NoProcessLinesWithoutTestId) {
  int pid = 0;
  std::vector<json> lines = RunProgram("pass", nullptr, &pid);
  EXPECT_FALSE(lines.empty());
  EXPECT_TRUE(ProcessLines(lines).empty());
}

TEST(ProcessLog, StartFirstEndLastWithTheBinaryBuildTime) {
  int pid = 0;
  std::vector<json> lines = RunProgram("pass", "ctest:build/t", &pid);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front(), json({{"process", "start"}, {"pid", pid}}));
  const json& end = lines.back();
  ASSERT_EQ(end["process"], "end");
  EXPECT_EQ(end["pid"], pid);
  struct stat st {};
  ASSERT_EQ(stat(ITR_COVERAGE_PROGRAM, &st), 0);
  int64_t mtime =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  // The oldest instrumented object: here the program alone (its fixtures
  // are linked statically; the runtime library is not instrumented).
  EXPECT_EQ(end["built_at_ns"].get<int64_t>(), mtime);
  // The session line comes before "end".
  bool session_before_end = false;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    session_before_end |=
        lines[i].contains("test") && lines[i]["test"].is_null();
  }
  EXPECT_TRUE(session_before_end);
}

TEST(ProcessLog, ExitCallEndsTheProcessNormally) {
  int pid = 0;
  std::vector<json> process = ProcessLines(RunProgram("exit", "t", &pid));
  ASSERT_EQ(process.size(), 2u);
  EXPECT_EQ(process[0]["process"], "start");
  EXPECT_EQ(process[1]["process"], "end");
}

TEST(ProcessLog, AbortLeavesAStartWithoutEnd) {
  int pid = 0;
  std::vector<json> process = ProcessLines(RunProgram("abort", "t", &pid));
  ASSERT_EQ(process.size(), 1u);
  EXPECT_EQ(process[0]["process"], "start");
}

}  // namespace
