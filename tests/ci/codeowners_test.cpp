// test.codeowners from CODEOWNERS files: the pattern syntax (dd-trace-py's
// codeowners.py, after hmarr/codeowners), the last matching rule winning,
// and where the file is looked for.
#include "skipper/ci/codeowners.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

std::string Owners(std::string_view rules, std::string_view path) {
  return Codeowners::Parse(rules).OwnersJson(path);
}

TEST(Codeowners, LastMatchingRuleWins) {
  constexpr char kRules[] =
      "# global owners\n"
      "*          @org/everyone\n"
      "*.cc       @org/cpp @alice   # inline comment\n"
      "/src/net/  @org/net\n"
      "\n";
  EXPECT_EQ(Owners(kRules, "README.md"), R"(["@org/everyone"])");
  EXPECT_EQ(Owners(kRules, "src/a.cc"), R"(["@org/cpp", "@alice"])");
  EXPECT_EQ(Owners(kRules, "src/net/socket.cc"), R"(["@org/net"])");
  EXPECT_EQ(Codeowners::Parse(kRules).rule_count(), 3u);
}

TEST(Codeowners, NoMatchIsEmpty) {
  EXPECT_EQ(Owners("docs/ @org/docs\n", "src/a.cc"), "");
  EXPECT_EQ(Owners("", "src/a.cc"), "");
}

TEST(Codeowners, UnanchoredPatternsMatchAtAnyDepth) {
  EXPECT_EQ(Owners("test_*.cc @t\n", "a/b/test_x.cc"), R"(["@t"])");
  EXPECT_EQ(Owners("build/ @b\n", "x/build/out.o"), R"(["@b"])");
  EXPECT_EQ(Owners("build/ @b\n", "x/build"), "") << "a directory rule";
  EXPECT_EQ(Owners("net @n\n", "src/net/a.cc"), R"(["@n"])");
  EXPECT_EQ(Owners("net @n\n", "src/network.cc"), "");
}

TEST(Codeowners, AnchoredPatternsMatchFromTheRoot) {
  EXPECT_EQ(Owners("src/net @n\n", "src/net/a.cc"), R"(["@n"])");
  EXPECT_EQ(Owners("src/net @n\n", "lib/src/net/a.cc"), "");
  EXPECT_EQ(Owners("/docs/ @d\n", "docs/x.md"), R"(["@d"])");
}

TEST(Codeowners, Wildcards) {
  EXPECT_EQ(Owners("src/*.cc @c\n", "src/a.cc"), R"(["@c"])");
  EXPECT_EQ(Owners("src/*.cc @c\n", "src/x/a.cc"), "") << "* stops at /";
  EXPECT_EQ(Owners("src/**/a.cc @c\n", "src/x/y/a.cc"), R"(["@c"])");
  EXPECT_EQ(Owners("src/**/a.cc @c\n", "src/a.cc"), R"(["@c"])");
  EXPECT_EQ(Owners("**/fixtures @f\n", "t/fixtures/x.json"), R"(["@f"])");
  EXPECT_EQ(Owners("src/** @s\n", "src/deep/er/x.h"), R"(["@s"])");
  EXPECT_EQ(Owners("a?.h @q\n", "inc/ab.h"), R"(["@q"])");
  EXPECT_EQ(Owners("a?.h @q\n", "inc/a.h"), "");
  EXPECT_EQ(Owners("inc/[ab].h @k\n", "inc/b.h"), R"(["@k"])");
  EXPECT_EQ(Owners("inc/[ab].h @k\n", "inc/c.h"), "");
  EXPECT_EQ(Owners("file\\*.h @e\n", "file*.h"), R"(["@e"])");
  EXPECT_EQ(Owners("file\\*.h @e\n", "fileX.h"), "");
  EXPECT_EQ(Owners("a.h @dot\n", "aXh"), "") << "'.' is literal";
}

TEST(Codeowners, ClassesRangesAndNegation) {
  EXPECT_EQ(Owners("v[0-9].h @v\n", "inc/v7.h"), R"(["@v"])");
  EXPECT_EQ(Owners("v[0-9].h @v\n", "inc/vx.h"), "");
  EXPECT_EQ(Owners("v[^0-9].h @v\n", "inc/vx.h"), R"(["@v"])");
  EXPECT_EQ(Owners("v[^0-9].h @v\n", "inc/v7.h"), "");
  EXPECT_EQ(Owners("a/** @a\n", "a/b/c"), R"(["@a"])");
  EXPECT_EQ(Owners("a/***.h @a\n", "a/x.h"), R"(["@a"])");
  EXPECT_EQ(Owners("a/***.h @a\n", "a/b/x.h"), "") << "not a whole segment";
}

// Found by fuzz.codeowners: sixty '*' took std::regex 27 s of backtracking
// per path (this test would run into ctest's timeout). Matching is a table
// now, bounded by pattern times path.
TEST(Codeowners, PathologicalPatternsStillMatchRight) {
  const std::string stars(60, '*');
  std::string alternating;
  for (int i = 0; i < 40; ++i) alternating += "*a";
  const std::string path = std::string(200, 'a') + "/" + std::string(200, 'a');
  EXPECT_EQ(Owners(stars + " @s\n", path), R"(["@s"])");
  EXPECT_EQ(Owners(alternating + "*b @s\n", path), "");
  EXPECT_EQ(Owners(alternating + " @s\n", path), R"(["@s"])");
}

TEST(Codeowners, SkipsSectionsRulesWithoutOwnersAndBadPatterns) {
  constexpr char kRules[] =
      "[Backend] @org/backend\n"
      "^[Optional]\n"
      "src/lonely\n"
      "src/[bad @x\n"
      "src/ @org/src\n";
  Codeowners codeowners = Codeowners::Parse(kRules);
  EXPECT_EQ(codeowners.rule_count(), 1u);
  EXPECT_EQ(codeowners.OwnersJson("src/lonely/a.cc"), R"(["@org/src"])");
  EXPECT_EQ(CodeownersPattern::Compile("[abc"), std::nullopt);
  EXPECT_EQ(CodeownersPattern::Compile("[z-a]"), std::nullopt);
  EXPECT_EQ(CodeownersPattern::Compile(
                std::string(CodeownersPattern::kMaxLength + 1, 'a')),
            std::nullopt);
}

TEST(Codeowners, LoadsTheFirstFileThatExists) {
  const fs::path root = fs::temp_directory_path() /
                        ("itr-codeowners-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / ".github");
  fs::create_directories(root / "docs");
  EXPECT_FALSE(Codeowners::Load(root.string()).has_value());
  std::ofstream(root / "docs/CODEOWNERS") << "* @docs\n";
  std::ofstream(root / ".github/CODEOWNERS") << "* @github\n";
  EXPECT_EQ(Codeowners::Load(root.string())->OwnersJson("a.cc"),
            R"(["@github"])");
  std::ofstream(root / "CODEOWNERS") << "* @root\n";
  EXPECT_EQ(Codeowners::Load(root.string())->OwnersJson("a.cc"),
            R"(["@root"])");
  fs::remove_all(root);
}

}  // namespace
}  // namespace itr::skipper
