// skipper/model: test keys and configuration keys.
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace itr::skipper
