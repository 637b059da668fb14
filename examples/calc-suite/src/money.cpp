#include "textcalc/money.h"

#include <array>
#include <limits>
#include <stdexcept>

namespace textcalc {
namespace {

constexpr std::int64_t kMaxCents = std::numeric_limits<std::int64_t>::max();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Appends `value` with a ',' between each group of three digits.
void AppendGrouped(std::string& out, std::uint64_t value) {
  const std::string digits = std::to_string(value);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
}

// Parses "1234" or "1,234,567" (strict 3-digit groups) into `units`.
bool ParseWholeUnits(std::string_view text, std::int64_t& units) {
  if (text.empty()) return false;
  units = 0;
  std::size_t digits_in_group = 0;
  bool saw_separator = false;
  for (char c : text) {
    if (c == ',') {
      const bool bad_group = digits_in_group == 0 || digits_in_group > 3 ||
                             (saw_separator && digits_in_group != 3);
      if (bad_group) return false;
      saw_separator = true;
      digits_in_group = 0;
      continue;
    }
    if (!IsDigit(c)) return false;
    const int digit = c - '0';
    if (units > (kMaxCents - digit) / 10) return false;
    units = units * 10 + digit;
    ++digits_in_group;
  }
  return !saw_separator || digits_in_group == 3;
}

}  // namespace

std::optional<Money> Money::Parse(std::string_view text) {
  bool negative = false;
  if (text.starts_with('-')) {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.starts_with('$')) text.remove_prefix(1);

  std::string_view whole = text;
  std::string_view fraction;
  if (const std::size_t dot = text.find('.'); dot != std::string_view::npos) {
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 2) return std::nullopt;
  }

  std::int64_t units = 0;
  if (!ParseWholeUnits(whole, units)) return std::nullopt;
  std::int64_t fraction_cents = 0;
  for (char c : fraction) {
    if (!IsDigit(c)) return std::nullopt;
    fraction_cents = fraction_cents * 10 + (c - '0');
  }
  if (fraction.size() == 1) fraction_cents *= 10;  // "0.5" means 50 cents.

  if (units > (kMaxCents - fraction_cents) / 100) return std::nullopt;
  const std::int64_t cents = units * 100 + fraction_cents;
  return Money(negative ? -cents : cents);
}

std::string Money::Format(std::string_view symbol) const {
  // Work on the unsigned magnitude so INT64_MIN does not overflow on negation.
  const std::uint64_t magnitude = cents_ < 0
                                      ? 0 - static_cast<std::uint64_t>(cents_)
                                      : static_cast<std::uint64_t>(cents_);
  std::string out;
  if (cents_ < 0) out.push_back('-');
  out.append(symbol);
  AppendGrouped(out, magnitude / 100);
  const std::uint64_t fraction = magnitude % 100;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  return out;
}

std::vector<Money> Money::Split(std::size_t parts) const {
  if (parts == 0) throw std::invalid_argument("cannot split into 0 parts");
  const auto count = static_cast<std::int64_t>(parts);
  // C++ division truncates toward zero, so for negative amounts the
  // remainder is negative too and each extra cent is -1.
  const std::int64_t base = cents_ / count;
  const std::int64_t remainder = cents_ % count;
  const std::int64_t extra = remainder < 0 ? -1 : 1;
  const std::int64_t parts_with_extra = remainder < 0 ? -remainder : remainder;
  std::vector<Money> result;
  result.reserve(parts);
  for (std::int64_t i = 0; i < count; ++i) {
    result.push_back(Money(base + (i < parts_with_extra ? extra : 0)));
  }
  return result;
}

std::string FormatBytes(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 5> kUnits = {"B", "KiB", "MiB",
                                                             "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";

  std::size_t unit_index = 1;
  std::uint64_t unit = 1024;
  while (unit_index + 1 < kUnits.size() && bytes / unit >= 1024) {
    unit *= 1024;
    ++unit_index;
  }
  // Integer rounding to one decimal keeps the output exact and portable.
  std::uint64_t whole = bytes / unit;
  std::uint64_t tenths = ((bytes % unit) * 10 + unit / 2) / unit;
  if (tenths == 10) {
    ++whole;
    tenths = 0;
  }
  // Rounding may carry into the next unit: 1048575 B is "1.0 MiB".
  if (whole == 1024 && unit_index + 1 < kUnits.size()) {
    whole = 1;
    ++unit_index;
  }
  return std::to_string(whole) + "." + std::to_string(tenths) + " " +
         std::string(kUnits[unit_index]);
}

std::string FormatDuration(std::chrono::seconds duration) {
  std::string out;
  const std::int64_t count = duration.count();
  if (count < 0) out.push_back('-');
  // Unsigned magnitude: negating the most negative count would overflow.
  const std::uint64_t total = count < 0 ? 0 - static_cast<std::uint64_t>(count)
                                        : static_cast<std::uint64_t>(count);
  const std::uint64_t hours = total / 3600;
  const std::uint64_t minutes = total / 60 % 60;
  const std::uint64_t seconds = total % 60;
  auto two_digits = [](std::uint64_t value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
  };
  if (hours > 0) {
    out += std::to_string(hours) + "h " + two_digits(minutes) + "m " +
           two_digits(seconds) + "s";
  } else if (minutes > 0) {
    out += std::to_string(minutes) + "m " + two_digits(seconds) + "s";
  } else {
    out += std::to_string(seconds) + "s";
  }
  return out;
}

}  // namespace textcalc
