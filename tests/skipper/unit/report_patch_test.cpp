#include "report_patch.h"

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace itr::gtest {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReportPatch, ReportFileFollowsGoogleTestsRules) {
  EXPECT_EQ(ReportFileFor("", "t").path, "");
  EXPECT_EQ(ReportFileFor("xml", "t").path, "test_detail.xml");
  EXPECT_EQ(ReportFileFor("xml:out/r.xml", "t").path, "out/r.xml");
  EXPECT_EQ(ReportFileFor("json:dir/", "tests").path, "dir/tests.json");
  EXPECT_EQ(ReportFileFor("yaml:x", "t").path, "");
}

TEST(ReportPatch, XmlGetsSkippedTestcasesAndCounts) {
  std::string path = ::testing::TempDir() + "/itr-report.xml";
  std::ofstream(path) << R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="0" disabled="0" errors="0" time="0." name="AllTests">
  <testsuite name="A" tests="1" failures="0" disabled="0" skipped="0" errors="0" time="0.">
    <testcase name="Ran" status="run" result="completed" time="0." classname="A" />
  </testsuite>
</testsuites>
)";
  ASSERT_TRUE(AddSkippedTests({"xml", path},
                              {{"A", "Skipped", "a.cpp", 3, "unchanged"},
                               {"B", "Gone<&>", "b.cpp", 9, "unchanged"}}));
  std::string xml = Read(path);
  EXPECT_NE(xml.find("<testsuites tests=\"3\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"A\" tests=\"2\" failures=\"0\" "
                     "disabled=\"0\" skipped=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"Gone&lt;&amp;&gt;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"itr: unchanged\"/>"),
            std::string::npos);
}

TEST(ReportPatch, JsonGetsSkippedTestcases) {
  std::string path = ::testing::TempDir() + "/itr-report.json";
  std::ofstream(path)
      << R"({"tests": 1, "testsuites": [{"name": "A", "tests": 1,
    "testsuite": [{"name": "Ran", "result": "COMPLETED"}]}]})";
  ASSERT_TRUE(AddSkippedTests({"json", path}, {{"A", "S", "a.cpp", 3, "why"},
                                               {"B", "T", "b.cpp", 4, "why"}}));
  auto json = nlohmann::json::parse(Read(path));
  EXPECT_EQ(json["tests"], 3);
  EXPECT_EQ(json["testsuites"][0]["tests"], 2);
  EXPECT_EQ(json["testsuites"][0]["testsuite"][1]["result"], "SKIPPED");
  EXPECT_EQ(json["testsuites"][1]["name"], "B");
}

TEST(ReportPatch, UnexpectedFilesAreLeftAlone) {
  std::string path = ::testing::TempDir() + "/itr-report-bad.xml";
  std::ofstream(path) << "not a report";
  EXPECT_FALSE(AddSkippedTests({"xml", path}, {{"A", "S", "", 0, ""}}));
  EXPECT_EQ(Read(path), "not a report");
  EXPECT_FALSE(AddSkippedTests({"json", "/nonexistent/r.json"},
                               {{"A", "S", "", 0, ""}}));
}

}  // namespace
}  // namespace itr::gtest
