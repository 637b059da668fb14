#include "skipper/config/settings.h"

#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace itr::skipper {
namespace {

Settings Load(const std::map<std::string, std::string>& env) {
  return LoadSettings(
      [&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      "/repo");
}

TEST(Settings, DefaultsAreOnTestLevelAndInTheRepository) {
  Settings s = Load({});
  EXPECT_TRUE(s.itr_enabled);
  EXPECT_FALSE(s.collect_only);
  EXPECT_EQ(s.level, SkipLevel::kTest);
  EXPECT_EQ(s.store_path, "/repo/.itr/itr.sqlite");
  EXPECT_TRUE(s.warnings.empty());
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
  Settings s = Load({{"DD_CIVISIBILITY_ITR_ENABLED", "maybe"},
                     {"ITR_SKIPPING_LEVEL", "module"},
                     {"ITR_VERBOSE", "loud"}});
  EXPECT_TRUE(s.itr_enabled);  // the documented default
  EXPECT_EQ(s.level, SkipLevel::kTest);
  EXPECT_EQ(s.verbosity, 0);
  EXPECT_EQ(s.warnings.size(), 3u);
}

TEST(Settings, SkippingLevelFromDatadogOrItrVariable) {
  EXPECT_EQ(
      Load({{"DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE", "suite"}}).level,
      SkipLevel::kSuite);
  EXPECT_EQ(Load({{"ITR_SKIPPING_LEVEL", "SUITE"}}).level, SkipLevel::kSuite);
}

TEST(Settings, CustomConfigurationFromDdTags) {
  Settings s = Load({{"DD_TAGS",
                      "team:core,test.configuration.gpu:a100 "
                      "test.configuration.build:asan,test.configuration.bad"}});
  EXPECT_EQ(s.custom_configuration, (std::map<std::string, std::string>{
                                        {"build", "asan"}, {"gpu", "a100"}}));
  EXPECT_EQ(s.warnings.size(), 1u);
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
  Settings s = Load({{"ITR_UNSKIPPABLE_FILE", "/nonexistent/list"}});
  EXPECT_TRUE(s.collect_only) << "we cannot tell which tests must run";
  EXPECT_EQ(s.warnings.size(), 1u);
}

}  // namespace
}  // namespace itr::skipper
