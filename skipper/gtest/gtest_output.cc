#include "gtest_output.h"

namespace itr {
namespace gtest {

ReportFile ReportFileFor(const std::string& flag,
                         const std::string& program_name) {
  if (flag.empty()) return {};
  size_t colon = flag.find(':');
  std::string format = flag.substr(0, colon);
  if (format != "xml" && format != "json") return {};
  ReportFile report;
  report.format =
      format == "xml" ? ITR_REPORT_GTEST_XML : ITR_REPORT_GTEST_JSON;
  std::string path = colon == std::string::npos ? "" : flag.substr(colon + 1);
  if (path.empty()) {
    path = "test_detail." + format;
  } else if (path.back() == '/') {
    path += program_name + "." + format;
  }
  report.path = path;
  return report;
}

}  // namespace gtest
}  // namespace itr
