#include "attribution_cache.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace itr::runtime {
namespace {

namespace fs = std::filesystem;

class AttributionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("itr-cache-test-" + std::to_string(getpid())))
               .string();
    fs::remove_all(dir_);
    sample_.function_granularity = true;
    sample_.files = {"/repo/a.cpp", "/repo/g.h"};
    sample_.offsets = {0, 2, 2, 3};
    sample_.pairs = {{0, 5}, {1, 7}, {kUnknownFile, 0}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  ProbeAttribution sample_;
};

TEST_F(AttributionCacheTest, RoundTrips) {
  ASSERT_TRUE(StoreAttribution(dir_ + "/nested", "bkey", sample_));
  ProbeAttribution loaded;
  ASSERT_TRUE(LoadAttribution(dir_ + "/nested", "bkey", 3, &loaded));
  EXPECT_TRUE(loaded.function_granularity);
  EXPECT_EQ(loaded.files, sample_.files);
  EXPECT_EQ(loaded.offsets, sample_.offsets);
  EXPECT_EQ(loaded.pairs, sample_.pairs);
}

TEST_F(AttributionCacheTest, MissesOnOtherKeyOrProbeCount) {
  ASSERT_TRUE(StoreAttribution(dir_, "bkey", sample_));
  ProbeAttribution loaded;
  EXPECT_FALSE(LoadAttribution(dir_, "bother", 3, &loaded));
  EXPECT_FALSE(LoadAttribution(dir_, "bkey", 4, &loaded));
  EXPECT_FALSE(LoadAttribution("", "bkey", 3, &loaded));
}

TEST_F(AttributionCacheTest, CorruptOrTruncatedEntriesAreMisses) {
  ASSERT_TRUE(StoreAttribution(dir_, "bkey", sample_));
  std::string path = dir_ + "/bkey.itrmap";
  auto size = fs::file_size(path);
  fs::resize_file(path, size - 3);
  ProbeAttribution loaded;
  EXPECT_FALSE(LoadAttribution(dir_, "bkey", 3, &loaded));

  ASSERT_TRUE(StoreAttribution(dir_, "bkey", sample_));
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size) - 8);  // inside the pairs
    uint32_t huge_file_index = 1000;
    file.write(reinterpret_cast<const char*>(&huge_file_index), 4);
  }
  EXPECT_FALSE(LoadAttribution(dir_, "bkey", 3, &loaded));

  { std::ofstream(path, std::ios::trunc) << "garbage"; }
  EXPECT_FALSE(LoadAttribution(dir_, "bkey", 3, &loaded));
}

TEST_F(AttributionCacheTest, UnwritableDirectoryFailsWithoutThrowing) {
  EXPECT_FALSE(
      StoreAttribution("/proc/itr-cannot-write-here", "bkey", sample_));
}

}  // namespace
}  // namespace itr::runtime
