// Kept in its own file: this whole-ledger invariant check runs on every
// build, whatever changed: it is marked unskippable for itr-cpp below.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "itr/gtest_unskippable.h"
#include "textcalc/ledger.h"

namespace textcalc {
namespace {

// A fixed-seed linear congruential generator: unlike std distributions its
// output is identical on every standard library, so the test is reproducible.
class DeterministicRandom {
 public:
  explicit DeterministicRandom(std::uint64_t seed) : state_(seed) {}
  std::uint32_t Next(std::uint32_t bound) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state_ >> 33) % bound;
  }

 private:
  std::uint64_t state_;
};

DATADOG_ITR_UNSKIPPABLE(LedgerInvariants, BalanceNeverNegative);

TEST(LedgerInvariants, BalanceNeverNegative) {
  constexpr std::uint32_t kAccountCount = 4;
  const std::array<std::string, kAccountCount> accounts = {"ops", "payroll",
                                                           "savings", "tax"};
  Ledger ledger;
  for (const std::string& account : accounts) ledger.OpenAccount(account);

  DeterministicRandom random(20240601);
  Money expected_total;
  int rejected_operations = 0;
  for (int step = 0; step < 2000; ++step) {
    const std::string& from = accounts[random.Next(kAccountCount)];
    const std::string& to = accounts[random.Next(kAccountCount)];
    const Money amount = Money::FromCents(1 + random.Next(50000));
    try {
      switch (random.Next(3)) {
        case 0:
          ledger.Deposit(from, amount);
          expected_total += amount;
          break;
        case 1:
          ledger.Withdraw(from, amount);
          expected_total -= amount;
          break;
        default:
          ledger.Transfer(from, to, amount);
          break;
      }
    } catch (const LedgerError&) {
      ++rejected_operations;  // Overdrafts and self-transfers are expected.
    }

    for (const std::string& account : accounts) {
      ASSERT_GE(ledger.Balance(account), Money())
          << account << " went negative at step " << step;
    }
    ASSERT_EQ(ledger.TotalBalance(), expected_total) << "at step " << step;
  }
  // Make sure the random walk really exercised the rejection paths.
  EXPECT_GT(rejected_operations, 0);
  EXPECT_LT(rejected_operations, 2000);
}

}  // namespace
}  // namespace textcalc
