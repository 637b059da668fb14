// What the processes of one CTest test executed, from the coverage export
// they appended to (ITR_COVERAGE_EXPORT; runtime/src/process_log.h):
// coverage lines ({"test": ..., "status", "files"}: per test case and per
// process session) and process lines ({"process": "start"|"end", "pid"}).
//
// The union of every line's files is the test's dependencies. It is
// complete only when every coverage line is complete and every process that
// started also ended (a crash, _exit or exec loses that process's session
// line). No line at all: no instrumented process ran, the dependencies are
// unknown (the recorder then never skips the test).
#ifndef ITR_SKIPPER_CTEST_PROCESS_COVERAGE_H_
#define ITR_SKIPPER_CTEST_PROCESS_COVERAGE_H_

#include <cstdint>
#include <string>

#include "skipper/backend/backend.h"

namespace itr::skipper::ctest {

struct ProcessCoverage {
  ExecutedCode executed;  // files sorted; lines merged
  size_t processes = 0;   // processes that started
  // Oldest modification time of the instrumented binaries that ran (0 when
  // no process reported one: every file then counts as newer).
  int64_t built_at_ns = 0;
  std::string incomplete_reason;  // why executed.complete is false
};

// Reads `path`; a missing file means no instrumented process ran.
ProcessCoverage ReadProcessCoverage(const std::string& path);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_PROCESS_COVERAGE_H_
