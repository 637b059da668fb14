// Skipped tests in GoogleTest's own reports. itr-cpp removes skipped tests
// through the filter, so GoogleTest never sees them; after GoogleTest wrote
// its --gtest_output file, these functions add each of them as a testcase
// with result "skipped" (XML: <skipped message=...>, JSON: "SKIPPED"), so CI
// dashboards show them instead of losing them.
#ifndef ITR_SKIPPER_GTEST_REPORT_PATCH_H_
#define ITR_SKIPPER_GTEST_REPORT_PATCH_H_

#include <string>
#include <vector>

namespace itr::gtest {

struct SkippedTestReport {
  std::string suite, name, file;
  int line = 0;
  std::string reason;
};

// The report file GoogleTest writes for --gtest_output=`flag` ("xml",
// "xml:path", "json:dir/"...), with its format ("xml" or "json"); an empty
// path when there is none.
struct ReportFile {
  std::string format;
  std::string path;
};
ReportFile ReportFileFor(const std::string& flag,
                         const std::string& program_name);

// Rewrites `report` in place. Returns false (and leaves it alone) when it is
// missing or not in the expected shape.
bool AddSkippedTests(const ReportFile& report,
                     const std::vector<SkippedTestReport>& skipped);

}  // namespace itr::gtest

#endif  // ITR_SKIPPER_GTEST_REPORT_PATCH_H_
