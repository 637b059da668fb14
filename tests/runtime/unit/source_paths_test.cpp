#include "source_paths.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace itr::runtime {
namespace {

TEST(NormalizePath, CollapsesDotsAndSlashes) {
  EXPECT_EQ(NormalizePath("/a/b/../c/./d//e"), "/a/c/d/e");
  EXPECT_EQ(NormalizePath("/a/../../b"), "/b");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("a/../../b"), "../b");
  EXPECT_EQ(NormalizePath("/build/../src/x.cpp"), "/src/x.cpp");
}

TEST(ClassifySourcePath, InsideTheRootIsRelative) {
  SourcePath p = ClassifySourcePath("/repo/src/a.cpp", "/repo");
  EXPECT_EQ(p.path, "src/a.cpp");
  EXPECT_FALSE(p.external);
}

TEST(ClassifySourcePath, OutsideTheRootIsExternalAndAbsolute) {
  SourcePath p = ClassifySourcePath("/usr/include/c++/12/vector", "/repo");
  EXPECT_EQ(p.path, "/usr/include/c++/12/vector");
  EXPECT_TRUE(p.external);
  // A sibling with a common prefix is not inside.
  EXPECT_TRUE(ClassifySourcePath("/repository/a.cpp", "/repo").external);
}

TEST(ClassifySourcePath, SymlinkedDirectoryIntoTheRootIsInside) {
  namespace fs = std::filesystem;
  fs::path base =
      fs::temp_directory_path() / ("itr-paths-" + std::to_string(getpid()));
  fs::remove_all(base);
  fs::create_directories(base / "repo" / "src");
  { std::ofstream(base / "repo" / "src" / "a.cpp") << "int a;"; }
  fs::create_directory_symlink(base / "repo" / "src", base / "link");
  std::string root = fs::canonical(base / "repo").string();
  SourcePath p =
      ClassifySourcePath(fs::canonical(base).string() + "/link/a.cpp", root);
  EXPECT_EQ(p.path, "src/a.cpp");
  EXPECT_FALSE(p.external);
  fs::remove_all(base);
}

}  // namespace
}  // namespace itr::runtime
