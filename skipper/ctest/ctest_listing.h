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
};

// Parses the json-v1 document. Errors: not that format.
absl::StatusOr<std::vector<CtestTest>> ParseCtestListing(
    const std::string& json);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_CTEST_LISTING_H_
