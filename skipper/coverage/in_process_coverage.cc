#include "skipper/coverage/in_process_coverage.h"

#include <algorithm>

#include "itr/coverage.hpp"
#include "skipper/base/process_info.h"

namespace itr::skipper {

namespace {

void AddFiles(const TestCoverage& coverage, ExecutedCode* executed) {
  for (const CoveredFile& file : coverage.files) {
    // Files outside the repository belong to the toolchain: configuration.
    if (file.external) continue;
    executed->files.push_back(file.path);
    executed->lines.push_back(file.lines);
  }
  if (!coverage.complete() && executed->complete) {
    executed->complete = false;
    executed->incomplete_reason = coverage.error;
  }
}

// What the runtime's itr_executed says: executed probes by object, and
// what the code read at run time (sorted and distinct).
ExecutedCode Executed(const itr_executed& probes, int64_t built_at_ns) {
  ExecutedCode executed;
  executed.complete = probes.status == ITR_COVERAGE_COMPLETE;
  if (probes.error != nullptr) executed.incomplete_reason = probes.error;
  executed.built_at_ns = built_at_ns;
  for (size_t i = 0; i < probes.object_count; ++i) {
    const itr_object_probes& object = probes.objects[i];
    executed.objects.push_back(
        {object.path, object.build_id,
         std::vector<uint64_t>(object.addresses,
                               object.addresses + object.address_count)});
  }
  executed.files_read.assign(probes.files_read,
                             probes.files_read + probes.file_read_count);
  for (size_t i = 0; i < probes.env_read_count; ++i) {
    const itr_env_read& read = probes.env_read[i];
    executed.env_read.push_back(EnvironmentRead{
        read.name,
        read.is_set ? std::optional<uint64_t>(read.value_hash) : std::nullopt});
  }
  std::sort(executed.files_read.begin(), executed.files_read.end());
  executed.files_read.erase(
      std::unique(executed.files_read.begin(), executed.files_read.end()),
      executed.files_read.end());
  std::sort(executed.env_read.begin(), executed.env_read.end());
  executed.env_read.erase(
      std::unique(executed.env_read.begin(), executed.env_read.end()),
      executed.env_read.end());
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

std::vector<ExecutedObject> InProcessCoverage::Objects() {
  std::vector<ExecutedObject> objects;
  for (size_t i = 0; i < itr_object_count(); ++i) {
    itr_object_probes object = itr_object_at(i);
    if (*object.path != '\0')
      objects.push_back({object.path, object.build_id, {}});
  }
  return objects;
}

void InProcessCoverage::TestStarted(const TestIdentity& test) {
  itr_test_begin(test.Key().c_str());
}

ExecutedCode InProcessCoverage::TestEnded(const TestIdentity& test) {
  itr_test_end_collect_only();
  ExecutedCode executed = Executed(*itr_last_test_executed(), built_at_ns_);
  if (want_files_) {
    TestCoverage coverage = TestCoverage::From(itr_last_test_coverage());
    if (print_) PrintTestCoverage(test.Key(), coverage);
    AddFiles(coverage, &executed);
  }
  return executed;
}

CodeOutsideTests InProcessCoverage::OutsideTests() {
  CodeOutsideTests code;
  code.startup =
      Executed(*itr_outside_tests_executed(ITR_PHASE_STARTUP), built_at_ns_);
  code.between_tests = Executed(
      *itr_outside_tests_executed(ITR_PHASE_BETWEEN_TESTS), built_at_ns_);
  if (want_files_) {
    // Lines are attributed for both phases together: the file rule and the
    // reports treat all code outside tests alike.
    AddFiles(SessionCoverage(), &code.between_tests);
  }
  return code;
}

}  // namespace itr::skipper
