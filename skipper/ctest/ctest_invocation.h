// The user's `ctest` command line as `itr ctest` needs to see it: which
// build tree it runs, where a JUnit report goes, and whether it is a mode
// itr leaves alone (listing, dashboards, help).
#ifndef ITR_SKIPPER_CTEST_CTEST_INVOCATION_H_
#define ITR_SKIPPER_CTEST_CTEST_INVOCATION_H_

#include <string>
#include <vector>

namespace itr::skipper::ctest {

struct CtestInvocation {
  // Absolute build tree the tests come from: --test-dir, else `cwd`.
  std::string test_dir;
  // Every user argument but --test-dir and --output-junit, in order: they
  // select tests (-R/-E/-L/-LE/-I/-C...) or shape the run (-j, output), and
  // are given both to the listing and to the run.
  std::vector<std::string> args;
  // The user's --output-junit, made absolute against `test_dir` (where
  // ctest resolves it), or "".
  std::string junit_path;
  // Non-empty: a mode itr does not handle (e.g. "-N"); run ctest as given.
  std::string passthrough_reason;
};

// Never fails: anything not understood is passed to ctest unchanged.
CtestInvocation ParseCtestArgs(const std::vector<std::string>& args,
                               const std::string& cwd);

}  // namespace itr::skipper::ctest

#endif  // ITR_SKIPPER_CTEST_CTEST_INVOCATION_H_
