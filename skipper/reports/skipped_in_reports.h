// Tests ITR skipped, added to the report a framework already wrote. The
// frameworks never see the tests ITR leaves out, so CI dashboards would lose
// them; after the framework closed its file, each is added as a skipped
// test case:
//   GoogleTest XML   <testcase ... result="skipped"><skipped message=".."/>
//                    in its suite (created when absent); suite and total
//                    tests= and skipped= counts updated
//   GoogleTest JSON  {"result": "SKIPPED", "skipped": {"message": ".."}}
//   JUnit (Catch2, doctest)
//                    <testcase classname=".." name=".." status="notrun">
//                    <skipped message=".."/> in the last <testsuite>
// The message is "itr: <reason>". The file is replaced atomically, or left
// alone when it is missing or not in the expected shape.
#ifndef ITR_SKIPPER_REPORTS_SKIPPED_IN_REPORTS_H_
#define ITR_SKIPPER_REPORTS_SKIPPED_IN_REPORTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace itr::skipper {

enum class ReportFormat { kGtestXml, kGtestJson, kJunit };

struct SkippedReportEntry {
  std::string suite;      // GoogleTest: the suite (and classname)
  std::string classname;  // JUnit: the classname the framework would use
  std::string name;
  std::string file;
  int line = 0;
  std::string reason;
};

absl::Status AddSkippedToReport(ReportFormat format, const std::string& path,
                                const std::vector<SkippedReportEntry>& skipped);

// Quotes for an XML attribute value (& < > " ').
std::string XmlAttributeEscape(const std::string& text);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_REPORTS_SKIPPED_IN_REPORTS_H_
