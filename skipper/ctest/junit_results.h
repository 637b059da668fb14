// Test outcomes from ctest's own JUnit report (--output-junit): each
// <testcase name="..." time="..." status="run|fail|disabled|notrun">.
// "run" is the only status that means passed (timeouts and crashes are
// "fail").
#ifndef ITR_SKIPPER_CTEST_JUNIT_RESULTS_H_
#define ITR_SKIPPER_CTEST_JUNIT_RESULTS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace itr::skipper::ctest {

struct CtestResult {
  std::string status;  // "run", "fail", "disabled", "notrun", ...
  double seconds = 0;
  bool passed() const { return status == "run"; }
};

// By test name. Errors: no <testsuite> in `xml`.
absl::StatusOr<std::map<std::string, CtestResult>> ParseJunit(
    const std::string& xml);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_JUNIT_RESULTS_H_
