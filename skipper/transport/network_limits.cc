#include "skipper/transport/network_limits.h"

#include <atomic>
#include <cstdint>
#include <limits>

#include "absl/time/clock.h"

namespace itr::skipper::transport {

namespace {

// Unix nanoseconds; the maximum means none.
std::atomic<int64_t> g_cutoff_ns{std::numeric_limits<int64_t>::max()};
std::atomic<int64_t> g_exit_budget_ns{
    absl::ToInt64Nanoseconds(kExitNetworkBudget)};

}  // namespace

void CutOffNetworkAt(absl::Time cutoff) {
  const int64_t ns = absl::ToUnixNanos(cutoff);
  int64_t current = g_cutoff_ns.load();
  while (ns < current && !g_cutoff_ns.compare_exchange_weak(current, ns)) {
  }
}

void SetExitNetworkBudget(absl::Duration budget) {
  g_exit_budget_ns.store(absl::ToInt64Nanoseconds(budget));
}

void CutOffNetworkForExit() {
  CutOffNetworkAt(absl::Now() + absl::Nanoseconds(g_exit_budget_ns.load()));
}

absl::Time NetworkCutoff() {
  const int64_t ns = g_cutoff_ns.load();
  return ns == std::numeric_limits<int64_t>::max() ? absl::InfiniteFuture()
                                                   : absl::FromUnixNanos(ns);
}

}  // namespace itr::skipper::transport
