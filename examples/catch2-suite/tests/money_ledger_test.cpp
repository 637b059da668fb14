#include <catch2/catch.hpp>

#include "textcalc/ledger.h"
#include "textcalc/money.h"

namespace textcalc {
namespace {

TEST_CASE("Money parses and formats", "[money]") {
  std::optional<Money> parsed = Money::Parse("12.34");
  REQUIRE(parsed.has_value());
  CHECK(parsed->cents() == 1234);
  CHECK(Money::FromCents(1234).Format() == "$12.34");
}

TEST_CASE("Money splits without losing cents", "[money]") {
  std::vector<Money> parts = Money::FromCents(100).Split(3);
  REQUIRE(parts.size() == 3);
  CHECK((parts[0] + parts[1] + parts[2]).cents() == 100);
}

TEST_CASE("Byte and duration formatting", "[money][format]") {
  CHECK_FALSE(FormatBytes(2048).empty());
  CHECK_FALSE(FormatDuration(std::chrono::seconds(90)).empty());
}

class LedgerFixture {
 protected:
  LedgerFixture() {
    ledger.OpenAccount("cash");
    ledger.Deposit("cash", Money::FromCents(500));
  }
  Ledger ledger;
};

TEST_CASE_METHOD(LedgerFixture, "Ledger deposits and withdraws", "[ledger]") {
  ledger.Withdraw("cash", Money::FromCents(200));
  CHECK(ledger.Balance("cash") == Money::FromCents(300));
}

TEST_CASE_METHOD(LedgerFixture, "Ledger refuses overdrafts", "[ledger]") {
  CHECK_THROWS_AS(ledger.Withdraw("cash", Money::FromCents(501)), LedgerError);
}

TEST_CASE_METHOD(LedgerFixture, "Ledger keeps a history", "[ledger]") {
  SECTION("per account") { CHECK(ledger.HistoryFor("cash").size() == 1); }
  SECTION("as a statement") { CHECK_FALSE(ledger.Statement("cash").empty()); }
}

}  // namespace
}  // namespace textcalc
