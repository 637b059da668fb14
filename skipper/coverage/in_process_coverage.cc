#include "skipper/coverage/in_process_coverage.h"

#include <algorithm>

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

// Adds what `reads` (the runtime's itr_executed) read at run time.
void AddReads(const itr_executed& reads, ExecutedCode* executed) {
  if (reads.status == ITR_COVERAGE_INCOMPLETE && executed->complete) {
    executed->complete = false;
    executed->incomplete_reason = reads.error != nullptr ? reads.error : "";
  }
  for (size_t i = 0; i < reads.file_read_count; ++i) {
    executed->files_read.push_back(reads.files_read[i]);
  }
  for (size_t i = 0; i < reads.env_read_count; ++i) {
    const itr_env_read& read = reads.env_read[i];
    executed->env_read.push_back(EnvironmentRead{
        read.name,
        read.is_set ? std::optional<uint64_t>(read.value_hash) : std::nullopt});
  }
}

// Sorted and distinct, as ExecutedCode documents.
void Normalize(ExecutedCode* executed) {
  std::sort(executed->files_read.begin(), executed->files_read.end());
  executed->files_read.erase(
      std::unique(executed->files_read.begin(), executed->files_read.end()),
      executed->files_read.end());
  std::sort(executed->env_read.begin(), executed->env_read.end());
  executed->env_read.erase(
      std::unique(executed->env_read.begin(), executed->env_read.end()),
      executed->env_read.end());
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
  ExecutedCode executed = Executed(coverage, built_at_ns_);
  AddReads(*itr_last_test_executed(), &executed);
  return executed;
}

ExecutedCode InProcessCoverage::OutsideTests() {
  ExecutedCode executed = Executed(SessionCoverage(), built_at_ns_);
  AddReads(*itr_outside_tests_executed(ITR_PHASE_STARTUP), &executed);
  AddReads(*itr_outside_tests_executed(ITR_PHASE_BETWEEN_TESTS), &executed);
  Normalize(&executed);
  return executed;
}

}  // namespace itr::skipper
