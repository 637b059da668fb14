#include "textcalc/ledger.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace textcalc {
namespace {

Money Dollars(std::int64_t dollars) { return Money::FromCents(dollars * 100); }

// Every test starts from two funded accounts and an empty third one.
class LedgerTest : public testing::Test {
 protected:
  void SetUp() override {
    ledger_.OpenAccount("alice");
    ledger_.OpenAccount("bob");
    ledger_.OpenAccount("carol");
    ledger_.Deposit("alice", Dollars(100), "opening balance");
    ledger_.Deposit("bob", Dollars(50), "opening balance");
  }

  Ledger ledger_;
};

TEST_F(LedgerTest, DepositIncreasesBalanceAndRecordsHistory) {
  ledger_.Deposit("carol", Money::FromCents(1999), "refund");
  EXPECT_EQ(ledger_.Balance("carol"), Money::FromCents(1999));
  ASSERT_EQ(ledger_.History().size(), 3u);
  EXPECT_EQ(ledger_.History().back().memo, "refund");
}

TEST_F(LedgerTest, WithdrawDecreasesBalanceWithANegativeEntry) {
  ledger_.Withdraw("alice", Dollars(30), "groceries");
  EXPECT_EQ(ledger_.Balance("alice"), Dollars(70));
  EXPECT_EQ(ledger_.History().back().amount, -Dollars(30));
}

TEST_F(LedgerTest, OverdraftIsRejectedAndChangesNothing) {
  EXPECT_THROW(ledger_.Withdraw("bob", Dollars(51)), LedgerError);
  EXPECT_EQ(ledger_.Balance("bob"), Dollars(50));
  EXPECT_EQ(ledger_.History().size(), 2u);
  // Withdrawing the exact balance is fine.
  ledger_.Withdraw("bob", Dollars(50));
  EXPECT_EQ(ledger_.Balance("bob"), Money());
}

TEST_F(LedgerTest, TransferMovesMoneyAndConservesTheTotal) {
  const Money total_before = ledger_.TotalBalance();
  ledger_.Transfer("alice", "carol", Dollars(40), "rent share");
  EXPECT_EQ(ledger_.Balance("alice"), Dollars(60));
  EXPECT_EQ(ledger_.Balance("carol"), Dollars(40));
  EXPECT_EQ(ledger_.TotalBalance(), total_before);
}

TEST_F(LedgerTest, FailedTransferChangesNothing) {
  EXPECT_THROW(ledger_.Transfer("carol", "alice", Dollars(1)), LedgerError);
  EXPECT_THROW(ledger_.Transfer("alice", "nobody", Dollars(1)), LedgerError);
  EXPECT_THROW(ledger_.Transfer("alice", "alice", Dollars(1)), LedgerError);
  EXPECT_EQ(ledger_.Balance("alice"), Dollars(100));
  EXPECT_EQ(ledger_.History().size(), 2u);
}

TEST_F(LedgerTest, UnknownAndDuplicateAccountsAreErrors) {
  EXPECT_FALSE(ledger_.HasAccount("dave"));
  EXPECT_THROW(ledger_.Balance("dave"), LedgerError);
  EXPECT_THROW(ledger_.Deposit("dave", Dollars(1)), LedgerError);
  EXPECT_THROW(ledger_.OpenAccount("alice"), LedgerError);
  EXPECT_THROW(ledger_.OpenAccount(""), LedgerError);
  EXPECT_EQ(ledger_.AccountCount(), 3u);
}

TEST_F(LedgerTest, NonPositiveAmountsAreRejected) {
  EXPECT_THROW(ledger_.Deposit("alice", Money()), LedgerError);
  EXPECT_THROW(ledger_.Deposit("alice", -Dollars(5)), LedgerError);
  EXPECT_THROW(ledger_.Withdraw("alice", Money()), LedgerError);
  EXPECT_THROW(ledger_.Transfer("alice", "bob", -Dollars(5)), LedgerError);
}

TEST_F(LedgerTest, HistoryForFiltersByAccountInOrder) {
  ledger_.Transfer("bob", "alice", Dollars(5), "coffee");
  ledger_.Withdraw("alice", Dollars(1), "tip");
  const std::vector<Ledger::Entry> entries = ledger_.HistoryFor("alice");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].memo, "opening balance");
  EXPECT_EQ(entries[1].amount, Dollars(5));
  EXPECT_EQ(entries[2].amount, -Dollars(1));
  EXPECT_TRUE(ledger_.HistoryFor("carol").empty());
}

// Touches the money formatting module as well as the ledger.
TEST_F(LedgerTest, StatementListsFormattedEntriesAndBalance) {
  ledger_.Deposit("alice", Money::FromCents(123456), "bonus");
  ledger_.Withdraw("alice", Money::FromCents(2550), "groceries");
  EXPECT_EQ(ledger_.Statement("alice"),
            "Statement for alice\n"
            "  +$100.00  opening balance\n"
            "  +$1,234.56  bonus\n"
            "  -$25.50  groceries\n"
            "Balance: $1,309.06\n");
}

}  // namespace
}  // namespace textcalc
