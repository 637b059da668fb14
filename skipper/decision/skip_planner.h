// The skip decision, local mode. A test is skipped only when all hold:
//   - ITR is enabled and not collect-only,
//   - the test is not unskippable,
//   - its latest record under this configuration passed, with complete
//     coverage, in a run that finished normally,
//   - every dependency it recorded (each covered file) and every dependency
//     of that run outside its tests still has the recorded fingerprint.
// Anything unknown means "run". At suite level, a suite is skipped only when
// all its tests would be.
#ifndef ITR_SKIPPER_DECISION_SKIP_PLANNER_H_
#define ITR_SKIPPER_DECISION_SKIP_PLANNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skipper/config/settings.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/model/dependency.h"
#include "skipper/model/planning.h"
#include "skipper/store/local_store.h"

namespace itr::skipper {

class SkipPlanner {
 public:
  // `built_at_ns`: modification time of the binary whose tests are planned
  // (FileFingerprinter::BuiltSource), or kNoBuildTime.
  SkipPlanner(LocalStore* store, FileFingerprinter* fingerprinter,
              int64_t built_at_ns)
      : store_(store),
        fingerprinter_(fingerprinter),
        built_at_ns_(built_at_ns) {}

  absl::StatusOr<std::vector<TestDecision>> Plan(
      const std::string& module, const std::string& configuration,
      const std::vector<PlannedTest>& tests, const Settings& settings);

 private:
  LocalStore* store_;
  FileFingerprinter* fingerprinter_;
  int64_t built_at_ns_;
};

// Dependencies whose fingerprint differs now (for `itr explain`).
std::vector<std::string> ChangedDependencies(
    const std::vector<Dependency>& deps, FileFingerprinter* fingerprinter,
    int64_t built_at_ns);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_DECISION_SKIP_PLANNER_H_
