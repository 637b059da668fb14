// Read tracking seen from outside: the ITR_COVERAGE_EXPORT lines of a real
// process carry "files_read" and "env_read" for each test and for the code
// outside tests, whatever spelling of the repository root the program uses.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string HashHex(const std::string& value) {
  char hex[17];
  snprintf(
      hex, sizeof(hex), "%016llx",
      static_cast<unsigned long long>(XXH3_64bits(value.data(), value.size())));
  return hex;
}

class ReadsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("itr-reads-process-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    repo_ = base_ / "repo";
    fs::create_directories(repo_ / "data");
    fs::create_directories(repo_ / ".git");
    std::ofstream(repo_ / "data" / "input.txt") << "hello";
    std::ofstream(repo_ / "startup.txt") << "s";
    std::ofstream(repo_ / "between.txt") << "b";
    link_ = base_ / "link";
    fs::create_directory_symlink(repo_, link_);
  }
  void TearDown() override { fs::remove_all(base_); }

  // Runs the program in `cwd` with READS_DIR=`dir` and ITR_REPO_ROOT=`root`;
  // returns its export lines.
  std::vector<json> Run(const fs::path& cwd, const fs::path& dir,
                        const fs::path& root) {
    fs::path export_file = repo_ / "coverage.jsonl";  // inside the repository
    fs::remove(export_file);
    pid_t pid = fork();
    if (pid == 0) {
      if (chdir(cwd.c_str()) != 0) _exit(126);
      setenv("PWD", cwd.c_str(), 1);  // as a shell would
      setenv("ITR_COVERAGE_EXPORT", export_file.c_str(), 1);
      setenv("ITR_REPO_ROOT", root.c_str(), 1);
      setenv("READS_DIR", dir.c_str(), 1);
      setenv("READS_VALUE", "value", 1);
      unsetenv("READS_UNSET");
      FILE* out = freopen((base_ / "output.txt").c_str(), "w", stdout);
      (void)out;
      execl(ITR_READS_PROGRAM, ITR_READS_PROGRAM, static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    std::ifstream output(base_ / "output.txt");
    std::getline(output, output_);
    std::vector<json> records;
    std::ifstream lines(export_file);
    for (std::string line; std::getline(lines, line);) {
      records.push_back(json::parse(line));
    }
    return records;
  }

  // The test's line, or the last line of the code outside tests.
  static json Find(const std::vector<json>& records, const json& test) {
    json found;
    for (const json& record : records) {
      if (record.contains("test") && record["test"] == test) found = record;
    }
    return found;
  }

  void ExpectReads(const std::vector<json>& records) {
    EXPECT_EQ(output_,
              "startup=1 input=hello value=value unset=1 export=1 between=1 "
              "missing=0 produced=1");
    json first = Find(records, "Reads.First");
    ASSERT_FALSE(first.is_null());
    EXPECT_EQ(first["status"], "complete") << first.dump();
    EXPECT_EQ(first["files_read"], json::array({"data/input.txt"}))
        << "the export file is not a dependency";
    EXPECT_EQ(first["env_read"], json({{"READS_UNSET", nullptr},
                                       {"READS_VALUE", HashHex("value")}}));

    json second = Find(records, "Reads.Second");
    ASSERT_FALSE(second.is_null());
    EXPECT_EQ(second["files_read"], json::array({"missing.txt"}))
        << "a missing file is, the test's own output is not";
    EXPECT_TRUE(second["env_read"].empty());

    json outside = Find(records, nullptr);
    ASSERT_FALSE(outside.is_null());
    EXPECT_EQ(outside["files_read"],
              json::array({"between.txt", "startup.txt"}));
    EXPECT_EQ(outside["env_read"]["READS_DIR"], HashHex(reads_dir_));
  }

  std::string reads_dir_;  // the value READS_DIR had

  fs::path base_, repo_, link_;
  std::string output_;
};

TEST_F(ReadsProcessTest, ExportCarriesFilesAndEnvironmentRead) {
  reads_dir_ = repo_.string();
  ExpectReads(Run(repo_, repo_, repo_));
}

// ITR_REPO_ROOT given through a symbolic link: paths spelled through it
// count, relative to the repository.
TEST_F(ReadsProcessTest, RootSpelledThroughASymlink) {
  reads_dir_ = link_.string();
  ExpectReads(Run(base_, link_, link_));
}

// The working directory entered through a symbolic link ($PWD): paths
// spelled through it count too.
TEST_F(ReadsProcessTest, WorkingDirectorySpelledThroughASymlink) {
  reads_dir_ = link_.string();
  ExpectReads(Run(link_, link_, repo_));
}

}  // namespace
