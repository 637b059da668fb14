// Whole-process behaviour of instrumented binaries: session coverage from
// static initializers, crashes and exit() mid-test, the export file, a binary
// without coverage flags, and the gcc trace-pc fallback.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "source_markers.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kFixtures = "tests/runtime/fixtures/";

struct ProgramRun {
  int exit_code = -1;  // when exited normally
  int signal = 0;      // when killed by a signal
  std::string output;
  std::vector<json> records;  // ITR_COVERAGE_EXPORT lines
};

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("itr-process-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProgramRun Execute(const std::string& program, const std::string& argument) {
    fs::path export_file = dir_ / "coverage.jsonl";
    fs::path output_file = dir_ / "output.txt";
    fs::remove(export_file);  // records of an earlier Execute() must not count
    ProgramRun run;
    pid_t pid = fork();
    if (pid == 0) {
      setenv("ITR_COVERAGE_EXPORT", export_file.c_str(), 1);
      // In the ASan build, keep ASan's own SEGV handler out of the way: the
      // property under test is that itr-cpp adds no handler of its own.
      setenv("ASAN_OPTIONS", "handle_segv=0", 1);
      FILE* out = freopen(output_file.c_str(), "w", stdout);
      (void)out;
      execl(program.c_str(), program.c_str(), argument.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
    std::ifstream output(output_file);
    std::getline(output, run.output);
    std::ifstream records(export_file);
    for (std::string line; std::getline(records, line);) {
      run.records.push_back(json::parse(line));  // every line is whole JSON
    }
    return run;
  }

  fs::path dir_;
};

const json* FindRecord(const ProgramRun& run, const json& test) {
  for (const json& record : run.records) {
    if (record["test"] == test) return &record;
  }
  return nullptr;
}

bool Covers(const json& record, const std::string& file, uint32_t line) {
  if (!record["files"].contains(file)) return false;
  for (const json& l : record["files"][file]) {
    if (l.get<uint32_t>() == line) return true;
  }
  return false;
}

std::set<std::string> Files(const json& record) {
  std::set<std::string> files;
  for (const auto& [path, lines] : record["files"].items()) files.insert(path);
  return files;
}

void ExpectFirstTestAndSession(const ProgramRun& run) {
  const json* first = FindRecord(run, "Suite.First");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ((*first)["status"], "complete");
  EXPECT_TRUE(Covers(*first, kFixtures + "covered_math.cpp",
                     MarkerLine(kFixtures + "covered_math.cpp", "f")));
  EXPECT_TRUE(Covers(*first, kFixtures + "covered_inline.h",
                     MarkerLine(kFixtures + "covered_inline.h", "twice")));
  EXPECT_FALSE(Files(*first).count(kFixtures + "static_init.cpp"));
  EXPECT_FALSE(Files(*first).count(kFixtures + "other.cpp"));

  const json* session = FindRecord(run, nullptr);
  ASSERT_NE(session, nullptr);
  EXPECT_TRUE(Covers(*session, kFixtures + "static_init.cpp",
                     MarkerLine(kFixtures + "static_init.cpp", "static_init")));
  EXPECT_FALSE(Files(*session).count(kFixtures + "covered_math.cpp"));
}

TEST_F(ProcessTest, StaticInitializersAreSessionCoverage) {
  ProgramRun run = Execute(ITR_COVERAGE_PROGRAM, "pass");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectFirstTestAndSession(run);
  const json* second = FindRecord(run, "Suite.Second");
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(Covers(*second, kFixtures + "other.cpp",
                     MarkerLine(kFixtures + "other.cpp", "other")));
  EXPECT_FALSE(Files(*second).count(kFixtures + "covered_math.cpp"));
  for (const json& record : run.records) {
    for (const auto& [path, lines] : record["external"].items()) {
      EXPECT_EQ(path[0], '/') << "external files keep absolute paths";
    }
  }
}

TEST_F(ProcessTest, SegfaultingTestStillDiesBySignal) {
  ProgramRun run = Execute(ITR_COVERAGE_PROGRAM, "segv");
  EXPECT_EQ(run.signal, SIGSEGV) << "exit code " << run.exit_code;
  ExpectFirstTestAndSession(run);
  EXPECT_EQ(FindRecord(run, "Suite.Second"), nullptr);
}

TEST_F(ProcessTest, CoverageFlagsOnTheLinkLineKeepTheSignal) {
  ProgramRun run = Execute(ITR_LINK_FLAGS_PROGRAM, "segv");
  EXPECT_EQ(run.signal, SIGSEGV) << "exit code " << run.exit_code;
  ExpectFirstTestAndSession(run);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define ITR_SANITIZER_BUILD 1
#endif
#endif
#ifndef ITR_SANITIZER_BUILD
// The control: without itr_instrument's link flag, clang 14 links its UBSan
// runtime and a segfault becomes exit code 1. If this starts failing, the
// toolchain changed and the guard in ItrInstrument.cmake may be moot.
TEST_F(ProcessTest, WithoutTheGuardTheUbsanRuntimeEatsTheSignal) {
  ProgramRun run = Execute(ITR_UBSAN_HAZARD_PROGRAM, "segv");
  EXPECT_EQ(run.signal, 0);
  EXPECT_EQ(run.exit_code, 1);
}
#endif

TEST_F(ProcessTest, ExcludedSourcesAreNotInstrumented) {
  ProgramRun run = Execute(ITR_EXCLUDING_PROGRAM, "pass");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectFirstTestAndSession(run);
  const json* second = FindRecord(run, "Suite.Second");
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(Files(*second).count(kFixtures + "other.cpp"));
}

// A death test's child runs code this process never sees: the test's
// coverage must be incomplete (so it is never skipped), in both styles.
TEST_F(ProcessTest, DeathTestsMakeTheirTestIncomplete) {
  for (const char* style : {"--gtest_death_test_style=fast",
                            "--gtest_death_test_style=threadsafe"}) {
    ProgramRun run = Execute(ITR_DEATH_TEST_PROGRAM, style);
    ASSERT_EQ(run.exit_code, 0) << style;
    const json* death = FindRecord(run, "CrashDeathTest.DiesInTheChild");
    ASSERT_NE(death, nullptr) << style;
    EXPECT_EQ((*death)["status"], "incomplete") << style;
    const json* plain = FindRecord(run, "Plain.RunsInProcess");
    ASSERT_NE(plain, nullptr) << style;
    EXPECT_EQ((*plain)["status"], "complete") << style;
  }
}

TEST_F(ProcessTest, AbortingTestKeepsEarlierTests) {
  ProgramRun run = Execute(ITR_COVERAGE_PROGRAM, "abort");
  EXPECT_EQ(run.signal, SIGABRT);
  ExpectFirstTestAndSession(run);
  EXPECT_EQ(FindRecord(run, "Suite.Second"), nullptr);
}

TEST_F(ProcessTest, ExitInsideATestKeepsEarlierTests) {
  ProgramRun run = Execute(ITR_COVERAGE_PROGRAM, "exit");
  EXPECT_EQ(run.exit_code, 3);
  ExpectFirstTestAndSession(run);
  EXPECT_EQ(FindRecord(run, "Suite.Second"), nullptr);
}

TEST_F(ProcessTest, BinaryWithoutCoverageFlagsRunsAndSaysUnavailable) {
  ProgramRun run = Execute(ITR_UNINSTRUMENTED_PROGRAM, "");
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.output, "state=0 status=0 files=0 mode=none");
  const json* test = FindRecord(run, "Plain.Test");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ((*test)["status"], "unavailable");
}

#ifdef ITR_GCC_PROGRAM
TEST_F(ProcessTest, GccTracePcFallback) {
  ProgramRun run = Execute(ITR_GCC_PROGRAM, "pass");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("mode=pc"), std::string::npos) << run.output;
  ExpectFirstTestAndSession(run);
  const json* second = FindRecord(run, "Suite.Second");
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(Covers(*second, kFixtures + "other.cpp",
                     MarkerLine(kFixtures + "other.cpp", "other")));
}

TEST_F(ProcessTest, GccFallbackSegfaultStillDiesBySignal) {
  ProgramRun run = Execute(ITR_GCC_PROGRAM, "segv");
  EXPECT_EQ(run.signal, SIGSEGV);
  ExpectFirstTestAndSession(run);
}
#endif

}  // namespace
