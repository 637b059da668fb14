// Test cases ITR skipped, in a JUnit XML report a framework already wrote.
// Catch2 v2 and doctest never see the test cases ITR leaves out (or, for
// doctest's JUnit reporter, drop skipped ones), so CI dashboards would lose
// them: each is added as
//   <testcase classname=".." name=".." time="0" status="notrun">
//     <skipped message="itr: unchanged"/></testcase>
// to the report's last <testsuite>, whose tests= grows and skipped= is set.
#ifndef ITR_SKIPPER_REPORTS_JUNIT_SKIPPED_H_
#define ITR_SKIPPER_REPORTS_JUNIT_SKIPPED_H_

#include <string>
#include <vector>

namespace itr::skipper {

struct JunitSkippedCase {
  std::string classname, name, message;
};

// Rewrites `path` in place. Returns false (and leaves it alone) when it is
// missing or has no <testsuite> element.
bool AddSkippedToJunit(const std::string& path,
                       const std::vector<JunitSkippedCase>& cases);

// The adapters' two steps around the framework's run: remember the cases
// for the report at `path` (one per process; a later call replaces it),
// then, once the framework wrote the file, add them (one warning line on
// failure). Nothing remembered: nothing done.
void DeferJunitSkipped(std::string path, std::vector<JunitSkippedCase> cases);
void AddDeferredJunitSkipped();

// Quotes for an XML attribute value (& < > " ').
std::string XmlAttributeEscape(const std::string& text);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_REPORTS_JUNIT_SKIPPED_H_
