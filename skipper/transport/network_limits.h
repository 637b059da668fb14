// What the Datadog backend may take of a process's time and memory on the
// network (docs/datadog.md, "Network time and size"):
//  - before the first test, each request its own budget (endpoints.h),
//    ITR_NETWORK_BUDGET_MS capping them all together;
//  - while the tests run, results are sent in batches of at most 20 s each,
//    and at most kSendingBudget of sending in all (IntakeSink);
//  - at exit, ITR_EXIT_NETWORK_BUDGET_MS (default 30 s) for everything
//    left together: waiting for the git upload and the last batches. From
//    then on every request of the process, on any thread, stops at that
//    cutoff, even in the middle of a transfer (CutOffNetworkAt);
//  - a response body is read up to ITR_MAX_RESPONSE_MB (default 32 MiB,
//    decompressed), its headers up to 64 KiB; more is an error, so the
//    caller runs every test with a warning.
#ifndef ITR_SKIPPER_TRANSPORT_NETWORK_LIMITS_H_
#define ITR_SKIPPER_TRANSPORT_NETWORK_LIMITS_H_

#include <cstddef>

#include "absl/time/time.h"

namespace itr::skipper::transport {

inline constexpr absl::Duration kExitNetworkBudget = absl::Seconds(30);
inline constexpr absl::Duration kSendingBudget = absl::Seconds(60);
inline constexpr size_t kMaxResponseBytes = size_t{32} << 20;
inline constexpr size_t kMaxResponseHeaderBytes = size_t{64} << 10;

// From now on, no request of this process runs past `cutoff` (the earliest
// one set wins). Thread-safe.
void CutOffNetworkAt(absl::Time cutoff);
// The exit's budget (ConnectionSettings::exit_budget), set by whoever opens
// the Datadog backend or a reporting sink; kExitNetworkBudget until then.
void SetExitNetworkBudget(absl::Duration budget);
// When the process ends (the session's end, or exit()): no request runs
// past now + the exit's budget.
void CutOffNetworkForExit();
// The cutoff, or absl::InfiniteFuture() while none is set.
absl::Time NetworkCutoff();

}  // namespace itr::skipper::transport

#endif  // ITR_SKIPPER_TRANSPORT_NETWORK_LIMITS_H_
