#include "textcalc/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "textcalc/csv_reader.h"

namespace textcalc {
namespace {

template <typename T>
class StatisticsTyped : public testing::Test {
 protected:
  // The textbook data set: mean 5, population variance 4.
  const std::vector<T> sample_{2, 4, 4, 4, 5, 5, 7, 9};
};

using ElementTypes = testing::Types<int, long long, double>;
TYPED_TEST_SUITE(StatisticsTyped, ElementTypes);

TYPED_TEST(StatisticsTyped, MeanOfKnownValues) {
  EXPECT_DOUBLE_EQ(Mean(this->sample_), 5.0);
  EXPECT_DOUBLE_EQ(Mean(std::vector<TypeParam>{1, 2}), 1.5);
}

TYPED_TEST(StatisticsTyped, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(Median(this->sample_), 4.5);
  EXPECT_DOUBLE_EQ(Median(std::vector<TypeParam>{9, 1, 5}), 5.0);
  EXPECT_DOUBLE_EQ(Median(std::vector<TypeParam>{7}), 7.0);
}

TYPED_TEST(StatisticsTyped, PopulationAndSampleVariance) {
  EXPECT_NEAR(Variance(this->sample_), 4.0, 1e-12);
  EXPECT_NEAR(Variance(this->sample_, VarianceKind::kSample), 32.0 / 7.0,
              1e-12);
  EXPECT_NEAR(StdDev(this->sample_), 2.0, 1e-12);
}

TYPED_TEST(StatisticsTyped, MinMaxReturnsTheExtremes) {
  const auto [min, max] = MinMax(this->sample_);
  EXPECT_EQ(min, TypeParam{2});
  EXPECT_EQ(max, TypeParam{9});
}

TYPED_TEST(StatisticsTyped, TooFewValuesThrow) {
  const std::vector<TypeParam> empty;
  EXPECT_THROW(Mean(empty), std::invalid_argument);
  EXPECT_THROW(Median(empty), std::invalid_argument);
  EXPECT_THROW(MinMax(empty), std::invalid_argument);
  EXPECT_THROW(Variance(std::vector<TypeParam>{1}, VarianceKind::kSample),
               std::invalid_argument);
  EXPECT_DOUBLE_EQ(Variance(std::vector<TypeParam>{1}), 0.0);
}

TEST(Statistics, MeanOfLargeIntegersDoesNotOverflow) {
  const int big = std::numeric_limits<int>::max();
  EXPECT_DOUBLE_EQ(Mean(std::vector<int>{big, big}), static_cast<double>(big));
}

TEST(Statistics, VarianceIsStableForValuesWithALargeOffset) {
  // The naive E[x^2] - E[x]^2 formula loses every significant digit here.
  const double offset = 1e9;
  const std::vector<double> values = {offset + 4, offset + 7, offset + 13,
                                      offset + 16};
  EXPECT_NEAR(Variance(values, VarianceKind::kSample), 30.0, 1e-6);
}

TEST(Statistics, PercentileInterpolatesBetweenRanks) {
  const std::vector<double> values = {15, 20, 35, 40, 50};
  EXPECT_DOUBLE_EQ(Percentile(values, 0), 15);
  EXPECT_DOUBLE_EQ(Percentile(values, 50), 35);
  EXPECT_DOUBLE_EQ(Percentile(values, 100), 50);
  EXPECT_DOUBLE_EQ(Percentile(values, 40), 29);  // rank 1.6 -> 20 + 0.6*15
  EXPECT_DOUBLE_EQ(Percentile({3, 1, 2}, 25),
                   1.5);  // Input need not be sorted.
}

TEST(Statistics, PercentileRejectsBadArguments) {
  EXPECT_THROW(Percentile({}, 50), std::invalid_argument);
  EXPECT_THROW(Percentile({1}, -1), std::invalid_argument);
  EXPECT_THROW(Percentile({1}, 100.5), std::invalid_argument);
  EXPECT_THROW(Percentile({1}, std::nan("")), std::invalid_argument);
}

TEST(Statistics, HistogramCountsValuesIntoEqualWidthBins) {
  const std::vector<double> values = {0, 0.5, 2.5, 5, 9.99, 10, -1, 11};
  EXPECT_EQ(Histogram(values, 0, 10, 4),
            (std::vector<std::size_t>{2, 1, 1, 2}));
  EXPECT_THROW(Histogram(values, 0, 10, 0), std::invalid_argument);
  EXPECT_THROW(Histogram(values, 5, 5, 3), std::invalid_argument);
}

// Deliberately crosses modules: statistics over a column read from CSV.
TEST(Statistics, SummarisesAColumnLoadedFromCsv) {
  const CsvTable table = CsvTable::Parse(
      "city,temperature\n"
      "Oslo,4.5\n"
      "Lima,19.0\n"
      "\"Washington, D.C.\",12.5\n");
  std::vector<double> temperatures;
  for (const std::string& cell : table.Column("temperature")) {
    temperatures.push_back(std::stod(cell));
  }
  EXPECT_DOUBLE_EQ(Mean(temperatures), 12.0);
  EXPECT_DOUBLE_EQ(Median(temperatures), 12.5);
  EXPECT_EQ(MinMax(temperatures).second, 19.0);
}

}  // namespace
}  // namespace textcalc
