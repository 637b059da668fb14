// The report file GoogleTest writes for --gtest_output.
#ifndef ITR_SKIPPER_GTEST_GTEST_OUTPUT_H_
#define ITR_SKIPPER_GTEST_GTEST_OUTPUT_H_

#include <string>

#include "itr/session.h"

namespace itr {
namespace gtest {

struct ReportFile {
  itr_report_format format = ITR_REPORT_GTEST_XML;
  std::string path;  // "" when GoogleTest writes none
};

// For --gtest_output=`flag` ("xml", "xml:path", "json:dir/"...) of the
// program named `program_name`.
ReportFile ReportFileFor(const std::string& flag,
                         const std::string& program_name);

}  // namespace gtest
}  // namespace itr

#endif  // ITR_SKIPPER_GTEST_GTEST_OUTPUT_H_
