// skipper/model: test keys and configuration keys.
#include <map>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "skipper/config/settings.h"
#include "skipper/model/test_configuration.h"
#include "skipper/model/test_identity.h"

namespace itr::skipper {
namespace {

TEST(TestKey, SuiteDotName) {
  EXPECT_EQ(TestKey("Inst/Suite", "Case/2"), "Inst/Suite.Case/2");
  TestIdentity identity{"m", "S", "N", "", "", 0};
  EXPECT_EQ(identity.Key(), "S.N");
  std::string reused = "something long before";
  AssignTestKey("A", "B", &reused);
  EXPECT_EQ(reused, "A.B");
}

TEST(TestConfiguration, KeyNamesEveryPart) {
  TestConfiguration c;
  c.os = "Linux";
  c.architecture = "x86_64";
  c.compiler = "clang 14.0.6 optimized";
  c.custom = {{"gpu", "a100"}};
  EXPECT_EQ(c.Key(),
            "os=Linux;arch=x86_64;compiler=clang 14.0.6 optimized;gpu=a100");
  TestConfiguration here = TestConfiguration::Current("gcc 12", {});
  EXPECT_EQ(here.os, "Linux");
  EXPECT_FALSE(here.architecture.empty());
}

// Issue 11: these DD_TAGS were one key, and records made under one were
// used to skip under another.
TEST(TestConfiguration, DifferentConfigurationsNeverShareAKey) {
  const char* const tags[] = {
      "test.configuration.a:1,test.configuration.b:2",
      "test.configuration.a:1;b=2",
      "test.configuration.a=1;b:2",
      "test.configuration.a:1%3Bb%3D2",
      "test.configuration.a:1%;b=2",
  };
  std::set<std::string> keys;
  for (const char* text : tags) {
    std::map<std::string, std::string> custom;
    for (const auto& [key, value] : ParseDdTags(text)) {
      custom[key.substr(std::string("test.configuration.").size())] = value;
    }
    TestConfiguration c{"Linux", "x86_64", "clang 14", custom};
    EXPECT_TRUE(keys.insert(c.Key()).second) << text << " -> " << c.Key();
  }
  TestConfiguration plain{"Linux", "x86_64", "clang 14", {{"gpu", "a100"}}};
  // What needs no escape reads as before (stores of schema 2 still match).
  EXPECT_EQ(plain.Key(), "os=Linux;arch=x86_64;compiler=clang 14;gpu=a100");
  TestConfiguration odd{"Linux", "x86_64", "clang 14", {{"k", "50%;x=\n"}}};
  EXPECT_EQ(odd.Key(),
            "os=Linux;arch=x86_64;compiler=clang 14;k=50%25%3Bx%3D%0A");
}

}  // namespace
}  // namespace itr::skipper
