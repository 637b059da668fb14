#include "textcalc/money.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace textcalc {
namespace {

struct ParseCase {
  std::string text;
  std::int64_t cents;
};

// Printing the input makes failures readable instead of a byte dump.
void PrintTo(const ParseCase& parse_case, std::ostream* os) {
  *os << '"' << parse_case.text << "\" -> " << parse_case.cents;
}

class MoneyParseAccepts : public testing::TestWithParam<ParseCase> {};

TEST_P(MoneyParseAccepts, YieldsExactCents) {
  const std::optional<Money> parsed = Money::Parse(GetParam().text);
  ASSERT_TRUE(parsed.has_value()) << GetParam().text;
  EXPECT_EQ(parsed->cents(), GetParam().cents);
}

INSTANTIATE_TEST_SUITE_P(Amounts, MoneyParseAccepts,
                         testing::Values(ParseCase{"12", 1200},
                                         ParseCase{"12.5", 1250},
                                         ParseCase{"0.07", 7},
                                         ParseCase{"$1,234.56", 123456},
                                         ParseCase{"-$1,000,000", -100000000},
                                         ParseCase{"-0.99", -99}));

class MoneyParseRejects : public testing::TestWithParam<std::string> {};

TEST_P(MoneyParseRejects, ReturnsNullopt) {
  EXPECT_FALSE(Money::Parse(GetParam()).has_value()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Malformed, MoneyParseRejects,
                         testing::Values("", "$", "1.234", "1.", ".5", "12,34",
                                         "1,2345", ",123", "$-5", "1e3",
                                         "99999999999999999999"));

TEST(Money, FormatsWithThousandsSeparators) {
  EXPECT_EQ(Money::FromCents(0).Format(), "$0.00");
  EXPECT_EQ(Money::FromCents(5).Format(), "$0.05");
  EXPECT_EQ(Money::FromCents(99999).Format(), "$999.99");
  EXPECT_EQ(Money::FromCents(123456789).Format(), "$1,234,567.89");
  EXPECT_EQ(Money::FromCents(100).Format("EUR "), "EUR 1.00");
}

TEST(Money, FormatsNegativeAmountsIncludingTheMinimum) {
  EXPECT_EQ(Money::FromCents(-1050).Format(), "-$10.50");
  EXPECT_EQ(Money::FromCents(std::numeric_limits<std::int64_t>::min()).Format(),
            "-$92,233,720,368,547,758.08");
}

TEST(Money, ArithmeticIsExactInCents) {
  // The classic 0.1 + 0.2 problem does not exist with integer cents.
  const Money sum = *Money::Parse("0.10") + *Money::Parse("0.20");
  EXPECT_EQ(sum, *Money::Parse("0.30"));
  EXPECT_EQ(Money::FromCents(250) * 3 - Money::FromCents(50),
            Money::FromCents(700));
  EXPECT_LT(-Money::FromCents(1), Money());
}

TEST(Money, SplitDistributesLeftoverCentsToTheFirstParts) {
  const std::vector<Money> shares = Money::FromCents(1000).Split(3);
  EXPECT_EQ(shares,
            (std::vector<Money>{Money::FromCents(334), Money::FromCents(333),
                                Money::FromCents(333)}));
}

TEST(Money, SplitOfNegativeAmountStillSumsExactly) {
  const std::vector<Money> shares = Money::FromCents(-7).Split(4);
  EXPECT_EQ(std::accumulate(shares.begin(), shares.end(), Money()),
            Money::FromCents(-7));
  EXPECT_EQ(shares.front(), Money::FromCents(-2));
  EXPECT_EQ(shares.back(), Money::FromCents(-1));
  EXPECT_THROW(Money::FromCents(1).Split(0), std::invalid_argument);
}

TEST(Units, FormatBytesUsesBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1024), "1.0 KiB");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(1048575), "1.0 MiB");  // Rounds up into next unit.
  EXPECT_EQ(FormatBytes(5ull * 1024 * 1024 * 1024), "5.0 GiB");
  EXPECT_EQ(FormatBytes(std::numeric_limits<std::uint64_t>::max()),
            "16777216.0 TiB");
}

TEST(Units, FormatDurationPadsMinutesAndSeconds) {
  using std::chrono::seconds;
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(seconds(125)), "2m 05s");
  EXPECT_EQ(FormatDuration(seconds(3723)), "1h 02m 03s");
  EXPECT_EQ(FormatDuration(seconds(-60)), "-1m 00s");
}

}  // namespace
}  // namespace textcalc
