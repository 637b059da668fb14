// Read tracking in this process: files opened and environment variables
// read by the code of a test window (or outside tests), through the
// runtime's interposers, with real files.
//
// The repository root is ITR_REPO_ROOT (a directory of the build tree, see
// CMakeLists.txt); each process works in its own subdirectory of it. The
// variables READS_TEST_SET=hello and READS_TEST_KEPT=outside come from the
// process's environment (main() starts the test again with them);
// READS_TEST_UNSET is never set.
#include <fcntl.h>
#include <fenv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "itr/coverage.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define ITR_SANITIZER_BUILD 1
#endif
#endif

namespace {

namespace fs = std::filesystem;

using EnvReads = std::map<std::string, std::optional<uint64_t>>;

std::vector<std::string> FilesRead(const itr_executed* executed) {
  std::vector<std::string> files;
  for (size_t i = 0; i < executed->file_read_count; ++i) {
    files.push_back(executed->files_read[i]);
  }
  return files;
}

EnvReads EnvRead(const itr_executed* executed) {
  EnvReads env;
  for (size_t i = 0; i < executed->env_read_count; ++i) {
    const itr_env_read& read = executed->env_read[i];
    env[read.name] =
        read.is_set ? std::optional<uint64_t>(read.value_hash) : std::nullopt;
  }
  return env;
}

uint64_t Hash(const std::string& value) {
  return XXH3_64bits(value.data(), value.size());
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A static initializer: code of the start-up phase.
const bool kStartupRead = [] {
  if (const char* root = getenv("ITR_REPO_ROOT"); root != nullptr) {
    std::ifstream(std::string(root) + "/startup-probe.txt").good();  // missing
  }
  return getenv("READS_TEST_STARTUP") == nullptr;
}();

// Runs `body` in a test window and returns what the window read.
template <typename Body>
const itr_executed* InTest(Body body) {
  itr_test_begin("reads");
  body();
  itr_test_end();
  return itr_last_test_executed();
}

class ReadsInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = getenv("ITR_REPO_ROOT");
    ASSERT_NE(root, nullptr);
    root_ = root;
    sub_ = "p" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = root_ + "/" + sub_;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    outside_ = fs::temp_directory_path().string() + "/itr-reads-outside-" +
               std::to_string(getpid());
    fs::create_directories(outside_);
    cwd_ = fs::current_path();
  }
  void TearDown() override {
    fs::current_path(cwd_);
    fs::remove_all(dir_);
    fs::remove_all(outside_);
  }

  // Creates `name` in this test's repository directory; returns its
  // absolute path. As itr-cpp's own write: it marks no window's output.
  std::string Make(const std::string& name, const std::string& text = "x") {
    itr_internal_enter();
    std::ofstream(dir_ + "/" + name) << text;
    itr_internal_leave();
    return dir_ + "/" + name;
  }
  std::string Rel(const std::string& name) const { return sub_ + "/" + name; }

  std::string root_, sub_, dir_, outside_;
  fs::path cwd_;
};

TEST_F(ReadsInProcess, IfstreamReadIsRecorded) {
  std::string path = Make("data.txt", "payload");
  const itr_executed* executed =
      InTest([&] { EXPECT_EQ(Slurp(path), "payload"); });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("data.txt")});
  EXPECT_EQ(executed->status, ITR_COVERAGE_COMPLETE);
}

TEST_F(ReadsInProcess, FopenReadIsRecorded) {
  std::string path = Make("data.txt");
  const itr_executed* executed = InTest([&] {
    FILE* file = fopen(path.c_str(), "rb");
    ASSERT_NE(file, nullptr);
    fclose(file);
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("data.txt")});
}

TEST_F(ReadsInProcess, FreopenReadIsRecorded) {
  std::string path = Make("data.txt");
  std::string other = outside_ + "/other.txt";
  std::ofstream(other) << "x";
  const itr_executed* executed = InTest([&] {
    FILE* file = fopen(other.c_str(), "r");
    ASSERT_NE(file, nullptr);
    file = freopen(path.c_str(), "r", file);
    ASSERT_NE(file, nullptr);
    fclose(file);
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("data.txt")});
}

TEST_F(ReadsInProcess, OpenReadIsRecorded) {
  std::string a = Make("a.txt");
  std::string b = Make("b.txt");
  const itr_executed* executed = InTest([&] {
    int fd = open(a.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    close(fd);
    fd = open(b.c_str(), O_RDWR);  // no O_TRUNC, no O_CREAT: may read
    ASSERT_GE(fd, 0);
    close(fd);
  });
  EXPECT_EQ(FilesRead(executed),
            (std::vector<std::string>{Rel("a.txt"), Rel("b.txt")}));
}

TEST_F(ReadsInProcess, OpenatThroughADirectoryDescriptorIsRecorded) {
  Make("a.txt");
  Make("b.txt");
  int dir = open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  const itr_executed* executed = InTest([&] {
    int fd = openat(dir, "a.txt", O_RDONLY);
    ASSERT_GE(fd, 0);
    close(fd);
    fd = openat(dir, "./sub/../b.txt", O_RDONLY);  // lexical: sub missing
    close(fd);
  });
  close(dir);
  EXPECT_EQ(FilesRead(executed),
            (std::vector<std::string>{Rel("a.txt"), Rel("b.txt")}));
}

TEST_F(ReadsInProcess, OpenatFromTheWorkingDirectoryIsRecorded) {
  std::string path = Make("a.txt");
  const itr_executed* executed = InTest([&] {
    int fd = openat(AT_FDCWD, path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    close(fd);
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("a.txt")});
}

TEST_F(ReadsInProcess, FileOutsideTheRepositoryIsNotRecorded) {
  std::string path = outside_ + "/data.txt";
  std::ofstream(path) << "x";
  const itr_executed* executed = InTest([&] {
    EXPECT_EQ(Slurp(path), "x");
    EXPECT_EQ(Slurp(root_ + "/../not-in-repo.txt"), "");
  });
  EXPECT_TRUE(FilesRead(executed).empty());
}

TEST_F(ReadsInProcess, FileWrittenThenReadIsNotRecorded) {
  std::string path = dir_ + "/out.txt";
  const itr_executed* executed = InTest([&] {
    std::ofstream(path) << "produced";
    EXPECT_EQ(Slurp(path), "produced");
  });
  EXPECT_TRUE(FilesRead(executed).empty());
}

TEST_F(ReadsInProcess, FileReadThenWrittenStaysADependency) {
  std::string path = Make("state.txt", "before");
  const itr_executed* executed = InTest([&] {
    EXPECT_EQ(Slurp(path), "before");
    std::ofstream(path) << "after";
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("state.txt")});
}

TEST_F(ReadsInProcess, ReadWriteOpenWithCreateDependsOnExistence) {
  std::string existing = Make("existing.txt");
  std::string created = dir_ + "/created.txt";
  const itr_executed* executed = InTest([&] {
    for (const std::string& path : {existing, created}) {
      int fd = open(path.c_str(), O_RDWR | O_CREAT, 0644);
      ASSERT_GE(fd, 0);
      close(fd);
    }
    int fd = creat((dir_ + "/creat.txt").c_str(), 0644);
    ASSERT_GE(fd, 0);
    close(fd);
    EXPECT_EQ(Slurp(created), "");  // its own output
    EXPECT_EQ(Slurp(dir_ + "/creat.txt"), "");
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("existing.txt")});
}

TEST_F(ReadsInProcess, MissingFileIsRecorded) {
  const itr_executed* executed = InTest([&] {
    EXPECT_FALSE(std::ifstream(dir_ + "/missing.txt").good());
    EXPECT_EQ(open((dir_ + "/also-missing").c_str(), O_RDONLY), -1);
  });
  EXPECT_EQ(FilesRead(executed), (std::vector<std::string>{
                                     Rel("also-missing"), Rel("missing.txt")}));
}

TEST_F(ReadsInProcess, DirectoriesAreNotRecorded) {
  const itr_executed* executed = InTest([&] {
    int fd = open(dir_.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    close(fd);
    fd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    close(fd);
  });
  EXPECT_TRUE(FilesRead(executed).empty());
}

TEST_F(ReadsInProcess, GitAndItrDirectoriesAreExcluded) {
  const itr_executed* executed = InTest([&] {
    std::ifstream(root_ + "/.git/HEAD").good();
    std::ifstream(root_ + "/.itr/itr.sqlite").good();
    std::ifstream(root_ + "/.gitignore").good();  // not excluded
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{".gitignore"});
}

TEST_F(ReadsInProcess, RelativePathsResolveAgainstTheWorkingDirectory) {
  Make("data.txt");
  std::ofstream(outside_ + "/data.txt") << "x";
  const itr_executed* executed = InTest([&] {
    ASSERT_EQ(chdir(dir_.c_str()), 0);
    EXPECT_TRUE(std::ifstream("data.txt").good());
    EXPECT_TRUE(std::ifstream("./../" + sub_ + "//data.txt").good());
    ASSERT_EQ(chdir(outside_.c_str()), 0);
    EXPECT_TRUE(std::ifstream("data.txt").good());  // outside now
    int dir = open(root_.c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(dir, 0);
    ASSERT_EQ(fchdir(dir), 0);
    close(dir);
    EXPECT_FALSE(std::ifstream("fchdir-missing.txt").good());
  });
  EXPECT_EQ(FilesRead(executed),
            (std::vector<std::string>{"fchdir-missing.txt", Rel("data.txt")}));
}

TEST_F(ReadsInProcess, DotDotFromOutsideReachesTheRepository) {
  Make("data.txt");
  std::string up;
  for (char c : outside_) {
    if (c == '/') up += "../";
  }
  const itr_executed* executed = InTest([&] {
    ASSERT_EQ(chdir(outside_.c_str()), 0);
    EXPECT_TRUE(std::ifstream(up + dir_.substr(1) + "/data.txt").good());
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("data.txt")});
}

TEST_F(ReadsInProcess, ReadsOfOtherThreadsBelongToTheTest) {
  std::string path = Make("data.txt");
  const itr_executed* executed = InTest([&] {
    std::thread reader([&] { EXPECT_EQ(Slurp(path), "x"); });
    reader.join();
  });
  EXPECT_EQ(FilesRead(executed), std::vector<std::string>{Rel("data.txt")});
}

TEST_F(ReadsInProcess, EnvironmentReadsSetAndUnset) {
  const itr_executed* executed = InTest([&] {
    EXPECT_STREQ(getenv("READS_TEST_SET"), "hello");
    EXPECT_EQ(getenv("READS_TEST_UNSET"), nullptr);
    EXPECT_STREQ(secure_getenv("READS_TEST_KEPT"), "outside");
    getenv("READS_TEST_SET");  // the first read of a name counts
  });
  EXPECT_EQ(EnvRead(executed), (EnvReads{{"READS_TEST_KEPT", Hash("outside")},
                                         {"READS_TEST_SET", Hash("hello")},
                                         {"READS_TEST_UNSET", std::nullopt}}));
  ASSERT_EQ(executed->env_read_count, 3u);
  EXPECT_STREQ(executed->env_read[0].name, "READS_TEST_KEPT");  // sorted
  EXPECT_EQ(executed->env_read[2].value_hash, 0u);
}

TEST_F(ReadsInProcess, VariablesTheProcessSetAreNotDependencies) {
  const itr_executed* executed = InTest([&] {
    ASSERT_EQ(setenv("READS_OWN_SET", "1", 1), 0);
    EXPECT_STREQ(getenv("READS_OWN_SET"), "1");
    ASSERT_EQ(unsetenv("READS_OWN_UNSET"), 0);
    EXPECT_EQ(getenv("READS_OWN_UNSET"), nullptr);
    static char put[] = "READS_OWN_PUT=2";
    ASSERT_EQ(putenv(put), 0);
    EXPECT_STREQ(getenv("READS_OWN_PUT"), "2");
    // Without overwrite an existing value stays the outside one.
    ASSERT_EQ(setenv("READS_TEST_KEPT", "mine", 0), 0);
    EXPECT_STREQ(getenv("READS_TEST_KEPT"), "outside");
  });
  EXPECT_EQ(EnvRead(executed),
            (EnvReads{{"READS_TEST_KEPT", Hash("outside")}}));
  // Set in an earlier window: its value is still the process's own.
  executed = InTest([&] { EXPECT_STREQ(getenv("READS_OWN_SET"), "1"); });
  EXPECT_TRUE(EnvRead(executed).empty());
}

TEST_F(ReadsInProcess, VariablesOfItrCppAndTheFrameworksAreNotRecorded) {
  const itr_executed* executed = InTest([&] {
    for (const char* name :
         {"ITR_ENABLED", "DD_API_KEY", "GTEST_COLOR", "CATCH_CONFIG",
          "DOCTEST_CONFIG", "TERM", "COLORTERM", "NO_COLOR", "CLICOLOR",
          "CLICOLOR_FORCE", "XML_OUTPUT_FILE", "TESTBRIDGE_TEST_ONLY"}) {
      getenv(name);
    }
    getenv("TERMINAL");  // not excluded: only TERM itself is
  });
  EXPECT_EQ(EnvRead(executed), (EnvReads{{"TERMINAL", std::nullopt}}));
}

TEST_F(ReadsInProcess, ItrCppsOwnCallsAreNotRecorded) {
  std::string path = Make("data.txt");
  const itr_executed* executed = InTest([&] {
    itr_internal_enter();
    EXPECT_EQ(Slurp(path), "x");
    getenv("READS_TEST_SET");
    itr_internal_leave();
  });
  EXPECT_TRUE(FilesRead(executed).empty());
  EXPECT_TRUE(EnvRead(executed).empty());
}

TEST_F(ReadsInProcess, ErrnoIsWhatTheRealCallLeft) {
  std::string path = Make("data.txt");
  InTest([&] {
    errno = 1234;  // success leaves errno alone, recording included
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    close(fd);
    EXPECT_EQ(errno, 1234);
    errno = 0;
    EXPECT_EQ(open((dir_ + "/missing").c_str(), O_RDONLY), -1);
    EXPECT_EQ(errno, ENOENT);  // the recording ran after it
    errno = 0;
    EXPECT_EQ(fopen((dir_ + "/missing/deeper").c_str(), "r"), nullptr);
    EXPECT_EQ(errno, ENOENT);
    errno = 0;
    EXPECT_EQ(open(dir_.c_str(), O_WRONLY), -1);
    EXPECT_EQ(errno, EISDIR);
    errno = 0;
    EXPECT_EQ(open((outside_ + "/missing").c_str(), O_RDONLY), -1);
    EXPECT_EQ(errno, ENOENT);  // the fast path
#ifndef ITR_SANITIZER_BUILD    // UBSan rejects the null argument itself
    const char* volatile null_path = nullptr;
    errno = 0;
    EXPECT_EQ(open(null_path, O_RDONLY), -1);
    EXPECT_EQ(errno, EFAULT);  // libc's answer, not a crash in the hook
#endif
    errno = 4321;
    getenv("READS_TEST_SET");
    getenv("READS_TEST_UNSET");
    EXPECT_EQ(errno, 4321);
    errno = 0;
    EXPECT_EQ(setenv("", "x", 1), -1);
    EXPECT_EQ(errno, EINVAL);
  });
}

TEST_F(ReadsInProcess, FloatingPointEnvironmentIsUntouched) {
  std::string path = Make("data.txt");
  int rounding = fegetround();
  ASSERT_EQ(fesetround(FE_UPWARD), 0);
  feclearexcept(FE_ALL_EXCEPT);
  InTest([&] {
    Slurp(path);
    Slurp(dir_ + "/missing");
    getenv("READS_TEST_SET");
    setenv("READS_OWN_FP", "1", 1);
  });
  itr_last_test_executed();
  EXPECT_EQ(fetestexcept(FE_ALL_EXCEPT), 0);
  EXPECT_EQ(fegetround(), FE_UPWARD);
  fesetround(rounding);
}

TEST_F(ReadsInProcess, ReadsOutsideTestsLandInTheirPhase) {
  // The static initializer above ran in the start-up phase.
  ASSERT_TRUE(kStartupRead);
  const itr_executed* startup = itr_outside_tests_executed(ITR_PHASE_STARTUP);
  auto startup_files = FilesRead(startup);
  EXPECT_NE(std::find(startup_files.begin(), startup_files.end(),
                      "startup-probe.txt"),
            startup_files.end());
  EXPECT_EQ(EnvRead(startup).count("READS_TEST_STARTUP"), 1u);

  itr_end_startup();
  std::string between = Make("between.txt");
  std::string inside = Make("inside.txt");
  Slurp(between);  // no test open
  getenv("READS_TEST_BETWEEN");
  InTest([&] { Slurp(inside); });

  auto between_files =
      FilesRead(itr_outside_tests_executed(ITR_PHASE_BETWEEN_TESTS));
  EXPECT_NE(
      std::find(between_files.begin(), between_files.end(), Rel("between.txt")),
      between_files.end());
  EXPECT_EQ(
      std::find(between_files.begin(), between_files.end(), Rel("inside.txt")),
      between_files.end());
  EXPECT_EQ(EnvRead(itr_outside_tests_executed(ITR_PHASE_BETWEEN_TESTS))
                .count("READS_TEST_BETWEEN"),
            1u);
  startup_files = FilesRead(itr_outside_tests_executed(ITR_PHASE_STARTUP));
  EXPECT_EQ(
      std::find(startup_files.begin(), startup_files.end(), Rel("between.txt")),
      startup_files.end());
}

TEST_F(ReadsInProcess, OverflowMakesTheTestIncomplete) {
  itr_test_begin("reads_too_many");
  for (int i = 0; i <= 8192; ++i) {
    std::ifstream(dir_ + "/missing-" + std::to_string(i)).good();
  }
  const itr_test_coverage* coverage = itr_test_end();
  EXPECT_EQ(coverage->status, ITR_COVERAGE_INCOMPLETE);
  ASSERT_NE(coverage->error, nullptr);
  EXPECT_NE(std::string(coverage->error).find("more files"), std::string::npos)
      << coverage->error;
  const itr_executed* executed = itr_last_test_executed();
  EXPECT_EQ(executed->status, ITR_COVERAGE_INCOMPLETE);
  EXPECT_EQ(executed->file_read_count, 8192u);

  // The next test starts afresh.
  const itr_executed* next = InTest([] {});
  EXPECT_EQ(next->status, ITR_COVERAGE_COMPLETE);
}

// Fork handlers keep the tracker's lock consistent: children of a process
// whose other threads read all the time never hang on it.
TEST_F(ReadsInProcess, ForkWhileOtherThreadsReadDoesNotDeadlock) {
  std::string path = Make("data.txt");
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        getenv("READS_TEST_SET");
        std::ifstream(path).good();
      }
    });
  }
  itr_test_begin("forks_while_reading");
  int hung = 0;
  for (int i = 0; i < 50; ++i) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      alarm(10);  // a deadlock dies by SIGALRM
      getenv("READS_TEST_SET");
      bool ok = std::ifstream(path).good();
      _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++hung;
  }
  stop = true;
  for (std::thread& reader : readers) reader.join();
  itr_test_end();
  EXPECT_EQ(hung, 0);
  EXPECT_EQ(FilesRead(itr_last_test_executed()),
            std::vector<std::string>{Rel("data.txt")});
}

}  // namespace

// Variables the tests read "from outside" must be in the environment when
// the process starts (set by the process, they would be its own values),
// and so must the repository root: set them and start again.
int main(int argc, char** argv) {
  if (getenv("READS_TEST_SET") == nullptr) {
    setenv("ITR_REPO_ROOT", ITR_READS_REPO, 1);
    setenv("ITR_CACHE_DIR", ITR_TEST_CACHE_DIR, 1);
    setenv("READS_TEST_SET", "hello", 1);
    setenv("READS_TEST_KEPT", "outside", 1);
    unsetenv("READS_TEST_UNSET");
    execv("/proc/self/exe", argv);
    perror("execv");
    return 127;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
