// The tests a ctest command line selects, from `ctest --show-only=json-v1`
// (names, commands and properties after -R/-E/-L/-LE/-I filtering).
#ifndef ITR_SKIPPER_CTEST_CTEST_LISTING_H_
#define ITR_SKIPPER_CTEST_CTEST_LISTING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace itr::skipper::ctest {

struct CtestTest {
  std::string name;
  std::vector<std::string> command;  // program and arguments
  std::vector<std::string> labels;   // LABELS
  bool disabled = false;             // DISABLED: ctest does not run it anyway
  // FIXTURES_SETUP or FIXTURES_CLEANUP: other tests rely on it having run
  // (ctest would still start them without it).
  bool fixture = false;
  // What else defines how it runs: ENVIRONMENT ("NAME=value" entries),
  // ENVIRONMENT_MODIFICATION ("NAME=op:value"), WORKING_DIRECTORY.
  std::vector<std::string> environment;
  std::vector<std::string> environment_modification;
  std::string working_directory;
};

// The suite of every CTest test's identity ("ctest.<test name>").
inline constexpr char kCtestSuite[] = "ctest";

// How `test` runs (PlannedTest::definition): the fingerprint of its command
// line, working directory, ENVIRONMENT and ENVIRONMENT_MODIFICATION, with
// paths under `build_dir` or `source_dir` written relative to them.
std::string TestDefinition(const CtestTest& test, const std::string& build_dir,
                           const std::string& source_dir);
// The variables its ENVIRONMENT sets.
std::vector<std::string> EnvironmentNames(const CtestTest& test);

// Runs `<ctest> --show-only=json-v1 --test-dir <test_dir> <args...>`.
absl::StatusOr<std::vector<CtestTest>> ListCtestTests(
    const std::string& ctest, const std::string& test_dir,
    const std::vector<std::string>& args);

// Parses the json-v1 document. Errors: not that format.
absl::StatusOr<std::vector<CtestTest>> ParseCtestListing(
    const std::string& json);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_CTEST_LISTING_H_
