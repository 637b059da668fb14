// CoverageSource over the coverage runtime of this process (itr/coverage.h).
// Built only into the skipper's shared library, which the runtime itself
// loads: the runtime's C API is then already there to call.
#ifndef ITR_SKIPPER_COVERAGE_IN_PROCESS_COVERAGE_H_
#define ITR_SKIPPER_COVERAGE_IN_PROCESS_COVERAGE_H_

#include <string>
#include <vector>

#include "skipper/coverage/coverage_source.h"

namespace itr::skipper {

class InProcessCoverage : public CoverageSource {
 public:
  // `print`: each test's coverage also goes to stdout (ITR_COVERAGE_PRINT).
  explicit InProcessCoverage(bool print);

  std::string Unavailable() override;
  void WantFiles(bool files) override { want_files_ = files || print_; }
  std::vector<ExecutedObject> Objects() override;
  void TestStarted(const TestIdentity& test) override;
  ExecutedCode TestEnded(const TestIdentity& test) override;
  CodeOutsideTests OutsideTests() override;

 private:
  bool print_;
  bool want_files_ = true;
  int64_t built_at_ns_;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_COVERAGE_IN_PROCESS_COVERAGE_H_
