// Where a session learns what each test executed. Two sources:
//   InProcessCoverage  the coverage runtime loaded in this very process
//                      (the framework adapters: tests run here);
//   ExportedCoverage   the coverage files that each test's own processes
//                      wrote (`itr ctest`: tests run in child processes).
// The session never talks to the runtime directly, so the skipper links no
// runtime and `itr ctest` shares the session with the adapters.
#ifndef ITR_SKIPPER_COVERAGE_COVERAGE_SOURCE_H_
#define ITR_SKIPPER_COVERAGE_COVERAGE_SOURCE_H_

#include <string>
#include <vector>

#include "skipper/model/test_identity.h"
#include "skipper/model/test_run.h"

namespace itr::skipper {

class CoverageSource {
 public:
  virtual ~CoverageSource() = default;

  // Why nothing this source reports can be trusted (e.g. the binary has no
  // coverage instrumentation), or "" when it can.
  virtual std::string Unavailable() = 0;

  // Whether ExecutedCode::files (and lines) are wanted: attributing probes
  // to source lines costs a DWARF pass per binary, which function-level
  // selection does not need.
  virtual void WantFiles(bool files) = 0;

  // Where the instrumented objects of the tests are (path and build-id, no
  // addresses), as far as the source knows them before any test ran.
  virtual std::vector<ExecutedObject> Objects() = 0;

  // Brackets one test. The source decides what "executed" means: the code
  // run between the two calls in this process, or what the test's own
  // processes reported.
  virtual void TestStarted(const TestIdentity& test) = 0;
  virtual ExecutedCode TestEnded(const TestIdentity& test) = 0;

  // What executed outside every test so far.
  virtual CodeOutsideTests OutsideTests() = 0;
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_COVERAGE_COVERAGE_SOURCE_H_
