// The CTestTestfile.cmake `itr ctest` runs instead of the build tree's: it
// reads the build tree's own test files (subdirs() with an absolute path,
// so every test keeps its command, WORKING_DIRECTORY default, ENVIRONMENT,
// LABELS, fixtures and other properties), then
//   - marks each skipped test DISABLED: ctest then starts no process for it
//     and reports it as "Not Run (Disabled)" without failing the run;
//   - adds ITR_TEST_ID and ITR_COVERAGE_EXPORT to each test that runs.
//     In ctest's test files set_tests_properties(ENVIRONMENT) appends to the
//     test's list (checked with ctest 3.25; later entries win), so the
//     user's own variables are kept.
#ifndef ITR_SKIPPER_CTEST_WRAPPER_TESTFILE_H_
#define ITR_SKIPPER_CTEST_WRAPPER_TESTFILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace itr::skipper::ctest {

struct WrappedTest {
  std::string name;
  bool skip = false;
  // For a test that runs: what its processes see. Empty test_id: nothing
  // is added (the test runs unobserved and is never skipped).
  std::string test_id;
  std::string coverage_file;
};

// The file's text. Errors: a path that cannot be written in a CMake list.
absl::StatusOr<std::string> WrapperTestfile(
    const std::string& build_dir, const std::vector<WrappedTest>& tests);

// `text` as a CMake bracket argument ([==[text]==]).
std::string CmakeBracket(const std::string& text);

// True when `value` survives as one element of a CMake list entry of
// ENVIRONMENT (no ';', no '\\', no newline).
bool FitsCmakeList(const std::string& value);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_WRAPPER_TESTFILE_H_
