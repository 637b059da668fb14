// The questions and answers of planning: the tests a process is about to run
// and, for each, whether it may be skipped and why.
#ifndef ITR_SKIPPER_MODEL_PLANNING_H_
#define ITR_SKIPPER_MODEL_PLANNING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skipper/model/test_identity.h"

namespace itr::skipper {

struct PlannedTest {
  TestIdentity identity;
  bool unskippable = false;
  std::string unskippable_reason;  // which marker
  // Files the test depends on that are not compiled into a test binary (a
  // CTest test's script and data files named on its command line).
  std::vector<std::string> uncompiled_files;
  // How the runner starts it (a CTest test's command line, working
  // directory and environment), as a fingerprint; "" when the test binary
  // alone defines the test. A test whose definition changed runs.
  std::string definition;
  // Variables the runner sets for it (CTest's ENVIRONMENT): their values
  // belong to the definition, so the test's reads of them are not
  // environment dependencies.
  std::vector<std::string> runner_environment;
};

struct TestDecision {
  bool skip = false;
  // Would have been skipped, but a marker forces it to run.
  bool forced = false;
  std::string reason;  // why it runs, or "unchanged"
  int64_t record_id = 0;
  double estimated_saving_ms = 0;
  // The test's last recorded duration, whatever the decision; none when
  // nothing was recorded (balanced shards weigh the tests that run by it).
  std::optional<double> recorded_duration_ms;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_PLANNING_H_
