// Turns the Datadog backend's skippable list into one decision per test.
//
// A test is skipped only when the list names it — by (module, suite, name)
// at test level, or by (module, suite) at suite level — and it is not
// unskippable, and ITR_COLLECT_ONLY is off. An item that carries
// parameters matches only a test with exactly those parameters (as
// itr-cpp reports them, TestParametersJson): a GoogleTest instance name
// ("Case/3") stays when the values behind it change. At suite level a
// suite with an unskippable test runs whole; its listed tests are forced
// runs. Everything not listed runs.
#ifndef ITR_SKIPPER_DATADOG_SKIPPABLE_MATCHER_H_
#define ITR_SKIPPER_DATADOG_SKIPPABLE_MATCHER_H_

#include <string>
#include <vector>

#include "skipper/config/settings.h"
#include "skipper/datadog/api_client.h"
#include "skipper/model/planning.h"

namespace itr::skipper::datadog {

// test.parameters as the tracers write it, {"arguments":{...},"metadata":
// {}}, from a test's readable parameters ("" for none).
std::string TestParametersJson(const std::string& parameters);

std::vector<TestDecision> DecideFromSkippable(
    const std::vector<PlannedTest>& tests, const SkippableList& list,
    const Settings& settings);

}  // namespace itr::skipper::datadog

#endif  // ITR_SKIPPER_DATADOG_SKIPPABLE_MATCHER_H_
