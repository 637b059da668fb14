// How a test that ran ended, as far as skipping is concerned.
#ifndef ITR_SKIPPER_MODEL_TEST_OUTCOME_H_
#define ITR_SKIPPER_MODEL_TEST_OUTCOME_H_

namespace itr::skipper {

enum class TestOutcome {
  kPassed,
  kFailed,
  // The framework skipped it, or ran only part of it: not a pass.
  kSkippedByFramework,
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_TEST_OUTCOME_H_
