#include "json_export.h"

#include "gtest/gtest.h"
#include "itr/coverage.hpp"
#include "nlohmann/json.hpp"

namespace itr::runtime {
namespace {

TEST(LineBitmap, UsesDatadogLayout) {
  // Lines {1, 3, 10} -> A0 40 (line 1 = most significant bit of byte 0).
  const uint8_t bitmap[] = {0xA0, 0x40};
  EXPECT_EQ(LinesFromBitmap(bitmap, 2), (std::vector<uint32_t>{1, 3, 10}));
}

TEST(CoverageJsonLine, WritesTestFilesExternalAndEscapes) {
  const uint8_t lines_a[] = {0xA0, 0x40};
  const uint8_t lines_v[] = {0x01};
  itr_covered_file files[] = {
      {"src/a \"quoted\".cpp", 0, lines_a, 2},
      {"src/file_only.h", 0, nullptr, 0},
      {"/usr/include/vector", 1, lines_v, 1},
  };
  itr_test_coverage coverage{ITR_COVERAGE_COMPLETE, "Suite.Name/1\n", files, 3,
                             nullptr};
  std::string line = CoverageJsonLine(coverage);
  ASSERT_EQ(line.back(), '\n');
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["test"], "Suite.Name/1\n");
  EXPECT_EQ(json["status"], "complete");
  EXPECT_EQ(json["files"]["src/a \"quoted\".cpp"],
            nlohmann::json::parse("[1,3,10]"));
  EXPECT_TRUE(json["files"]["src/file_only.h"].empty());
  EXPECT_EQ(json["external"]["/usr/include/vector"],
            nlohmann::json::parse("[8]"));
  EXPECT_FALSE(json.contains("error"));
}

TEST(CoverageJsonLine, FilesAndEnvironmentRead) {
  itr_test_coverage coverage{ITR_COVERAGE_COMPLETE, "S.T", nullptr, 0, nullptr};
  ReadSet reads;
  reads.files = {"data/a \"b\".txt", "missing.txt"};
  reads.env = {{"SET", true, 0x00ab00000000cdefULL}, {"UNSET", false, 0}};
  auto json = nlohmann::json::parse(CoverageJsonLine(coverage, nullptr, reads));
  EXPECT_EQ(json["files_read"],
            nlohmann::json::array({"data/a \"b\".txt", "missing.txt"}));
  EXPECT_EQ(json["env_read"]["SET"], "00ab00000000cdef");  // 16 hex digits
  EXPECT_TRUE(json["env_read"]["UNSET"].is_null());
  // Nothing read: empty, but present.
  json = nlohmann::json::parse(CoverageJsonLine(coverage));
  EXPECT_TRUE(json["files_read"].is_array() && json["files_read"].empty());
  EXPECT_TRUE(json["env_read"].is_object() && json["env_read"].empty());
}

TEST(CoverageJsonLine, ObjectsAndStartUpObjectsApart) {
  itr_test_coverage coverage{ITR_COVERAGE_COMPLETE, nullptr, nullptr, 0,
                             nullptr};
  uint64_t between[] = {16, 32}, startup[] = {8};
  itr_object_probes between_object{"/b/t", "ab", between, 2};
  itr_object_probes startup_object{"/b/t", "ab", startup, 1};
  itr_executed executed{};
  executed.status = ITR_COVERAGE_COMPLETE;
  executed.objects = &between_object;
  executed.object_count = 1;
  itr_executed startup_executed = executed;
  startup_executed.objects = &startup_object;
  auto json = nlohmann::json::parse(
      CoverageJsonLine(coverage, &executed, {}, &startup_executed));
  EXPECT_EQ(json["objects"][0]["addresses"], nlohmann::json::parse("[16,32]"));
  EXPECT_EQ(json["startup_objects"][0]["path"], "/b/t");
  EXPECT_EQ(json["startup_objects"][0]["addresses"],
            nlohmann::json::parse("[8]"));
  // Without start-up probes apart, no such field.
  json = nlohmann::json::parse(CoverageJsonLine(coverage, &executed));
  EXPECT_FALSE(json.contains("startup_objects"));
}

TEST(CoverageJsonLine, SessionAndIncomplete) {
  itr_test_coverage coverage{ITR_COVERAGE_INCOMPLETE, nullptr, nullptr, 0,
                             "no debug info"};
  auto json = nlohmann::json::parse(CoverageJsonLine(coverage));
  EXPECT_TRUE(json["test"].is_null());
  EXPECT_EQ(json["status"], "incomplete");
  EXPECT_EQ(json["error"], "no debug info");
}

}  // namespace
}  // namespace itr::runtime
