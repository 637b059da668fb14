#include "gtest/gtest.h"
#include "ledger.h"

namespace fault_suite {
namespace {

TEST(Rates, NoMonthsNoInterest) { EXPECT_EQ(Compound(1000, 0, 500), 1000); }
TEST(Rates, InterestCompounds) { EXPECT_GT(Compound(100000, 12, 500), 105000); }
TEST(Rates, SmallAmountsPayTheMinimumFee) { EXPECT_EQ(Fee(50), 100); }
TEST(Rates, LargeAmountsPayOnePercent) { EXPECT_EQ(Fee(500000), 5000); }

}  // namespace
}  // namespace fault_suite
