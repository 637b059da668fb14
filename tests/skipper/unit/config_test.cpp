// skipper/config: settings from the environment.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "skipper/config/settings.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;

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

// A shared store: records keyed by the repository's directory name unless
// ITR_STORE_REPOSITORY says otherwise; bounded waits and retention.
TEST(Settings, SharedStoreKeysTimeoutsAndRetention) {
  Loaded defaults = LoadWithWarnings({});
  EXPECT_EQ(defaults.settings.store_repository, "repo");
  EXPECT_EQ(defaults.settings.store_connect_timeout_s, 5);
  EXPECT_EQ(defaults.settings.store_statement_timeout_ms, 10000);
  EXPECT_EQ(defaults.settings.store_retention_days, 90);
  Loaded set = LoadWithWarnings({{"ITR_STORE", "postgresql://ci@db/itr"},
                                 {"ITR_STORE_REPOSITORY", "payments"},
                                 {"ITR_STORE_CONNECT_TIMEOUT_MS", "2500"},
                                 {"ITR_STORE_STATEMENT_TIMEOUT_MS", "3000"},
                                 {"ITR_STORE_RETENTION_DAYS", "0"}});
  EXPECT_EQ(set.settings.store_path, "postgresql://ci@db/itr");
  EXPECT_EQ(set.settings.store_repository, "payments");
  EXPECT_EQ(set.settings.store_connect_timeout_s, 3);  // whole seconds
  EXPECT_EQ(set.settings.store_statement_timeout_ms, 3000);
  EXPECT_EQ(set.settings.store_retention_days, 0);
  EXPECT_TRUE(set.warnings.empty());
  Loaded bad = LoadWithWarnings({{"ITR_STORE_RETENTION_DAYS", "ninety"}});
  EXPECT_EQ(bad.settings.store_retention_days, 90);
  EXPECT_EQ(bad.warnings.size(), 1u);
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
  Loaded loaded = LoadWithWarnings({{"ITR_SKIPPING_LEVEL", "module"},
                                    {"ITR_VERBOSE", "loud"},
                                    {"ITR_STORE_PLAN_WAIT_MS", "soon"}});
  const Settings& s = loaded.settings;
  EXPECT_TRUE(s.itr_enabled);
  EXPECT_EQ(s.level, SkipLevel::kTest);
  EXPECT_EQ(s.verbosity, 0);
  EXPECT_EQ(s.store_plan_wait_ms, Settings().store_plan_wait_ms);
  EXPECT_EQ(loaded.warnings.size(), 3u);
}

// Issue 11: "disabled", "n" or garbage used to read as "using true" and
// skip. A switch that guards skipping reads as "every test runs".
TEST(Settings, AnUnreadableSkippingSwitchRunsEverything) {
  for (const char* value : {"disabled", "n", "maybe", "tru"}) {
    Loaded loaded = LoadWithWarnings({{"DD_CIVISIBILITY_ITR_ENABLED", value}});
    EXPECT_FALSE(loaded.settings.itr_enabled) << value;
    EXPECT_TRUE(loaded.settings.itr_enabled_invalid) << value;
    ASSERT_EQ(loaded.warnings.size(), 1u) << value;
    EXPECT_EQ(loaded.warnings[0],
              std::string("itr: warning: DD_CIVISIBILITY_ITR_ENABLED='") +
                  value +
                  "' is not a boolean (true/false, 1/0, yes/no, on/off); ITR "
                  "is off: all tests run");
  }
  Loaded collect = LoadWithWarnings({{"ITR_COLLECT_ONLY", "sometimes"}});
  EXPECT_TRUE(collect.settings.collect_only);
  EXPECT_TRUE(collect.settings.itr_enabled);
  EXPECT_EQ(collect.warnings.size(), 1u);
}

TEST(Settings, VerbosityOutOfRangeIsSaidAndClamped) {
  for (auto [value, level] :
       {std::pair{"999", 2}, std::pair{"-1", 0}, std::pair{"3", 2}}) {
    Loaded loaded = LoadWithWarnings({{"ITR_VERBOSE", value}});
    EXPECT_EQ(loaded.settings.verbosity, level) << value;
    ASSERT_EQ(loaded.warnings.size(), 1u) << value;
    EXPECT_EQ(loaded.warnings[0], std::string("itr: warning: ITR_VERBOSE='") +
                                      value + "' is not 0, 1 or 2; using " +
                                      std::to_string(level));
  }
  for (auto [value, level] : {std::pair{"2", 2}, std::pair{"0", 0},
                              std::pair{"yes", 1}, std::pair{"off", 0}}) {
    Loaded loaded = LoadWithWarnings({{"ITR_VERBOSE", value}});
    EXPECT_EQ(loaded.settings.verbosity, level) << value;
    EXPECT_TRUE(loaded.warnings.empty()) << value;
  }
}

TEST(Settings, StoreWaitsAreConfigurable) {
  Settings s = Load(
      {{"ITR_STORE_PLAN_WAIT_MS", "250"}, {"ITR_STORE_RECORD_WAIT_MS", "0"}});
  EXPECT_EQ(s.store_plan_wait_ms, 250);
  EXPECT_EQ(s.store_record_wait_ms, 0);
  EXPECT_EQ(Settings().store_plan_wait_ms, 5000);  // documented defaults
  EXPECT_EQ(Settings().store_record_wait_ms, 60000);
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

TEST(Settings, ShardingIsTheFrameworksUnlessBalancedIsAsked) {
  EXPECT_EQ(Load({}).sharding, Sharding::kFramework);
  EXPECT_EQ(Load({{"ITR_SHARDING", "framework"}}).sharding,
            Sharding::kFramework);
  EXPECT_EQ(Load({{"ITR_SHARDING", "Balanced"}}).sharding, Sharding::kBalanced);
  Loaded typo = LoadWithWarnings({{"ITR_SHARDING", "balance"}});
  EXPECT_EQ(typo.settings.sharding, Sharding::kFramework);
  ASSERT_EQ(typo.warnings.size(), 1u);
  EXPECT_NE(typo.warnings[0].find("ITR_SHARDING"), std::string::npos);
}

// `itr ctest`'s shard: both variables, 0 <= index < total; anything else is
// one warning and no sharding (the shard runs every test).
TEST(Settings, ACtestShardNeedsAValidIndexAndTotal) {
  EXPECT_EQ(Load({}).total_shards, 0);
  Settings shard = Load({{"ITR_TOTAL_SHARDS", "4"}, {"ITR_SHARD_INDEX", "3"}});
  EXPECT_EQ(shard.total_shards, 4);
  EXPECT_EQ(shard.shard_index, 3);
  EXPECT_EQ(Load({{"ITR_RUN_ID", "pipeline 7"}}).run_id, "pipeline 7");
  for (const auto& [total, index] :
       std::vector<std::pair<const char*, const char*>>{{"4", "4"},
                                                        {"4", "-1"},
                                                        {"0", "0"},
                                                        {"4", ""},
                                                        {"", "1"},
                                                        {"four", "1"}}) {
    Loaded bad = LoadWithWarnings(
        {{"ITR_TOTAL_SHARDS", total}, {"ITR_SHARD_INDEX", index}});
    EXPECT_EQ(bad.settings.total_shards, 0) << total << " " << index;
    ASSERT_EQ(bad.warnings.size(), 1u) << total << " " << index;
    EXPECT_NE(bad.warnings[0].find("ITR_SHARD_INDEX"), std::string::npos);
  }
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
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            "itr: warning: ITR_UNSKIPPABLE_FILE '/nonexistent/list' does not "
            "exist: every test runs");
}

// Issue 11: a directory opened, read nothing and warned nothing (its tests
// were skipped); /dev/zero took 159 s and was then ignored. Anything but a
// readable regular file of at most 1 MiB: a warning, every test runs, at
// once.
TEST(Settings, AnUnskippableFileThatIsNoListRunsEverything) {
  const std::string dir = ::testing::TempDir() + "/itr-unskippable-dir";
  fs::create_directories(dir);
  const std::string fifo = ::testing::TempDir() + "/itr-unskippable-fifo";
  fs::remove(fifo);
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);  // no writer: must not block
  const std::string big = ::testing::TempDir() + "/itr-unskippable-big";
  {
    std::ofstream out(big);
    for (int i = 0; i < 70000; ++i) out << "Suite" << i << ".Name\n";
  }
  const std::pair<std::string, std::string> cases[] = {
      {dir, "is a directory"},
      {"/dev/zero", "is not a regular file"},
      {fifo, "is not a regular file"},
      {big, "is larger than 1 MiB"}};
  for (const auto& [path, what] : cases) {
    auto started = std::chrono::steady_clock::now();
    Loaded loaded = LoadWithWarnings({{"ITR_UNSKIPPABLE_FILE", path}});
    EXPECT_LT(std::chrono::steady_clock::now() - started,
              std::chrono::seconds(2))
        << path;
    EXPECT_TRUE(loaded.settings.collect_only) << path;
    EXPECT_TRUE(loaded.settings.unskippable_patterns.empty()) << path;
    ASSERT_EQ(loaded.warnings.size(), 1u) << path;
    EXPECT_EQ(loaded.warnings[0], "itr: warning: ITR_UNSKIPPABLE_FILE '" +
                                      path + "' " + what + ": every test runs");
  }
  fs::remove(fifo);
  fs::remove(big);
}

}  // namespace
}  // namespace itr::skipper
