// The whole-ledger invariant runs on every build, whatever changed: it is
// decorated itr::doctest::unskippable().
#include <doctest/doctest.h>

#include "itr/doctest_unskippable.h"
#include "textcalc/ledger.h"

namespace textcalc {
namespace {

TEST_CASE("Ledger balance never goes negative" * itr::doctest::unskippable()) {
  Ledger ledger;
  ledger.OpenAccount("a");
  ledger.OpenAccount("b");
  ledger.Deposit("a", Money::FromCents(1000));
  for (int i = 0; i < 50; ++i) {
    ledger.Transfer("a", "b", Money::FromCents(10));
    ledger.Transfer("b", "a", Money::FromCents(5));
    REQUIRE_FALSE(ledger.Balance("a").IsNegative());
  }
  CHECK(ledger.TotalBalance() == Money::FromCents(1000));
}

}  // namespace
}  // namespace textcalc
