#pragma once

// Descriptive statistics. The generic ones are templates over any arithmetic
// element type; the ones that only make sense on doubles are in
// src/statistics.cpp.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace textcalc {

template <typename T>
concept Numeric = std::is_arithmetic_v<T> && !std::same_as<T, bool>;

enum class VarianceKind { kPopulation, kSample };

// Out of line so every template instantiation shares one error path.
[[noreturn]] void ThrowTooFewValues(std::string_view function,
                                    std::size_t required, std::size_t actual);

template <Numeric T>
double Mean(const std::vector<T>& values) {
  if (values.empty()) ThrowTooFewValues("Mean", 1, 0);
  // Accumulate in double: summing ints in T could overflow.
  double sum = 0;
  for (T value : values) sum += static_cast<double>(value);
  return sum / static_cast<double>(values.size());
}

// For an even count this is the mean of the two middle values.
template <Numeric T>
double Median(std::vector<T> values) {
  if (values.empty()) ThrowTooFewValues("Median", 1, 0);
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + middle, values.end());
  const double upper = static_cast<double>(values[middle]);
  if (values.size() % 2 == 1) return upper;
  // After nth_element everything left of `middle` is <= it, so the lower
  // middle value is the maximum of that half.
  const double lower = static_cast<double>(
      *std::max_element(values.begin(), values.begin() + middle));
  return (lower + upper) / 2;
}

// Welford's online algorithm: avoids the catastrophic cancellation of the
// textbook sum-of-squares formula when values share a large offset.
template <Numeric T>
double Variance(const std::vector<T>& values,
                VarianceKind kind = VarianceKind::kPopulation) {
  const std::size_t required = kind == VarianceKind::kSample ? 2 : 1;
  if (values.size() < required) {
    ThrowTooFewValues("Variance", required, values.size());
  }
  double mean = 0;
  double sum_squared_deltas = 0;
  std::size_t count = 0;
  for (T value : values) {
    const double x = static_cast<double>(value);
    ++count;
    const double delta = x - mean;
    mean += delta / static_cast<double>(count);
    sum_squared_deltas += delta * (x - mean);
  }
  const std::size_t divisor = kind == VarianceKind::kSample ? count - 1 : count;
  return sum_squared_deltas / static_cast<double>(divisor);
}

template <Numeric T>
double StdDev(const std::vector<T>& values,
              VarianceKind kind = VarianceKind::kPopulation) {
  return std::sqrt(Variance(values, kind));
}

template <Numeric T>
std::pair<T, T> MinMax(const std::vector<T>& values) {
  if (values.empty()) ThrowTooFewValues("MinMax", 1, 0);
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  return {*min, *max};
}

// Linear interpolation between closest ranks (NumPy's default method).
// `percent` must be in [0, 100].
double Percentile(std::vector<double> values, double percent);

// Counts values into `bins` equal-width bins over [low, high]; `high` itself
// lands in the last bin and values outside the range are ignored.
std::vector<std::size_t> Histogram(const std::vector<double>& values,
                                   double low, double high, std::size_t bins);

}  // namespace textcalc
