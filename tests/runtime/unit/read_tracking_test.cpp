// The pure parts of read tracking: path normalization and classification,
// the open-flags rule, the environment exclusions.
#include <fcntl.h>

#include <cstring>
#include <string>
#include <vector>

#include "env_exclusions.h"
#include "gtest/gtest.h"
#include "open_access.h"
#include "read_paths.h"

namespace itr::runtime {
namespace {

std::string Normalized(std::string path) {
  path.resize(NormalizeAbsoluteInPlace(path.data()));
  return path;
}

TEST(NormalizeAbsoluteInPlace, CollapsesLexically) {
  EXPECT_EQ(Normalized("/a/b/c"), "/a/b/c");
  EXPECT_EQ(Normalized("//a///b/./c/"), "/a/b/c");
  EXPECT_EQ(Normalized("/a/b/../../c/.."), "/");
  EXPECT_EQ(Normalized("/../../a"), "/a");
  EXPECT_EQ(Normalized("/a/.hidden/..x/..."), "/a/.hidden/..x/...");
  EXPECT_EQ(Normalized("/"), "/");
}

TEST(ClassifyOpen, ReadsWritesAndNeither) {
  EXPECT_EQ(ClassifyOpen(O_RDONLY, false), FileAccess::kRead);
  EXPECT_EQ(ClassifyOpen(O_RDONLY | O_CLOEXEC | O_NOFOLLOW, false),
            FileAccess::kRead);
  EXPECT_EQ(ClassifyOpen(O_RDWR, false), FileAccess::kRead);
  EXPECT_EQ(ClassifyOpen(O_RDWR | O_APPEND, false), FileAccess::kRead);
  EXPECT_EQ(ClassifyOpen(O_WRONLY, true), FileAccess::kWrite);
  EXPECT_EQ(ClassifyOpen(O_RDWR | O_TRUNC, true), FileAccess::kWrite);
  EXPECT_EQ(ClassifyOpen(O_RDWR | O_CREAT | O_EXCL, false), FileAccess::kWrite);
  EXPECT_TRUE(OpenNeedsExistence(O_RDWR | O_CREAT));
  EXPECT_EQ(ClassifyOpen(O_RDWR | O_CREAT, true), FileAccess::kRead);
  EXPECT_EQ(ClassifyOpen(O_RDWR | O_CREAT, false), FileAccess::kWrite);
  EXPECT_FALSE(OpenNeedsExistence(O_WRONLY | O_CREAT));
  EXPECT_FALSE(OpenNeedsExistence(O_RDWR | O_CREAT | O_TRUNC));
  EXPECT_EQ(ClassifyOpen(O_PATH, false), FileAccess::kNone);
  EXPECT_EQ(ClassifyOpen(O_RDONLY | O_DIRECTORY, false), FileAccess::kNone);
  EXPECT_EQ(ClassifyOpen(O_RDWR | O_TMPFILE, false), FileAccess::kNone);
}

TEST(OpenFlagsOfMode, AsGlibcReadsThem) {
  EXPECT_EQ(OpenFlagsOfMode("r"), O_RDONLY);
  EXPECT_EQ(OpenFlagsOfMode("rb"), O_RDONLY);
  EXPECT_EQ(OpenFlagsOfMode("r+"), O_RDWR);
  EXPECT_EQ(OpenFlagsOfMode("rb+e"), O_RDWR);
  EXPECT_EQ(OpenFlagsOfMode("w"), O_WRONLY | O_CREAT | O_TRUNC);
  EXPECT_EQ(OpenFlagsOfMode("w+"), O_RDWR | O_CREAT | O_TRUNC);
  EXPECT_EQ(OpenFlagsOfMode("a+"), O_RDWR | O_CREAT | O_APPEND);
  EXPECT_EQ(OpenFlagsOfMode("wx"), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL);
  EXPECT_EQ(OpenFlagsOfMode("r,ccs=UTF-8+"), O_RDONLY);
  EXPECT_EQ(OpenFlagsOfMode("z"), -1);
  EXPECT_EQ(OpenFlagsOfMode(""), -1);
  // "a+" of an existing file reads it; of a new one, creates it.
  EXPECT_EQ(ClassifyOpen(OpenFlagsOfMode("a+"), true), FileAccess::kRead);
  EXPECT_EQ(ClassifyOpen(OpenFlagsOfMode("a+"), false), FileAccess::kWrite);
}

TEST(IsExcludedVariable, PrefixesAndNames) {
  for (const char* name :
       {"ITR_ENABLED", "DD_SITE", "GTEST_COLOR", "CATCH_X", "DOCTEST_X", "TERM",
        "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"}) {
    EXPECT_TRUE(IsExcludedVariable(name, strlen(name))) << name;
  }
  for (const char* name :
       {"ITR", "TERMINAL", "HOME", "DDX", "CLICOLORS", "", "PATH"}) {
    EXPECT_FALSE(IsExcludedVariable(name, strlen(name))) << name;
  }
  EXPECT_TRUE(IsExcludedVariable("TERM=xterm", 4));  // putenv's name part
}

class RepositoryPathsTest : public ::testing::Test {
 protected:
  void Init(std::initializer_list<const char*> roots,
            const char* export_file = nullptr) {
    std::vector<const char*> list(roots);
    paths_ = new RepositoryPaths();
    paths_->Init(list.data(), list.size(), export_file);
  }
  void TearDown() override { delete paths_; }

  std::string Resolve(const char* path, RepositoryPaths::Kind expected =
                                            RepositoryPaths::Kind::kInside) {
    const char* relative = nullptr;
    size_t length = 0;
    EXPECT_EQ(paths_->Resolve(AT_FDCWD, path, &relative, &length), expected)
        << path;
    return expected == RepositoryPaths::Kind::kInside
               ? std::string(relative, length)
               : "";
  }

  RepositoryPaths* paths_ = nullptr;
};

TEST_F(RepositoryPathsTest, FastCheckRulesOutOtherAbsolutePaths) {
  Init({"/work/repo", "/home/me/link"});
  EXPECT_TRUE(paths_->enabled());
  EXPECT_TRUE(paths_->MayBeInside(AT_FDCWD, "/work/repo/a.txt"));
  EXPECT_TRUE(paths_->MayBeInside(AT_FDCWD, "/home/me/link/a.txt"));
  EXPECT_FALSE(paths_->MayBeInside(AT_FDCWD, "/usr/share/zoneinfo/UTC"));
  EXPECT_FALSE(paths_->MayBeInside(AT_FDCWD, "/work/repository/a.txt"));
  // Only a lexical detour can lead elsewhere into the repository.
  EXPECT_TRUE(paths_->MayBeInside(AT_FDCWD, "/work/other/../repo/a"));
  EXPECT_TRUE(paths_->MayBeInside(AT_FDCWD, "/work//repo/a"));
  EXPECT_TRUE(paths_->MayBeInside(3, "relative.txt"));  // a directory fd
}

TEST_F(RepositoryPathsTest, ResolvesAndExcludes) {
  Init({"/work/repo", "/home/me/link"}, "/work/repo/build/coverage.jsonl");
  EXPECT_EQ(Resolve("/work/repo/data/a.txt"), "data/a.txt");
  EXPECT_EQ(Resolve("/work//other/../repo/./data/a.txt"), "data/a.txt");
  EXPECT_EQ(Resolve("/home/me/link/data/a.txt"), "data/a.txt");
  EXPECT_EQ(Resolve("/work/repo/.gitignore"), ".gitignore");
  Resolve("/work/repo/.git/HEAD", RepositoryPaths::Kind::kExcluded);
  Resolve("/work/repo/.git", RepositoryPaths::Kind::kExcluded);
  Resolve("/work/repo/.itr/itr.sqlite", RepositoryPaths::Kind::kExcluded);
  Resolve("/work/repo/build/coverage.jsonl", RepositoryPaths::Kind::kExcluded);
  Resolve("/work/repo", RepositoryPaths::Kind::kExcluded);
  Resolve("/work/repo/../x", RepositoryPaths::Kind::kOutside);
  Resolve("/tmp/x", RepositoryPaths::Kind::kOutside);
}

TEST_F(RepositoryPathsTest, NoRepositoryTracksNothing) {
  Init({"/"});
  EXPECT_FALSE(paths_->enabled());
}

}  // namespace
}  // namespace itr::runtime
