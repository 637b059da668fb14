// The skip decision, local mode. A test is skipped only when all hold:
//   - ITR is enabled and not collect-only,
//   - the test is not unskippable,
//   - its latest record under this configuration passed, with complete
//     coverage, in a run that finished normally,
//   - every dependency it recorded — the functions it executed (and the
//     start-up code they depend on), the files and environment variables
//     its code read, or, under the file rule, the source files it covered —
//     and every dependency its run's code outside tests recorded, still has
//     the recorded fingerprint.
// Anything unknown means "run". At suite level, a suite is skipped only when
// all its tests would be.
//
// Coarse dependencies are compared first; a record whose only changed
// dependencies are units (translation units of functions it executed) is
// then checked function by function: a unit changed by an edit of a
// function the test never executed does not make it run.
#ifndef ITR_SKIPPER_DECISION_SKIP_PLANNER_H_
#define ITR_SKIPPER_DECISION_SKIP_PLANNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/config/settings.h"
#include "skipper/decision/current_state.h"
#include "skipper/model/dependency.h"
#include "skipper/model/planning.h"
#include "skipper/store/store.h"

namespace itr::skipper {

class SkipPlanner {
 public:
  SkipPlanner(Store* store, CurrentState* state)
      : store_(store), state_(state) {}

  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::string& module, const std::string& configuration,
      const std::vector<PlannedTest>& tests, const Settings& settings);

 private:
  Store* store_;
  CurrentState* state_;
};

// The dependencies of `deps` whose fingerprint differs now, described (for
// `itr explain`).
std::vector<std::string> ChangedDependencies(const DependencySet& deps,
                                             CurrentState* state);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_DECISION_SKIP_PLANNER_H_
