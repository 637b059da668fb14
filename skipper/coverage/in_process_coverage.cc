#include "skipper/coverage/in_process_coverage.h"

#include "itr/coverage.hpp"
#include "skipper/base/process_info.h"

namespace itr::skipper {

namespace {

ExecutedCode Executed(const TestCoverage& coverage, int64_t built_at_ns) {
  ExecutedCode executed;
  executed.complete = coverage.complete();
  executed.incomplete_reason = coverage.error;
  executed.built_at_ns = built_at_ns;
  for (const CoveredFile& file : coverage.files) {
    // Files outside the repository belong to the toolchain: configuration.
    if (file.external) continue;
    executed.files.push_back(file.path);
    executed.lines.push_back(file.lines);
  }
  return executed;
}

}  // namespace

InProcessCoverage::InProcessCoverage(bool print)
    : print_(print), built_at_ns_(ExecutableModifiedAtNs()) {}

std::string InProcessCoverage::Unavailable() {
  if (itr_coverage_state() == ITR_COVERAGE_UNAVAILABLE) {
    return "this binary has no coverage instrumentation (see "
           "itr_instrument)";
  }
  return "";
}

void InProcessCoverage::TestStarted(const TestIdentity& test) {
  itr_test_begin(test.Key().c_str());
}

ExecutedCode InProcessCoverage::TestEnded(const TestIdentity& test) {
  TestCoverage coverage = EndTest();
  if (print_) PrintTestCoverage(test.Key(), coverage);
  return Executed(coverage, built_at_ns_);
}

ExecutedCode InProcessCoverage::OutsideTests() {
  return Executed(SessionCoverage(), built_at_ns_);
}

}  // namespace itr::skipper
