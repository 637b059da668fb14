#include "skipper/reports/junit_skipped.h"

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace itr::skipper {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The shape Catch2 v2's JUnit reporter writes.
TEST(JunitSkipped, AddsSkippedTestcasesBeforeSystemOut) {
  std::string path = ::testing::TempDir() + "/itr-junit.xml";
  std::ofstream(path) << R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="t" errors="0" failures="0" tests="4" hostname="tbd" time="0.1">
    <testcase classname="t.global" name="Ran" time="0.000" status="run"/>
    <system-out/>
    <system-err/>
  </testsuite>
</testsuites>
)";
  ASSERT_TRUE(AddSkippedToJunit(
      path, {{"t.global", "a \"b\", [c] <&>", "itr: unchanged"}}));
  std::string xml = Read(path);
  EXPECT_NE(xml.find("tests=\"5\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("skipped=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"a &quot;b&quot;, [c] &lt;&amp;&gt;\""),
            std::string::npos)
      << xml;
  EXPECT_LT(xml.find("<skipped message=\"itr: unchanged\"/>"),
            xml.find("<system-out/>"));
}

// doctest's shape: no <system-out>, an existing skipped= is added to.
TEST(JunitSkipped, AddsToAnExistingSkippedCount) {
  std::string path = ::testing::TempDir() + "/itr-junit-doctest.xml";
  std::ofstream(path) << R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="t" errors="0" failures="0" tests="2" skipped="2">
    <testcase classname="a.cpp" name="Ran" status="run"/>
  </testsuite>
</testsuites>
)";
  ASSERT_TRUE(AddSkippedToJunit(path, {{"a.cpp", "x", "itr: unchanged"},
                                       {"b.cpp", "y", "itr: unchanged"}}));
  std::string xml = Read(path);
  EXPECT_NE(xml.find("skipped=\"4\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("tests=\"4\""), std::string::npos) << xml;
  EXPECT_LT(xml.find("name=\"y\""), xml.find("</testsuite>"));
}

TEST(JunitSkipped, LeavesOtherFilesAlone) {
  EXPECT_FALSE(AddSkippedToJunit(::testing::TempDir() + "/missing.xml",
                                 {{"c", "n", "m"}}));
  std::string path = ::testing::TempDir() + "/itr-not-junit.txt";
  std::ofstream(path) << "All tests passed\n";
  EXPECT_FALSE(AddSkippedToJunit(path, {{"c", "n", "m"}}));
  EXPECT_EQ(Read(path), "All tests passed\n");
}

}  // namespace
}  // namespace itr::skipper
