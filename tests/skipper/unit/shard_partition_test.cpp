// decision/shard_partition.h: balanced shards by recorded durations.
#include "skipper/decision/shard_partition.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace itr::skipper {
namespace {

// Each test's shard, as lists of test indices per shard.
std::vector<std::vector<size_t>> Shards(
    const std::vector<std::optional<double>>& durations, int total) {
  std::vector<int> shard_of = BalancedShards(durations, total);
  EXPECT_EQ(shard_of.size(), durations.size());
  std::vector<std::vector<size_t>> shards(total);
  for (size_t i = 0; i < shard_of.size(); ++i) {
    EXPECT_GE(shard_of[i], 0);
    EXPECT_LT(shard_of[i], total);
    shards[shard_of[i]].push_back(i);
  }
  return shards;
}

double Load(const std::vector<size_t>& shard,
            const std::vector<std::optional<double>>& durations) {
  double sum = 0;
  for (size_t i : shard) sum += durations[i].value_or(0);
  return sum;
}

TEST(ShardPartition, LongestFirstOntoTheLeastLoadedShard) {
  std::vector<std::optional<double>> d = {5, 8, 4, 7, 6};
  std::vector<std::vector<size_t>> shards = Shards(d, 2);
  // 8 -> 0; 7 -> 1; 6 -> 1 (7 < 8); 5 -> 0 (8 < 13); 4 -> 0 (13 = 13).
  EXPECT_EQ(shards[0], (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(shards[1], (std::vector<size_t>{3, 4}));
  EXPECT_EQ(Load(shards[0], d), 17);
  EXPECT_EQ(Load(shards[1], d), 13);
}

TEST(ShardPartition, EqualDurationsAreDealtRoundRobinInInputOrder) {
  std::vector<std::optional<double>> d(10, 3.0);
  EXPECT_EQ(BalancedShards(d, 4),
            (std::vector<int>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1}));
  // Nothing known: the same (GoogleTest's round-robin).
  std::vector<std::optional<double>> unknown(10);
  EXPECT_EQ(BalancedShards(unknown, 4), BalancedShards(d, 4));
}

TEST(ShardPartition, UnknownDurationsWeighTheMedianOfTheKnownOnes) {
  EXPECT_EQ(EstimateUnknownDuration({}), kUnknownDurationWhenNoneKnownMs);
  EXPECT_EQ(EstimateUnknownDuration({9, 1, 5}), 5);
  EXPECT_EQ(EstimateUnknownDuration({1, 2, 10, 4}), 3);
  // Known: 100, 10, 10 (median 10); the unknown one weighs 10 and follows
  // the known 10s (input order among equals): 100 -> 0, 10 -> 1, 10 -> 1,
  // unknown -> 1.
  std::vector<std::optional<double>> d = {10, std::nullopt, 100, 10};
  EXPECT_EQ(BalancedShards(d, 2), (std::vector<int>{1, 1, 0, 1}));
}

TEST(ShardPartition, EveryTestInExactlyOneShardAndTheSameEverywhere) {
  // Skewed: a few long tests, many short ones, some unknown.
  std::vector<std::optional<double>> d;
  for (int i = 0; i < 1000; ++i) {
    if (i % 97 == 0) {
      d.push_back(2000.0 + i);
    } else if (i % 13 == 0) {
      d.push_back(std::nullopt);
    } else {
      d.push_back(1.0 + (i * 7919) % 50);
    }
  }
  for (int total : {1, 2, 3, 4, 7, 16}) {
    std::vector<int> first = BalancedShards(d, total);
    // Another process computes the same partition from the same input.
    EXPECT_EQ(BalancedShards(d, total), first);
    std::vector<std::vector<size_t>> shards = Shards(d, total);
    size_t held = 0;
    for (const auto& shard : shards) held += shard.size();
    EXPECT_EQ(held, d.size());  // each index is in exactly one list
  }
  // Balanced: 11 tests of ~2 s over 4 shards, with ~25 ms each of short
  // ones to even out; no shard above 1.2x the mean.
  std::vector<std::vector<size_t>> shards = Shards(d, 4);
  double total_ms = 0, slowest = 0;
  for (const auto& shard : shards) {
    total_ms += Load(shard, d);
    slowest = std::max(slowest, Load(shard, d));
  }
  EXPECT_LE(slowest, 1.2 * total_ms / 4);
}

TEST(ShardPartition, MoreShardsThanTestsLeavesSomeEmpty) {
  std::vector<std::optional<double>> d = {1, 2};
  EXPECT_EQ(BalancedShards(d, 4), (std::vector<int>{1, 0}));
  EXPECT_TRUE(BalancedShards({}, 4).empty());
}

// The plan a shard publishes: its proposal for the tests it would run; the
// others are owned round-robin by position.
TEST(ShardPlan, OwnersFollowThePlanThenThePosition) {
  ShardPlan plan({-1, 2, -1, 0, -1}, 3);
  EXPECT_EQ(plan.planned(), 2u);
  EXPECT_EQ(plan.OwnerOf(0), 0);
  EXPECT_EQ(plan.OwnerOf(1), 2);
  EXPECT_EQ(plan.OwnerOf(2), 2);
  EXPECT_EQ(plan.OwnerOf(3), 0);
  EXPECT_EQ(plan.OwnerOf(4), 1);
}

TEST(ShardPlan, ReadsBackWhatItWrites) {
  ShardPlan plan({-1, 2, -1, 0, 1}, 3);
  const std::string text = plan.Encode();
  EXPECT_EQ(text, "itr-shard-plan 1 5 3\n1 2\n3 0\n4 1\n");
  auto read = ShardPlan::Decode(text, 5, 3);
  ASSERT_TRUE(read.ok()) << read.status();
  for (size_t k = 0; k < 5; ++k) EXPECT_EQ(read->OwnerOf(k), plan.OwnerOf(k));
  EXPECT_EQ(read->planned(), 3u);
}

// Anything else is refused: every shard reads the same row, so every shard
// refuses it alike (and then runs every test).
TEST(ShardPlan, RefusesPlansOfAnotherRunOrDamaged) {
  const std::string text = ShardPlan({-1, 1, 0}, 2).Encode();
  EXPECT_TRUE(ShardPlan::Decode(text, 3, 2).ok());
  for (auto [considered, shards] :
       std::vector<std::pair<size_t, int>>{{4, 2}, {3, 3}, {2, 2}}) {
    EXPECT_FALSE(ShardPlan::Decode(text, considered, shards).ok())
        << considered << " " << shards;
  }
  for (const char* bad :
       {"", "itr-shard-plan 1 3 2", "itr-shard-plan 1 3 2\nx 1\n",
        "itr-shard-plan 1 3 2\n3 0\n",  // past the end
        "itr-shard-plan 1 3 2\n1 2\n",  // no shard 2
        "itr-shard-plan 1 3 2\n1 -1\n",
        "itr-shard-plan 1 3 2\n2 0\n1 0\n",  // order
        "itr-shard-plan 1 3 2\n1 0\n1 1\n",  // twice
        "itr-shard-plan 1 3 2\n1\n"}) {
    EXPECT_FALSE(ShardPlan::Decode(bad, 3, 2).ok()) << bad;
  }
}

TEST(ShardPlan, KeysDifferByEveryPart) {
  const std::vector<std::string> tests = {"S.a", "S.b"};
  const std::string key = ShardPlanKey("commit 42", "c", 4, tests);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(ShardPlanKey("commit 42", "c", 4, tests), key);
  EXPECT_NE(ShardPlanKey("commit 43", "c", 4, tests), key);
  EXPECT_NE(ShardPlanKey("commit 42", "d", 4, tests), key);
  EXPECT_NE(ShardPlanKey("commit 42", "c", 3, tests), key);
  EXPECT_NE(ShardPlanKey("commit 42", "c", 4, {"S.b", "S.a"}), key);
  EXPECT_NE(ShardPlanKey("commit 42", "c", 4, {"S.aS.b"}), key);
  EXPECT_NE(ShardPlanKey("commit 4", "2c", 4, tests), key);
}

}  // namespace
}  // namespace itr::skipper
