// A scratch directory per test: a repository with source files dated in the
// past (older than any "build"), and a store path beside it.
#ifndef ITR_TESTS_SKIPPER_UNIT_SCRATCH_REPO_H_
#define ITR_TESTS_SKIPPER_UNIT_SCRATCH_REPO_H_

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace itr::skipper {

class ScratchRepo {
 public:
  ScratchRepo()
      : dir_(
            std::filesystem::path(::testing::TempDir()) /
            ("itr-" +
             std::string(::testing::UnitTest::GetInstance()
                             ->current_test_info()
                             ->test_suite_name()) +
             "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(root() + "/src");
  }
  ~ScratchRepo() { std::filesystem::remove_all(dir_); }

  std::string root() const { return (dir_ / "repo").string(); }
  std::string store_path() const {
    return (dir_ / ".itr" / "itr.sqlite").string();
  }
  const std::filesystem::path& dir() const { return dir_; }

  // Writes repo-relative `path`, dated in the past: the stat cache may trust
  // it, and it predates "the build".
  void Write(const std::string& path, const std::string& text) const {
    std::string file = root() + "/" + path;
    std::filesystem::create_directories(
        std::filesystem::path(file).parent_path());
    std::ofstream(file) << text;
    struct timespec past[2] = {{1600000000, 0}, {1600000000, 0}};
    utimensat(AT_FDCWD, file.c_str(), past, 0);
  }

 private:
  std::filesystem::path dir_;
};

// A build time after every file a ScratchRepo writes.
inline constexpr int64_t kBuiltNow = int64_t{1} << 62;

}  // namespace itr::skipper

#endif  // ITR_TESTS_SKIPPER_UNIT_SCRATCH_REPO_H_
