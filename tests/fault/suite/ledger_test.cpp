#include "ledger.h"

#include "gtest/gtest.h"

namespace fault_suite {
namespace {

const std::vector<Entry> kBook = {
    {"alice", 500}, {"bob", 250}, {"alice", -200}, {"carol", 75}};

TEST(Ledger, BalanceSumsOneAccount) { EXPECT_EQ(Balance(kBook, "alice"), 300); }
TEST(Ledger, UnknownAccountIsZero) { EXPECT_EQ(Balance(kBook, "dave"), 0); }
TEST(Ledger, AccountsAreSortedAndUnique) {
  EXPECT_EQ(Accounts(kBook),
            (std::vector<std::string>{"alice", "bob", "carol"}));
}
TEST(Ledger, EmptyBookHasNoAccounts) { EXPECT_TRUE(Accounts({}).empty()); }

}  // namespace
}  // namespace fault_suite
