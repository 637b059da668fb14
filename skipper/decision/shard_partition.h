// Balanced shards (ITR_SHARDING=balanced): which of the tests that run goes
// to which shard, from their recorded durations, so that the shards finish
// close together. A pure function: every shard process computes the whole
// partition from the same inputs and keeps its own part, without talking to
// the others.
//
// Rule: longest processing time first. Tests in decreasing duration (ties:
// the earlier in the input first), each onto the least-loaded shard (ties:
// the lowest index). A test without a recorded duration weighs the median of
// the known durations of the input (1 ms when none is known).
//
// With equal durations (e.g. none known yet) the rule deals the tests out in
// input order, one per shard in turn: GoogleTest's own round-robin.
#ifndef ITR_SKIPPER_DECISION_SHARD_PARTITION_H_
#define ITR_SKIPPER_DECISION_SHARD_PARTITION_H_

#include <optional>
#include <vector>

namespace itr::skipper {

// What a test without a recorded duration is estimated to take.
inline constexpr double kUnknownDurationWhenNoneKnownMs = 1.0;

// The median of `durations` (the mean of the two middle ones for an even
// count), or kUnknownDurationWhenNoneKnownMs when empty.
double EstimateUnknownDuration(std::vector<double> durations);

// `durations[i]`: test i's recorded duration in milliseconds, or nullopt
// when unknown (a negative value counts as 0). Returns the shard of each
// test, in [0, total_shards). `total_shards` >= 1.
std::vector<int> BalancedShards(
    const std::vector<std::optional<double>>& durations, int total_shards);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_DECISION_SHARD_PARTITION_H_
