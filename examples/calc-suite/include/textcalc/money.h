#pragma once

// Money and unit formatting. Money is stored as integer cents because binary
// floating point cannot represent most decimal amounts (0.1 + 0.2 != 0.3).

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textcalc {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromCents(std::int64_t cents) { return Money(cents); }

  // Accepts "12", "12.5", "12.50", "$1,234.56", "-$0.07". Thousands
  // separators must group exactly three digits. Returns nullopt otherwise,
  // including on overflow.
  static std::optional<Money> Parse(std::string_view text);

  constexpr std::int64_t cents() const { return cents_; }
  constexpr bool IsNegative() const { return cents_ < 0; }

  // "-$1,234.56" style.
  std::string Format(std::string_view symbol = "$") const;

  // Splits into `parts` amounts that differ by at most one cent and sum to
  // exactly this amount; the first parts get the leftover cents.
  std::vector<Money> Split(std::size_t parts) const;

  friend constexpr Money operator+(Money a, Money b) {
    return Money(a.cents_ + b.cents_);
  }
  friend constexpr Money operator-(Money a, Money b) {
    return Money(a.cents_ - b.cents_);
  }
  friend constexpr Money operator-(Money a) { return Money(-a.cents_); }
  friend constexpr Money operator*(Money a, std::int64_t factor) {
    return Money(a.cents_ * factor);
  }
  Money& operator+=(Money other) {
    cents_ += other.cents_;
    return *this;
  }
  Money& operator-=(Money other) {
    cents_ -= other.cents_;
    return *this;
  }
  friend constexpr auto operator<=>(Money, Money) = default;

 private:
  constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
  std::int64_t cents_ = 0;
};

// Binary units with one decimal: 512 -> "512 B", 1536 -> "1.5 KiB".
std::string FormatBytes(std::uint64_t bytes);

// 45 -> "45s", 125 -> "2m 05s", 3723 -> "1h 02m 03s"; negatives get a '-'.
std::string FormatDuration(std::chrono::seconds duration);

}  // namespace textcalc
