// skipper/config: settings from the environment.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "skipper/config/settings.h"

namespace itr::skipper {
namespace {

// The settings, and how many warnings reading them gave.
struct Loaded {
  Settings settings;
  std::vector<std::string> warnings;
};

Loaded LoadWithWarnings(const std::map<std::string, std::string>& env) {
  Loaded loaded;
  Diagnostics diagnostics(
      [&](const std::string& line) { loaded.warnings.push_back(line); });
  loaded.settings = LoadSettings(
      [&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      "/repo", diagnostics);
  return loaded;
}

Settings Load(const std::map<std::string, std::string>& env) {
  return LoadWithWarnings(env).settings;
}

TEST(Settings, DefaultsAreOnTestLevelAndInTheRepository) {
  Loaded loaded = LoadWithWarnings({});
  const Settings& s = loaded.settings;
  EXPECT_TRUE(s.itr_enabled);
  EXPECT_FALSE(s.collect_only);
  EXPECT_EQ(s.level, SkipLevel::kTest);
  EXPECT_EQ(s.store_path, "/repo/.itr/itr.sqlite");
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(Settings, ItrEnabledAcceptsFalseAndZero) {
  for (const char* off : {"false", "0", "FALSE", " no "}) {
    EXPECT_FALSE(Load({{"DD_CIVISIBILITY_ITR_ENABLED", off}}).itr_enabled)
        << off;
  }
  for (const char* on : {"true", "1", "True"}) {
    EXPECT_TRUE(Load({{"DD_CIVISIBILITY_ITR_ENABLED", on}}).itr_enabled) << on;
  }
}

TEST(Settings, InvalidValuesWarnAndKeepTheSafeDefault) {
  Loaded loaded = LoadWithWarnings({{"DD_CIVISIBILITY_ITR_ENABLED", "maybe"},
                                    {"ITR_SKIPPING_LEVEL", "module"},
                                    {"ITR_VERBOSE", "loud"}});
  const Settings& s = loaded.settings;
  EXPECT_TRUE(s.itr_enabled);  // the documented default
  EXPECT_EQ(s.level, SkipLevel::kTest);
  EXPECT_EQ(s.verbosity, 0);
  EXPECT_EQ(loaded.warnings.size(), 3u);
}

TEST(Settings, SkippingLevelFromDatadogOrItrVariable) {
  EXPECT_EQ(
      Load({{"DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE", "suite"}}).level,
      SkipLevel::kSuite);
  EXPECT_EQ(Load({{"ITR_SKIPPING_LEVEL", "SUITE"}}).level, SkipLevel::kSuite);
}

TEST(Settings, CustomConfigurationFromDdTags) {
  Loaded loaded = LoadWithWarnings(
      {{"DD_TAGS",
        "team:core, test.configuration.gpu: a100 ,test.configuration.build:"
        "asan:1,test.configuration.bad,,:orphan,test.configuration.:x"}});
  EXPECT_EQ(loaded.settings.dd_tags, (std::map<std::string, std::string>{
                                         {"team", "core"},
                                         {"test.configuration.gpu", "a100"},
                                         {"test.configuration.build", "asan:1"},
                                         {"test.configuration.bad", ""},
                                         {"test.configuration.", "x"}}));
  EXPECT_EQ(loaded.settings.custom_configuration,
            (std::map<std::string, std::string>{
                {"bad", ""}, {"build", "asan:1"}, {"gpu", "a100"}}));
  EXPECT_EQ(loaded.warnings.size(), 0u);
}

// As dd-trace-go's ParseTagString: spaces separate only when there is no
// comma; a later duplicate wins.
TEST(Settings, DdTagsSeparators) {
  EXPECT_EQ(
      ParseDdTags("a:1 b:2  c:3"),
      (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(ParseDdTags("a:1 b:2,c:3"),
            (std::map<std::string, std::string>{{"a", "1 b:2"}, {"c", "3"}}));
  EXPECT_EQ(ParseDdTags("k:1,k:2"),
            (std::map<std::string, std::string>{{"k", "2"}}));
  EXPECT_TRUE(ParseDdTags("").empty());
  EXPECT_TRUE(ParseDdTags(" , ").empty());
}

TEST(Settings, CacheDirectoryFollowsTheEnvironment) {
  EXPECT_EQ(Load({{"ITR_CACHE_DIR", "/c"}, {"XDG_CACHE_HOME", "/x"}}).cache_dir,
            "/c");
  EXPECT_EQ(Load({{"XDG_CACHE_HOME", "/x"}, {"HOME", "/h"}}).cache_dir,
            "/x/itr-cpp");
  EXPECT_EQ(Load({{"HOME", "/h"}}).cache_dir, "/h/.cache/itr-cpp");
  EXPECT_EQ(Load({}).cache_dir, "");
}

TEST(Settings, GranularityIsFunctionUnlessFileIsAsked) {
  EXPECT_EQ(Load({}).granularity, Granularity::kFunction);
  EXPECT_EQ(Load({{"ITR_GRANULARITY", "FILE"}}).granularity,
            Granularity::kFile);
  Loaded typo = LoadWithWarnings({{"ITR_GRANULARITY", "files"}});
  EXPECT_EQ(typo.settings.granularity, Granularity::kFunction);
  EXPECT_EQ(typo.warnings.size(), 1u);
}

TEST(Settings, UnskippablePatternsFromVariableAndFile) {
  std::string list = ::testing::TempDir() + "/itr-unskippable.txt";
  { std::ofstream(list) << "# comment\nDb.*\n\n  Net.Connect  \n"; }
  Settings s =
      Load({{"ITR_UNSKIPPABLE", "A.B:C.*"}, {"ITR_UNSKIPPABLE_FILE", list}});
  EXPECT_EQ(s.unskippable_patterns,
            (std::vector<std::string>{"A.B:C.*", "Db.*", "Net.Connect"}));
}

TEST(Settings, UnreadableUnskippableFileMeansRecordOnly) {
  Loaded loaded =
      LoadWithWarnings({{"ITR_UNSKIPPABLE_FILE", "/nonexistent/list"}});
  EXPECT_TRUE(loaded.settings.collect_only)
      << "we cannot tell which tests must run";
  EXPECT_EQ(loaded.warnings.size(), 1u);
}

}  // namespace
}  // namespace itr::skipper
