#include "flag_scan.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace itr::runtime {
namespace {

TEST(FlagScan, CollectsExactlyTheSetFlagsInOrderAndClearsThem) {
  std::mt19937 random(7);
  for (size_t size : {0, 1, 63, 64, 65, 130, 4096, 100003}) {
    for (int density : {0, 1, 50, 1000}) {  // per mille
      std::vector<uint8_t> flags(size);
      std::vector<uint32_t> expected;
      for (size_t i = 0; i < size; ++i) {
        if (static_cast<int>(random() % 1000) < density) {
          flags[i] = 1;
          expected.push_back(static_cast<uint32_t>(i));
        }
      }
      std::vector<uint32_t> out(size + 1);
      size_t n = CollectAndClearFlags(flags.data(), size, out.data());
      out.resize(n);
      EXPECT_EQ(out, expected) << "size " << size << " density " << density;
      EXPECT_EQ(std::count(flags.begin(), flags.end(), 0),
                static_cast<long>(size));
    }
  }
}

TEST(FlagScan, AnyNonZeroByteCountsAsSet) {
  std::vector<uint8_t> flags(200);
  flags[70] = 0x80;
  flags[199] = 0xff;
  std::vector<uint32_t> out(200);
  ASSERT_EQ(CollectAndClearFlags(flags.data(), flags.size(), out.data()), 2u);
  EXPECT_EQ(out[0], 70u);
  EXPECT_EQ(out[1], 199u);
}

TEST(FlagScan, AccumulateFoldsIntoAByteMap) {
  std::vector<uint8_t> flags(300), seen(300);
  bool any = false;
  AccumulateAndClearFlags(flags.data(), flags.size(), seen.data(), &any);
  EXPECT_FALSE(any);
  flags[5] = flags[299] = 1;
  AccumulateAndClearFlags(flags.data(), flags.size(), seen.data(), &any);
  flags[5] = 1;
  AccumulateAndClearFlags(flags.data(), flags.size(), seen.data(), &any);
  EXPECT_TRUE(any);
  EXPECT_EQ(seen[5], 1);
  EXPECT_EQ(seen[299], 1);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 2);
  EXPECT_EQ(std::count(flags.begin(), flags.end(), 0), 300);
}

}  // namespace
}  // namespace itr::runtime
