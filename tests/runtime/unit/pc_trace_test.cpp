#include "pc_trace.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"

namespace itr::runtime {
namespace {

TEST(PcTrace, RecordsEachDistinctPcOnceAndDrainsToEmpty) {
  std::vector<uintptr_t> out(kMaxTracedPcs);
  bool lost = false;
  DrainTracedPcs(out.data(), out.size(), &lost);
  for (int round = 0; round < 3; ++round) {
    for (uintptr_t pc = 0x1000; pc < 0x1000 + 500 * 16; pc += 16) {
      RecordTracedPc(pc);
    }
  }
  EXPECT_TRUE(PcTracingSeen());
  size_t n = DrainTracedPcs(out.data(), out.size(), &lost);
  EXPECT_FALSE(lost);
  ASSERT_EQ(n, 500u);
  std::sort(out.begin(), out.begin() + n);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(out[i], 0x1000 + i * 16);
  EXPECT_EQ(DrainTracedPcs(out.data(), out.size(), &lost), 0u);
}

TEST(PcTrace, ASmallDrainBufferReportsLoss) {
  for (uintptr_t pc = 1; pc <= 10; ++pc) RecordTracedPc(pc * 64);
  uintptr_t out[4];
  bool lost = false;
  EXPECT_EQ(DrainTracedPcs(out, 4, &lost), 4u);
  EXPECT_TRUE(lost) << "PCs that did not fit must not vanish silently";
}

}  // namespace
}  // namespace itr::runtime
