#include "textcalc/statistics.h"

#include <stdexcept>
#include <string>

namespace textcalc {

void ThrowTooFewValues(std::string_view function, std::size_t required,
                       std::size_t actual) {
  throw std::invalid_argument(std::string(function) + " needs at least " +
                              std::to_string(required) + " value(s), got " +
                              std::to_string(actual));
}

double Percentile(std::vector<double> values, double percent) {
  if (values.empty()) ThrowTooFewValues("Percentile", 1, 0);
  if (!(percent >= 0 && percent <= 100)) {  // Also rejects NaN.
    throw std::invalid_argument("percent must be within [0, 100]");
  }
  std::sort(values.begin(), values.end());
  const double rank = percent / 100 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const auto upper = static_cast<std::size_t>(std::ceil(rank));
  const double weight = rank - static_cast<double>(lower);
  return values[lower] + weight * (values[upper] - values[lower]);
}

std::vector<std::size_t> Histogram(const std::vector<double>& values,
                                   double low, double high, std::size_t bins) {
  if (bins == 0) throw std::invalid_argument("Histogram needs at least 1 bin");
  if (!(low < high)) throw std::invalid_argument("Histogram needs low < high");
  std::vector<std::size_t> counts(bins, 0);
  const double width = (high - low) / static_cast<double>(bins);
  for (double value : values) {
    if (!(value >= low && value <= high)) continue;  // Also skips NaN.
    auto bin = static_cast<std::size_t>((value - low) / width);
    if (bin >= bins) bin = bins - 1;  // `high` belongs to the last bin.
    counts[bin] += 1;
  }
  return counts;
}

}  // namespace textcalc
