// `itr ctest [ctest args...]`: CTest with the Intelligent Test Runner, one
// CTest test = one unit (often a whole process that is no GoogleTest binary,
// or a script running several instrumented binaries).
//
//   1. `ctest --show-only=json-v1 <args>` lists the tests the user's
//      arguments select (-R/-E/-L/-LE/-I/-C...).
//   2. The same session as the in-process adapters (session/itr_session.h:
//      settings, backend, skip rule, summary) decides per test; the LABELS
//      entry `datadog_itr_unskippable`, ITR_UNSKIPPABLE and names
//      containing datadog_itr_unskippable force a run.
//   3. A generated CTestTestfile.cmake in <build>/.itr-ctest/ (see
//      wrapper_testfile.h) disables the skipped tests (and, in a shard,
//      ITR_TOTAL_SHARDS/ITR_SHARD_INDEX, the other shards' tests: the
//      session's plan, session/itr_session.h) and gives the others
//      ITR_TEST_ID and a coverage file; ctest runs it with the user's
//      arguments (so -j, filters, output options, --repeat compose) and a
//      JUnit report.
//   4. Every instrumented process of a test appends its coverage to the
//      test's file (coverage/exported_coverage.h); with the JUnit outcome,
//      each test that ran is recorded under module "ctest:<build dir>".
//
// Returns ctest's own exit code. Fails open: when listing, planning or
// generating fails, one warning line and ctest runs as the user asked;
// when reading results fails, nothing is recorded (the tests run next time).
#ifndef ITR_SKIPPER_CTEST_CTEST_RUNNER_H_
#define ITR_SKIPPER_CTEST_CTEST_RUNNER_H_

#include <string>
#include <vector>

namespace itr::skipper::ctest {

struct CtestRunOptions {
  std::string repo_root;
  std::string ctest = "ctest";  // the ctest program ($ITR_CTEST, else PATH)
  std::string cwd;              // where relative --test-dir paths start
};

int RunCtest(const CtestRunOptions& options,
             const std::vector<std::string>& ctest_args);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_CTEST_RUNNER_H_
