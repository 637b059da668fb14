// The skip decision, local mode. A test is skipped only when all hold:
//   - ITR is enabled and not collect-only,
//   - the test is not unskippable,
//   - its latest record under this configuration passed, with complete
//     coverage, in a run that finished normally,
//   - every dependency it recorded (each covered file) and every session
//     dependency of that run still has the recorded fingerprint.
// Anything unknown means "run". At suite level, a suite is skipped only when
// all its tests would be.
#ifndef ITR_SKIPPER_DECISION_SKIP_PLANNER_H_
#define ITR_SKIPPER_DECISION_SKIP_PLANNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/config/settings.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/identity/test_identity.h"
#include "skipper/store/local_store.h"

namespace itr::skipper {

struct PlannedTest {
  TestIdentity identity;
  bool unskippable = false;
  std::string unskippable_reason;  // which marker
};

struct TestDecision {
  bool skip = false;
  // Would have been skipped, but a marker forces it to run.
  bool forced = false;
  std::string reason;  // why it runs, or "unchanged"
  int64_t record_id = 0;
  double estimated_saving_ms = 0;
};

class SkipPlanner {
 public:
  SkipPlanner(LocalStore* store, FileFingerprinter* fingerprinter)
      : store_(store), fingerprinter_(fingerprinter) {}

  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::string& module, const std::string& configuration,
      const std::vector<PlannedTest>& tests, const Settings& settings);

 private:
  LocalStore* store_;
  FileFingerprinter* fingerprinter_;
};

// Dependencies whose fingerprint differs now (for `itr explain`).
std::vector<std::string> ChangedDependencies(
    const std::vector<Dependency>& deps, FileFingerprinter* fingerprinter);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_DECISION_SKIP_PLANNER_H_
