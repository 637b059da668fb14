// itr/catch2_itr.h — the Intelligent Test Runner for Catch2 v2.
//
// One line in CMake: link `itr::catch2_main` instead of your Catch2 main.
// Or, with your own main, in the one TU that implements Catch2:
//
//   #define CATCH_CONFIG_RUNNER
//   #include "itr/catch2_itr.h"      // includes <catch2/catch.hpp>
//   int main(int argc, char* argv[]) { return itr::catch2::Run(argc, argv); }
//
// Run() parses the command line like Catch::Session::run(), then, before any
// test runs, plans from the local store which test cases are unchanged since
// they passed and leaves them out of the run; the user's test spec, `-e`,
// `--order` and reporters keep working. While tests run, a listener records
// each test case (all its sections) with the files it executed. The summary
// `itr: skipped N of M tests…` goes to stderr. Markers:
// itr/catch2_unskippable.h. Any failure runs every test, with one warning.
#ifndef ITR_CATCH2_ITR_H_
#define ITR_CATCH2_ITR_H_

#include <catch2/catch.hpp>

#include "itr/build_configuration.h"
#include "itr/coverage.h"

namespace itr {
namespace catch2 {

// Plans and narrows `config` (its test spec) to the test cases that must
// run, and registers the recording listener. Does nothing when ITR is off,
// when Catch2 only lists or when the spec is invalid. `compiler`: the test
// binary's BuildConfiguration().
void InstallItr(Catch::ConfigData& config, const char* compiler);

// After the run, once the reporter's file is closed: with `-r junit -o
// <file>`, adds the skipped test cases to it as <skipped/> test cases.
void ReportSkipped();

#ifdef CATCH_CONFIG_RUNNER
// Catch::Session::run() under the Intelligent Test Runner.
ITR_NO_COVERAGE inline int Run(int argc, char* argv[]) {
  int status;
  {
    Catch::Session session;
    status = session.applyCommandLine(argc, argv);
    if (status != 0) return status;
    InstallItr(session.configData(), ::itr::BuildConfiguration().c_str());
    status = session.run();
  }  // closes the reporter's output
  ReportSkipped();
  return status;
}
#endif  // CATCH_CONFIG_RUNNER

}  // namespace catch2
}  // namespace itr

#endif  // ITR_CATCH2_ITR_H_
