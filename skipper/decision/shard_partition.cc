#include "skipper/decision/shard_partition.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

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

ShardPlan::ShardPlan(std::vector<int> shard_of_considered, int total_shards)
    : shard_of_(std::move(shard_of_considered)),
      total_shards_(std::max(total_shards, 1)) {}

std::string ShardPlan::Encode() const {
  std::string out = absl::StrCat("itr-shard-plan 1 ", shard_of_.size(), " ",
                                 total_shards_, "\n");
  for (size_t k = 0; k < shard_of_.size(); ++k) {
    if (shard_of_[k] >= 0) absl::StrAppend(&out, k, " ", shard_of_[k], "\n");
  }
  return out;
}

absl::StatusOr<ShardPlan> ShardPlan::Decode(absl::string_view text,
                                            size_t considered,
                                            int total_shards) {
  const std::string header =
      absl::StrCat("itr-shard-plan 1 ", considered, " ", total_shards, "\n");
  if (!absl::StartsWith(text, header)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the shard plan is not one for ", considered,
                     " tests and ", total_shards, " shards"));
  }
  std::vector<int> shard_of(considered, -1);
  text.remove_prefix(header.size());
  size_t next = 0;  // positions come in increasing order, each once
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(' ', 1));
    size_t position = 0;
    int shard = 0;
    if (!absl::SimpleAtoi(fields.first, &position) ||
        !absl::SimpleAtoi(fields.second, &shard) || position < next ||
        position >= considered || shard < 0 || shard >= total_shards) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the shard plan has an invalid line '", line.substr(0, 40), "'"));
    }
    shard_of[position] = shard;
    next = position + 1;
  }
  return ShardPlan(std::move(shard_of), total_shards);
}

int ShardPlan::OwnerOf(size_t k) const {
  if (shard_of_[k] >= 0) return shard_of_[k];
  return static_cast<int>(k % static_cast<size_t>(total_shards_));
}

size_t ShardPlan::planned() const {
  return static_cast<size_t>(std::count_if(shard_of_.begin(), shard_of_.end(),
                                           [](int s) { return s >= 0; }));
}

std::string ShardPlanKey(absl::string_view run, absl::string_view configuration,
                         int total_shards,
                         const std::vector<std::string>& considered_keys) {
  // Every part with its length: no two lists read the same.
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  auto add = [&state](absl::string_view part) {
    uint8_t size[8];  // little-endian: the same key on every machine
    for (int i = 0; i < 8; ++i) {
      size[i] = static_cast<uint8_t>(uint64_t{part.size()} >> (8 * i));
    }
    XXH3_128bits_update(&state, size, sizeof(size));
    XXH3_128bits_update(&state, part.data(), part.size());
  };
  add(run);
  add(configuration);
  add(absl::StrCat(total_shards));
  for (const std::string& key : considered_keys) add(key);
  const XXH128_hash_t hash = XXH3_128bits_digest(&state);
  return absl::StrFormat("%016x%016x", hash.high64, hash.low64);
}

}  // namespace itr::skipper
