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
//
// Shards plan at different times, and with a store shared live (or a shard
// that starts after another recorded) they see different decisions and
// durations: two partitions computed from two views can leave a test to no
// shard. So the partition is computed once per sharded run, by its first
// shard, and shared through the store (ShardPlan): every shard of the run
// reads the same one, and a test's owner is a function of that plan alone.
// Each owner then runs or skips its tests by its own decisions, which are
// as safe as an unsharded run's: any plan, even a stale one, only moves
// work between shards.
#ifndef ITR_SKIPPER_DECISION_SHARD_PARTITION_H_
#define ITR_SKIPPER_DECISION_SHARD_PARTITION_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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

// The plan of one sharded run: for each test the shards consider (in the
// order every shard lists them), the shard that owns it.
class ShardPlan {
 public:
  // From the proposing shard's view: `shard_of_considered[k]` is the shard
  // of the k-th considered test when that shard would run it, or -1 when it
  // would skip it. Values must be in [-1, total_shards).
  ShardPlan(std::vector<int> shard_of_considered, int total_shards);

  // Serialized for the store: "itr-shard-plan 1 <considered> <shards>\n",
  // then "<position> <shard>\n" for each test given a shard.
  std::string Encode() const;
  // Errors (InvalidArgument): not a plan, or one made for another count of
  // considered tests or shards.
  static absl::StatusOr<ShardPlan> Decode(absl::string_view text,
                                          size_t considered, int total_shards);

  // The shard that runs or skips the k-th considered test: its planned
  // shard, else round-robin by position (each test has exactly one owner,
  // whatever the reading shard's own decisions).
  int OwnerOf(size_t k) const;
  // Tests given a shard (those the proposing shard would run).
  size_t planned() const;

 private:
  std::vector<int> shard_of_;
  int total_shards_;
};

// The identity of a sharded run's plan: shards of one run compute the same
// key; another run, configuration, shard count or test list gets another.
// `run` is what the shards of one run share (ITR_RUN_ID, the commit), ""
// when nothing is known: then one plan serves every run of that list, which
// stays safe (see above) and only balances less. Nothing that differs
// between the machines of one run goes in (not the module: `itr ctest`'s
// is a path when the build tree is outside the repository); binaries of
// one run with the same test list and configuration share a plan, which is
// as safe.
std::string ShardPlanKey(absl::string_view run, absl::string_view configuration,
                         int total_shards,
                         const std::vector<std::string>& considered_keys);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_DECISION_SHARD_PARTITION_H_
