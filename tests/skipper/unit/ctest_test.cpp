// skipper/ctest: `itr ctest`'s parts on real text and files: command line,
// json-v1 listing, wrapper test file, JUnit report, command files. The whole
// driver runs in skipper.e2e.ctest.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "gtest/gtest.h"
#include "skipper/ctest/command_files.h"
#include "skipper/ctest/ctest_invocation.h"
#include "skipper/ctest/ctest_listing.h"
#include "skipper/ctest/junit_results.h"
#include "skipper/ctest/wrapper_testfile.h"

namespace itr::skipper::ctest {
namespace {

namespace fs = std::filesystem;

TEST(CtestInvocation, TakesTestDirAndJunitOutOfTheArguments) {
  CtestInvocation got =
      ParseCtestArgs({"-j4", "--test-dir", "build", "-R", "^a",
                      "--output-junit", "out.xml", "-L", "fast"},
                     "/src");
  EXPECT_EQ(got.test_dir, "/src/build");
  EXPECT_EQ(got.junit_path, "/src/build/out.xml");
  EXPECT_EQ(got.args,
            (std::vector<std::string>{"-j4", "-R", "^a", "-L", "fast"}));
  EXPECT_EQ(got.passthrough_reason, "");
}

TEST(CtestInvocation, ListingAndDashboardModesPassThrough) {
  EXPECT_EQ(ParseCtestArgs({"-N"}, "/b").passthrough_reason, "-N");
  EXPECT_NE(ParseCtestArgs({"--show-only=json-v1"}, "/b").passthrough_reason,
            "");
  EXPECT_NE(ParseCtestArgs({"-D", "Experimental"}, "/b").passthrough_reason,
            "");
  EXPECT_EQ(ParseCtestArgs({}, "/b").test_dir, "/b");
}

TEST(CtestListing, NamesLabelsAndDisabled) {
  auto tests = ParseCtestListing(R"({"kind":"ctestInfo","tests":[
    {"name":"a","command":["x"],"properties":[
      {"name":"LABELS","value":["datadog_itr_unskippable","fast"]},
      {"name":"WORKING_DIRECTORY","value":"/w"}]},
    {"name":"b","properties":[{"name":"DISABLED","value":true},
      {"name":"FIXTURES_SETUP","value":["db"]}]}]})");
  ASSERT_TRUE(tests.ok()) << tests.status();
  ASSERT_EQ(tests->size(), 2u);
  EXPECT_EQ((*tests)[0].name, "a");
  EXPECT_EQ((*tests)[0].labels,
            (std::vector<std::string>{"datadog_itr_unskippable", "fast"}));
  EXPECT_FALSE((*tests)[0].disabled);
  EXPECT_FALSE((*tests)[0].fixture);
  EXPECT_TRUE((*tests)[1].disabled);
  EXPECT_TRUE((*tests)[1].fixture);
  EXPECT_FALSE(ParseCtestListing("Test project /b\n").ok());
}

TEST(CtestListing, WhatDefinesHowATestRuns) {
  auto tests = ParseCtestListing(R"({"kind":"ctestInfo","tests":[
    {"name":"a","command":["/b/check","/src/data.csv","100"],"properties":[
      {"name":"ENVIRONMENT","value":["MODE=fast","EMPTY="]},
      {"name":"ENVIRONMENT_MODIFICATION","value":["PATH=path_list_prepend:/x"]},
      {"name":"WORKING_DIRECTORY","value":"/b/sub"}]}]})");
  ASSERT_TRUE(tests.ok()) << tests.status();
  const CtestTest& a = (*tests)[0];
  EXPECT_EQ(a.environment, (std::vector<std::string>{"MODE=fast", "EMPTY="}));
  EXPECT_EQ(a.environment_modification,
            (std::vector<std::string>{"PATH=path_list_prepend:/x"}));
  EXPECT_EQ(a.working_directory, "/b/sub");
  EXPECT_EQ(EnvironmentNames(a), (std::vector<std::string>{"MODE", "EMPTY"}));

  // The same test in another checkout and build directory: the same
  // definition; any other argument, directory or variable: another one.
  std::string here = TestDefinition(a, "/b", "/src");
  CtestTest moved = a;
  moved.command = {"/b2/check", "/src2/data.csv", "100"};
  moved.working_directory = "/b2/sub";
  EXPECT_EQ(TestDefinition(moved, "/b2/", "/src2"), here);
  EXPECT_EQ(here.size(), 32u);
  for (auto edit : std::vector<std::function<void(CtestTest*)>>{
           [](CtestTest* t) { t->command[2] = "200"; },
           [](CtestTest* t) { t->working_directory = "/b"; },
           [](CtestTest* t) { t->environment[0] = "MODE=slow"; },
           [](CtestTest* t) { t->environment_modification.clear(); },
           [](CtestTest* t) { t->command.push_back("--verbose"); }}) {
    CtestTest changed = a;
    edit(&changed);
    EXPECT_NE(TestDefinition(changed, "/b", "/src"), here);
  }
  // "/b2" is not under "/b".
  CtestTest sibling = a;
  sibling.command[0] = "/b2/check";
  EXPECT_NE(TestDefinition(sibling, "/b", "/src"), here);
}

TEST(WrapperTestfile, DisablesSkippedAndObservesTheOthers) {
  auto text =
      WrapperTestfile("/b", {{"skipped", true, "", ""},
                             {"runs", false, "ctest:b/runs", "/c/1.jsonl"},
                             {"odd]]name", false, "", ""}});
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("subdirs([[/b]])"), std::string::npos);
  EXPECT_NE(text->find("set_tests_properties([[skipped]] PROPERTIES DISABLED "
                       "TRUE)"),
            std::string::npos);
  EXPECT_NE(text->find("set_tests_properties([[runs]] PROPERTIES ENVIRONMENT "
                       "[[ITR_TEST_ID=ctest:b/runs;ITR_COVERAGE_EXPORT=/c/"
                       "1.jsonl]])"),
            std::string::npos);
  EXPECT_EQ(text->find("odd"), std::string::npos);  // no id: untouched
  EXPECT_EQ(CmakeBracket("a]]b"), "[=[a]]b]=]");
  EXPECT_FALSE(WrapperTestfile("/b", {{"t", false, "x;y", "/c/1.jsonl"}}).ok());
}

TEST(JunitResults, StatusTimeAndEscapedNames) {
  auto results = ParseJunit(R"xml(<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="(empty)" tests="3">
	<testcase name="a&amp;b" classname="a&amp;b" time="0.5" status="run">
		<system-out>&lt;testcase name="fake"</system-out>
	</testcase>
	<testcase name="c" classname="c" time="0" status="fail"/>
	<testcase name="d" classname="d" time="0" status="disabled"/>
</testsuite>)xml");
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE(results->at("a&b").passed());
  EXPECT_DOUBLE_EQ(results->at("a&b").seconds, 0.5);
  EXPECT_FALSE(results->at("c").passed());
  EXPECT_EQ(results->at("d").status, "disabled");
  EXPECT_FALSE(ParseJunit("").ok());
}

TEST(CommandFiles, InTheRepositoryButNotTheBuildTree) {
  fs::path repo = fs::temp_directory_path() /
                  ("itr-command-files-" + std::to_string(getpid()));
  fs::create_directories(repo / "build");
  std::ofstream(repo / "run.sh") << "#!/bin/sh\n";
  std::ofstream(repo / "build" / "prog") << "binary";
  std::vector<std::string> files = CommandFiles(
      {"/bin/sh", (repo / "run.sh").string(), (repo / "build/prog").string(),
       (repo / "missing.txt").string(), "relative.sh", "-x"},
      repo.string(), (repo / "build").string());
  EXPECT_EQ(files, (std::vector<std::string>{"run.sh"}));
  fs::remove_all(repo);
}

}  // namespace
}  // namespace itr::skipper::ctest
