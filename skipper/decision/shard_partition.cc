#include "skipper/decision/shard_partition.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <utility>

namespace itr::skipper {

double EstimateUnknownDuration(std::vector<double> durations) {
  if (durations.empty()) return kUnknownDurationWhenNoneKnownMs;
  std::sort(durations.begin(), durations.end());
  const size_t middle = durations.size() / 2;
  if (durations.size() % 2 == 1) return durations[middle];
  return (durations[middle - 1] + durations[middle]) / 2;
}

std::vector<int> BalancedShards(
    const std::vector<std::optional<double>>& durations, int total_shards) {
  const size_t shards = static_cast<size_t>(std::max(total_shards, 1));
  std::vector<double> known;
  for (const std::optional<double>& d : durations) {
    if (d) known.push_back(std::max(*d, 0.0));
  }
  const double estimate = EstimateUnknownDuration(std::move(known));
  std::vector<double> weight(durations.size());
  for (size_t i = 0; i < durations.size(); ++i) {
    weight[i] = durations[i] ? std::max(*durations[i], 0.0) : estimate;
  }
  std::vector<size_t> order(durations.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable: equal weights keep their input order.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return weight[a] > weight[b]; });
  // Every shard sums the same weights in the same order: the loads, and so
  // the choices, are bit-for-bit the same in every process. The heap's top
  // is the least-loaded shard, the lowest index among equals.
  using Load = std::pair<double, size_t>;
  std::priority_queue<Load, std::vector<Load>, std::greater<Load>> loads;
  for (size_t s = 0; s < shards; ++s) loads.push({0.0, s});
  std::vector<int> shard_of(durations.size(), 0);
  for (size_t test : order) {
    auto [load, lightest] = loads.top();
    loads.pop();
    shard_of[test] = static_cast<int>(lightest);
    loads.push({load + weight[test], lightest});
  }
  return shard_of;
}

}  // namespace itr::skipper
