// CoverageSource over ITR_COVERAGE_EXPORT files (itr/coverage_export.h): one
// file per test, appended to by every instrumented process of that test
// (`itr ctest` gives each CTest test its own).
//
// A test's executed code is the union of every coverage line of its file,
// files and environment variables read included.
// It is complete only when every line is complete and every process that
// started also ended (a crash, _exit or exec loses that process's last
// line). No line at all: no instrumented process ran, the executed code is
// unknown (the test is then never skipped).
#ifndef ITR_SKIPPER_COVERAGE_EXPORTED_COVERAGE_H_
#define ITR_SKIPPER_COVERAGE_EXPORTED_COVERAGE_H_

#include <cstddef>
#include <map>
#include <string>

#include "skipper/coverage/coverage_source.h"

namespace itr::skipper {

struct ExportedFile {
  ExecutedCode executed;  // files sorted, lines merged; built_at_ns: the
                          // oldest binary that ran (0 when none said)
  size_t processes = 0;   // processes that started
};

// Reads one export file; a missing file means no instrumented process ran.
ExportedFile ReadExportedCoverage(const std::string& path);

class ExportedCoverage : public CoverageSource {
 public:
  // Nothing runs in this process: there is no code outside the tests.
  ExportedCoverage() = default;

  // The export file of `test` (by key); set before the test ends.
  void SetFile(const TestIdentity& test, std::string path);
  // Processes that reported for the test last ended.
  size_t last_processes() const { return last_processes_; }

  std::string Unavailable() override { return ""; }
  void WantFiles(bool) override {}  // the files are in the export anyway
  // Not known before the tests ran: the planner asks the store.
  std::vector<ExecutedObject> Objects() override { return {}; }
  void TestStarted(const TestIdentity&) override {}
  ExecutedCode TestEnded(const TestIdentity& test) override;
  CodeOutsideTests OutsideTests() override;

 private:
  std::map<std::string, std::string> files_;
  size_t last_processes_ = 0;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_COVERAGE_EXPORTED_COVERAGE_H_
