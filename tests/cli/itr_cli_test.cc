// End-to-end tests of the `itr` command-line tool: a real store recorded
// through SqliteStore in a temporary repository, and the real binary run as a
// subprocess.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/model/test_identity.h"
#include "skipper/store/sqlite_store.h"

namespace {

namespace fs = std::filesystem;
using itr::skipper::Dependency;
using itr::skipper::DependencySet;
using itr::skipper::FileFingerprinter;
using itr::skipper::SqliteStore;
using itr::skipper::Store;
using itr::skipper::TestIdentity;
using itr::skipper::TestOutcome;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kModule[] = "calc_tests";
constexpr char kConfiguration[] = "linux/x86_64/clang 14";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s) {
  std::string quoted = "'";
  for (char c : s)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class ItrCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Settings that would change decisions must not leak in.
    for (const char* name :
         {"ITR_STORE", "ITR_UNSKIPPABLE", "ITR_UNSKIPPABLE_FILE",
          "DD_CIVISIBILITY_ITR_ENABLED", "ITR_COLLECT_ONLY",
          "ITR_SKIPPING_LEVEL", "DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE"}) {
      unsetenv(name);
    }
    char pattern[] = "/tmp/itr_cli_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    repo_ = dir_ / "repo";
    store_ = dir_ / "store" / "itr.sqlite";
    WriteFile(repo_ / "src/add.cc",
              "int Add(int a, int b) { return a + b; }\n");
    WriteFile(repo_ / "src/mul.cc",
              "int Mul(int a, int b) { return a * b; }\n");
    WriteFile(repo_ / "src/common.h", "#pragma once\n");
    WriteFile(repo_ / "tests/main.cc", "int main() {}\n");
  }

  void TearDown() override { fs::remove_all(dir_); }

  DependencySet Files(const std::vector<std::string>& paths) {
    FileFingerprinter fingerprinter(repo_.string());
    DependencySet deps;
    for (const std::string& path : paths) {
      deps.coarse.push_back({"file", path, fingerprinter.Content(path)});
    }
    return deps;
  }

  // One finished run: Math.Add and Inst/Math.Mul/0 passed, Math.Broken
  // failed, Math.Crashed never finished.
  void Record() {
    auto store = SqliteStore::Open(store_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    auto run = (*store)->BeginRun(kModule, kConfiguration);
    ASSERT_TRUE(run.ok()) << run.status();
    auto record = [&](const std::string& suite, const std::string& name,
                      TestOutcome outcome, double ms,
                      const std::vector<std::string>& files) {
      TestIdentity test{kModule, suite, name, "", "tests/math_test.cc"};
      absl::Status status = (*store)->RecordResult(
          kModule, kConfiguration, test, *run,
          Store::Result{outcome, ms, true, false}, Files(files));
      ASSERT_TRUE(status.ok()) << status;
    };
    record("Math", "Add", TestOutcome::kPassed, 1500,
           {"src/add.cc", "src/common.h"});
    record("Inst/Math", "Mul/0", TestOutcome::kPassed, 250,
           {"src/mul.cc", "src/common.h"});
    record("Math", "Broken", TestOutcome::kFailed, 10, {"src/add.cc"});
    TestIdentity crashed;
    crashed.module = kModule;
    crashed.suite = "Math";
    crashed.name = "Crashed";
    absl::Status started =
        (*store)->MarkStarted(kModule, kConfiguration, crashed, *run);
    ASSERT_TRUE(started.ok()) << started;
    absl::Status finished =
        (*store)->SetRunDependencies(*run, Files({"tests/main.cc"}), true);
    ASSERT_TRUE(finished.ok()) << finished;
  }

  Result Itr(const std::string& args, bool with_paths = true) {
    fs::path err = dir_ / "stderr.txt";
    std::string command = std::string(ITR_CLI_PATH) + " " + args;
    if (with_paths) {
      command += " --repo " + Quote(repo_.string()) + " --store " +
                 Quote(store_.string());
    }
    command += " 2>" + Quote(err.string());
    Result result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
      result.out.append(buffer, n);
    }
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = ReadFile(err);
    return result;
  }

  fs::path dir_, repo_, store_;
};

TEST_F(ItrCliTest, StatusWithoutStore) {
  Result r = Itr("status");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("no store yet"));
  EXPECT_FALSE(fs::exists(store_)) << "status must not create the store";
}

TEST_F(ItrCliTest, StatusCounts) {
  ASSERT_NO_FATAL_FAILURE(Record());
  {
    auto store = SqliteStore::Open(store_.string());
    ASSERT_TRUE(store.ok());
    auto tests = (*store)->LoadTests(kModule, kConfiguration);
    ASSERT_TRUE(tests.ok());
    std::vector<int64_t> ids;
    for (const auto& t : *tests) {
      if (t.key == "Math.Add") ids.push_back(t.id);
    }
    ASSERT_TRUE((*store)->RecordSkips(/*run_id=*/0, ids).ok());
  }
  Result r = Itr("status");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("store: " + store_.string()));
  EXPECT_THAT(r.out, HasSubstr("runs: 1"));
  EXPECT_THAT(r.out, HasSubstr(std::string(kModule) + "  [" + kConfiguration));
  EXPECT_THAT(r.out,
              HasSubstr("tests: 4 recorded, 2 passed, 1 failed, 1 running"));
  EXPECT_THAT(r.out, HasSubstr("skips: 1, time saved: 1.5 s"));
}

TEST_F(ItrCliTest, ExplainUnchangedPassedTestSkips) {
  ASSERT_NO_FATAL_FAILURE(Record());
  Result r = Itr("explain Math.Add");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("decision: skip"));
  EXPECT_THAT(r.out, HasSubstr("not visible here"));
  EXPECT_THAT(r.out, HasSubstr("last status: passed"));
  EXPECT_THAT(r.out, HasSubstr("dependencies: 2, 0 changed"));
  EXPECT_THAT(r.out, Not(HasSubstr("changed  ")));
}

TEST_F(ItrCliTest, ExplainNamesTheChangedFile) {
  ASSERT_NO_FATAL_FAILURE(Record());
  WriteFile(repo_ / "src/add.cc",
            "int Add(int a, int b) { return b + a + 0; }\n");
  Result r = Itr("explain Math.Add --module calc_tests");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("decision: run (changed: src/add.cc)"));
  EXPECT_THAT(r.out, HasSubstr("changed  src/add.cc"));
  EXPECT_THAT(r.out, Not(HasSubstr("changed  src/common.h")));
  EXPECT_THAT(r.out, Not(HasSubstr("not visible here")));
}

TEST_F(ItrCliTest, ExplainSessionDependencyAndParameterizedName) {
  ASSERT_NO_FATAL_FAILURE(Record());
  WriteFile(repo_ / "tests/main.cc", "int main() { return 0; }\n");
  Result r = Itr("explain Inst/Math.Mul/0");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("decision: run (session dependency changed: "
                               "tests/main.cc)"));
  EXPECT_THAT(r.out, HasSubstr("1, 1 changed\n    changed  tests/main.cc"));
}

TEST_F(ItrCliTest, ExplainHonorsItrUnskippable) {
  ASSERT_NO_FATAL_FAILURE(Record());
  Result r = Itr("explain Math.Add");
  ASSERT_THAT(r.out, HasSubstr("decision: skip"));
  setenv("ITR_UNSKIPPABLE", "Math.*", 1);
  r = Itr("explain Math.Add");
  unsetenv("ITR_UNSKIPPABLE");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("decision: run (unskippable (ITR_UNSKIPPABLE"));
}

TEST_F(ItrCliTest, ExplainUnknownTest) {
  ASSERT_NO_FATAL_FAILURE(Record());
  Result r = Itr("explain Math.Nope");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("unknown test"));
  r = Itr("explain Math.Add --module other_tests");
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(ItrCliTest, ImpactedListsExactlyTheChangedTests) {
  ASSERT_NO_FATAL_FAILURE(Record());
  Result before = Itr("impacted");
  EXPECT_EQ(before.exit_code, 0) << before.err;
  // Only the failed and the unfinished test run while nothing changed.
  EXPECT_THAT(before.out, HasSubstr("2 of 4 tests would run\n"));
  EXPECT_THAT(before.out, Not(HasSubstr("  Math.Add ")));

  WriteFile(repo_ / "src/mul.cc",
            "int Mul(int a, int b) { return b * a * 1; }\n");
  Result after = Itr("impacted --module calc_tests");
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out,
              HasSubstr("  Inst/Math.Mul/0  (changed: src/mul.cc)\n"));
  EXPECT_THAT(after.out, HasSubstr("  Math.Broken  (last run failed)\n"));
  EXPECT_THAT(after.out,
              HasSubstr("  Math.Crashed  (its last run did not finish"));
  EXPECT_THAT(after.out, Not(HasSubstr("  Math.Add ")));
  EXPECT_THAT(after.out, HasSubstr("3 of 4 tests would run\n"));
}

TEST_F(ItrCliTest, ResetEmptiesTheStore) {
  ASSERT_NO_FATAL_FAILURE(Record());
  Result r = Itr("reset");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("forgot 4 tests and 1 runs"));
  r = Itr("status");
  EXPECT_THAT(r.out, HasSubstr("runs: 0"));
  EXPECT_THAT(r.out, HasSubstr("no tests recorded"));
  EXPECT_EQ(Itr("explain Math.Add").exit_code, 1);
}

TEST_F(ItrCliTest, GcKeepsDecisions) {
  ASSERT_NO_FATAL_FAILURE(Record());
  std::string before = Itr("impacted").out;
  Result r = Itr("gc");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("deleted"));
  EXPECT_EQ(Itr("impacted").out, before);
}

TEST_F(ItrCliTest, UsageErrors) {
  Result r = Itr("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown command frobnicate"));
  EXPECT_THAT(r.err, HasSubstr("usage: itr"));
  EXPECT_EQ(Itr("status --bogus").exit_code, 2);
  EXPECT_EQ(Itr("explain").exit_code, 2);
  EXPECT_EQ(Itr("status --module x").exit_code, 2);
  EXPECT_EQ(Itr("", false).exit_code, 2);
}

TEST_F(ItrCliTest, Help) {
  for (const char* args : {"--help", "help"}) {
    Result r = Itr(args, false);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_THAT(r.out, HasSubstr("usage: itr <command>")) << args;
    EXPECT_THAT(r.out, HasSubstr("impacted")) << args;
  }
  Result r = Itr("explain --help", false);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("usage: itr explain <Suite.Name>"));
}

TEST_F(ItrCliTest, ItrStoreEnvironmentVariable) {
  ASSERT_NO_FATAL_FAILURE(Record());
  setenv("ITR_STORE", store_.c_str(), 1);
  Result r = Itr("status --repo " + Quote(repo_.string()), false);
  unsetenv("ITR_STORE");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("runs: 1"));
}

// `itr index`: the fixture of tests/skipper (linked with relocations and a
// map) copied into the scratch directory, indexed beside itself.
TEST_F(ItrCliTest, IndexWritesTheSideFile) {
  fs::path object = dir_ / "bin" / "fixture";
  fs::create_directories(object.parent_path());
  fs::copy_file(ITR_INDEX_FIXTURE, object);
  fs::copy_file(std::string(ITR_INDEX_FIXTURE) + ".itr.map",
                object.string() + ".itr.map");
  Result r = Itr("index " + Quote(object.string()), false);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("index " + object.string() + ": "));
  EXPECT_THAT(r.out, HasSubstr("functions"));
  EXPECT_THAT(r.out, HasSubstr("units, fingerprinted, "));
  EXPECT_TRUE(fs::exists(object.string() + ".itridx"));
  EXPECT_THAT(ReadFile(object.string() + ".itridx"), HasSubstr("ITRFIDX"));
  // Without its map: indexed, not fingerprinted, and the line says why.
  fs::remove(object.string() + ".itr.map");
  r = Itr("index " + Quote(object.string()), false);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("not fingerprinted: no link map"));
}

TEST_F(ItrCliTest, IndexErrors) {
  Result r = Itr("index", false);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("index needs an object file"));
  fs::path text = dir_ / "not-elf";
  WriteFile(text, "not an ELF file\n");
  r = Itr("index " + Quote(text.string()), false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("itr: cannot index"));
  EXPECT_THAT(r.err, HasSubstr("not an x86-64 ELF"));
  // An index that cannot be written: a directory stands in its place.
  fs::path object = dir_ / "fixture";
  fs::copy_file(ITR_INDEX_FIXTURE, object);
  fs::create_directories(object.string() + ".itridx/x");
  r = Itr("index " + Quote(object.string()), false);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("cannot write the index"));
}

}  // namespace
