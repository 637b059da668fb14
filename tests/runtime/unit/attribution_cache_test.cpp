#include "attribution_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "itr/cache_directory.h"

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
    sample_.files = {"/repo/a.cpp", "/repo/b.cpp"};
    sample_.offsets = {0, 2, 2, 3};
    sample_.pairs = {{0, 5}, {1, 7}, {kUnknownFile, 0}};
    owner_ = Owner("bkey", 0);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A module of three probes whose pc-table is loaded at `bias`.
  AttributionOwner Owner(const std::string& key, uintptr_t bias) {
    for (size_t i = 0; i < 3; ++i) pcs_[i] = {0x1000 + 16 * i + bias, i == 0};
    return AttributionOwner{key, pcs_, 3, bias};
  }
  std::string Entry() const { return dir_ + "/bkey.itrmap"; }
  std::string ReadEntry() const {
    std::ifstream in(Entry(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void WriteEntry(const std::string& bytes) const {
    std::ofstream(Entry(), std::ios::binary | std::ios::trunc) << bytes;
  }

  std::string dir_;
  ProbeAttribution sample_;
  PcTableEntry pcs_[3];
  AttributionOwner owner_;
};

TEST_F(AttributionCacheTest, RoundTrips) {
  ASSERT_TRUE(StoreAttribution(dir_ + "/nested", owner_, sample_));
  ProbeAttribution loaded;
  ASSERT_TRUE(LoadAttribution(dir_ + "/nested", owner_, &loaded));
  EXPECT_TRUE(loaded.function_granularity);
  EXPECT_EQ(loaded.files, sample_.files);
  EXPECT_EQ(loaded.offsets, sample_.offsets);
  EXPECT_EQ(loaded.pairs, sample_.pairs);
}

TEST_F(AttributionCacheTest, MissesOnOtherKeyOrProbeCount) {
  ASSERT_TRUE(StoreAttribution(dir_, owner_, sample_));
  ProbeAttribution loaded;
  AttributionOwner other = owner_;
  other.key = "bother";
  EXPECT_FALSE(LoadAttribution(dir_, other, &loaded));
  AttributionOwner more = owner_;
  more.probes = 4;
  EXPECT_FALSE(LoadAttribution(dir_, more, &loaded));
  EXPECT_FALSE(LoadAttribution("", owner_, &loaded));
}

TEST_F(AttributionCacheTest, TheSameModuleLoadedElsewhereHits) {
  ASSERT_TRUE(StoreAttribution(dir_, owner_, sample_));
  ProbeAttribution loaded;
  EXPECT_TRUE(LoadAttribution(dir_, Owner("bkey", 0x7f0000000000), &loaded));
}

// An entry written for another binary under this one's name (a CI cache
// restored from another job, a build-id reused): its probes sit elsewhere.
TEST_F(AttributionCacheTest, AnEntryOfAnotherPcTableIsAMiss) {
  ASSERT_TRUE(StoreAttribution(dir_, owner_, sample_));
  ProbeAttribution loaded;
  AttributionOwner moved = owner_;
  PcTableEntry other[3] = {pcs_[0], pcs_[1], {pcs_[2].pc + 4, 0}};
  moved.pcs = other;
  EXPECT_FALSE(LoadAttribution(dir_, moved, &loaded));
}

// The faults of issue 11: two file names swapped, or one file's probes
// pointed at a system header, in an entry of the same size.
TEST_F(AttributionCacheTest, TamperedEntriesOfTheSameSizeAreMisses) {
  ASSERT_TRUE(StoreAttribution(dir_, owner_, sample_));
  const std::string good = ReadEntry();
  ProbeAttribution loaded;
  using namespace std::string_literals;
  const std::pair<std::string, std::string> tampering[] = {
      {"/repo/a.cpp\0/repo/b.cpp"s, "/repo/b.cpp\0/repo/a.cpp"s},
      {"/repo/a.cpp"s, "/usr/ab.hpp"s}};
  for (const auto& [from, to] : tampering) {
    std::string bad = good;
    size_t at = bad.find(from);
    ASSERT_NE(at, std::string::npos);
    bad.replace(at, from.size(), to);
    ASSERT_EQ(bad.size(), good.size());
    WriteEntry(bad);
    EXPECT_FALSE(LoadAttribution(dir_, owner_, &loaded)) << to;
  }
  // Every single flipped bit is seen.
  for (size_t byte = 0; byte < good.size(); byte += 7) {
    std::string bad = good;
    bad[byte] ^= 0x10;
    WriteEntry(bad);
    EXPECT_FALSE(LoadAttribution(dir_, owner_, &loaded)) << byte;
  }
  WriteEntry(good);
  EXPECT_TRUE(LoadAttribution(dir_, owner_, &loaded));
}

TEST_F(AttributionCacheTest, CorruptOrTruncatedEntriesAreMisses) {
  ASSERT_TRUE(StoreAttribution(dir_, owner_, sample_));
  auto size = fs::file_size(Entry());
  fs::resize_file(Entry(), size - 3);
  ProbeAttribution loaded;
  EXPECT_FALSE(LoadAttribution(dir_, owner_, &loaded));
  fs::resize_file(Entry(), size + 5);
  EXPECT_FALSE(LoadAttribution(dir_, owner_, &loaded));

  // A resealed entry (the checksum right) still has its indices checked.
  std::string entry = EncodeAttribution(owner_, sample_);
  uint32_t huge_file_index = 1000;
  entry.replace(entry.size() - 8, 4,
                reinterpret_cast<const char*>(&huge_file_index), 4);
  ASSERT_TRUE(ResealAttribution(owner_, &entry));
  EXPECT_FALSE(DecodeAttribution(entry, owner_, &loaded));

  WriteEntry("garbage");
  EXPECT_FALSE(LoadAttribution(dir_, owner_, &loaded));
}

TEST_F(AttributionCacheTest, UnwritableDirectoryFailsWithoutThrowing) {
  EXPECT_FALSE(
      StoreAttribution("/proc/itr-cannot-write-here", owner_, sample_));
}

// Sets a file's modification time `days` ago.
void Age(const std::string& path, int days) {
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = time(nullptr) - days * 86400 - 60;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

TEST_F(AttributionCacheTest, TheDirectoryIsPrunedBySizeAndAge) {
  fs::create_directories(dir_);
  auto make = [&](const std::string& name, size_t bytes, int days) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << std::string(bytes, 'x');
    Age(path, days);
    return path;
  };
  std::string old = make("old.itrmap", 10, 40);
  std::string index = make("idx.itridx", 1 << 20, 3);
  std::string used = make("used.itrmap", 1 << 20, 1);
  std::string stale_temp = make("x.itrmap.tmp.123", 10, 1);
  std::string fresh_temp = dir_ + "/y.itrmap.tmp.456";
  std::ofstream(fresh_temp) << "writing";
  std::string other = make("notes.txt", 10, 400);
  std::string kept = make("new.itrmap", 1 << 20, 0);
  CacheLimits limits;
  limits.max_bytes = 2 << 20;
  PruneCacheDirectory(dir_, limits, kept);
  EXPECT_FALSE(fs::exists(old));    // older than 30 days
  EXPECT_FALSE(fs::exists(index));  // least recently used over 2 MiB
  EXPECT_TRUE(fs::exists(used));
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_FALSE(fs::exists(stale_temp));  // a writer's leftover
  EXPECT_TRUE(fs::exists(fresh_temp));   // a writer at work
  EXPECT_TRUE(fs::exists(other));        // not the cache's
}

TEST_F(AttributionCacheTest, LoadingMarksAnEntryUsed) {
  ASSERT_TRUE(StoreAttribution(dir_, owner_, sample_));
  Age(Entry(), 10);
  ProbeAttribution loaded;
  ASSERT_TRUE(LoadAttribution(dir_, owner_, &loaded));
  struct stat st {};
  ASSERT_EQ(stat(Entry().c_str(), &st), 0);
  EXPECT_LT(time(nullptr) - st.st_mtime, 3600);
}

TEST_F(AttributionCacheTest, LimitsComeFromTheEnvironment) {
  const char* invalid = nullptr;
  CacheLimits limits = CacheLimitsFrom(
      [](const char* name) -> const char* {
        return std::string(name) == "ITR_CACHE_MAX_MB" ? "64" : "7";
      },
      &invalid);
  EXPECT_EQ(limits.max_bytes, uint64_t{64} << 20);
  EXPECT_EQ(limits.max_age_seconds, 7 * 86400);
  EXPECT_EQ(invalid, nullptr);
  limits = CacheLimitsFrom(
      [](const char* name) -> const char* {
        return std::string(name) == "ITR_CACHE_MAX_MB" ? "-1" : nullptr;
      },
      &invalid);
  EXPECT_EQ(limits.max_bytes, CacheLimits().max_bytes);
  EXPECT_STREQ(invalid, "ITR_CACHE_MAX_MB");
}

}  // namespace
}  // namespace itr::runtime
