// DwarfIndex on real objects built by this test build.
#include "dwarf_index.h"

#include <dlfcn.h>
#include <link.h>

#include <set>

#include "gtest/gtest.h"
#include "source_markers.h"

namespace itr::runtime {
namespace {

const std::string kFixture = "tests/runtime/fixtures/shared_code.cpp";

TEST(DwarfIndex, MapsAFunctionToItsLines) {
  std::string error;
  auto index = DwarfIndex::Load(ITR_SHARED_FIXTURE_PATH, &error);
  ASSERT_NE(index, nullptr) << error;
  void* library = dlopen(ITR_SHARED_FIXTURE_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr);
  void* function = dlsym(library, "SharedLibFunction");
  ASSERT_NE(function, nullptr);
  link_map* map = nullptr;
  ASSERT_EQ(dlinfo(library, RTLD_DI_LINKMAP, &map), 0);
  uint64_t address = reinterpret_cast<uintptr_t>(function) - map->l_addr;

  auto ranges = index->FunctionRangesAt(address);
  ASSERT_FALSE(ranges.empty());
  std::set<std::pair<std::string, uint32_t>> lines;
  for (const auto& range : ranges) {
    index->ForEachLineIn(range.begin, range.end,
                         [&](uint32_t file, uint32_t line) {
                           lines.emplace(index->files()[file], line);
                         });
  }
  std::string source = std::string(ITR_SOURCE_DIR) + "/" + kFixture;
  EXPECT_TRUE(lines.count({source, MarkerLine(kFixture, "shared")}));
  EXPECT_EQ(index->CompileUnitFileAt(address) >= 0
                ? index->files()[index->CompileUnitFileAt(address)]
                : "",
            source);
  EXPECT_TRUE(index->FunctionRangesAt(1).empty());
  // Not dlclose'd: it pulls in libitr_runtime.so, which is never unloaded in
  // real use (LeakSanitizer would report its registry after an unload).
}

TEST(DwarfIndex, ExplainsMissingFilesAndMissingDebugInfo) {
  std::string error;
  EXPECT_EQ(DwarfIndex::Load("/nonexistent/binary", &error), nullptr);
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
  error.clear();
  EXPECT_EQ(DwarfIndex::Load(ITR_NO_DEBUG_INFO_PATH, &error), nullptr);
  EXPECT_NE(error.find("-gline-tables-only"), std::string::npos) << error;
}

}  // namespace
}  // namespace itr::runtime
