// itr/doctest_itr.h — the Intelligent Test Runner for doctest.
//
// One line in CMake: link `itr::doctest_main` instead of your doctest main.
// Or, with your own main, in the one TU that implements doctest:
//
//   #define DOCTEST_CONFIG_IMPLEMENT
//   #include "itr/doctest_itr.h"     // includes <doctest/doctest.h>
//   int main(int argc, char** argv) { return itr::doctest::Run(argc, argv); }
//
// Run() is doctest::Context's applyCommandLine() and run(). Before any test
// runs it plans from the local store which test cases are unchanged since
// they passed and marks them skipped, the way doctest::skip() does: the
// user's filters (-tc, -tce, -ts, -sf, ...) keep working, and doctest's
// summary counts them as skipped. A listener records each test case (all
// its subcases) with the files it executed. The summary `itr: skipped N of M
// tests…` goes to stderr. Markers: itr/doctest_unskippable.h. Any failure
// runs every test, with one warning.
#ifndef ITR_DOCTEST_ITR_H_
#define ITR_DOCTEST_ITR_H_

#include <doctest/doctest.h>

#include <climits>
#include <string>
#include <vector>

#include "itr/build_configuration.h"
#include "itr/coverage.h"

namespace itr {
namespace doctest {

// Internal: what Run() tells the adapter about the registered test cases.
struct RegisteredTest {
  const ::doctest::TestCaseData* test = nullptr;
  bool considered = false;  // passes the user's filters and range
  bool skip = false;        // out: ITR leaves it out
};
struct Selection {
  std::vector<RegisteredTest> tests;
  // Subcase filters run part of a test case: a pass is not recorded.
  bool partial = false;
  // Why nothing may be skipped (e.g. --no-skip); "" when skipping may.
  std::string cannot_skip;
  // The file doctest's JUnit reporter writes (-r=junit --out=<file>).
  std::string junit_path;
};

// Plans, sets `skip` on the test cases to leave out and registers the
// recording listener. Does nothing when ITR is off. `compiler`: the test
// binary's BuildConfiguration().
void InstallItr(Selection& selection, const char* compiler);

// After the run, once the reporter's file is closed: adds the skipped test
// cases to the JUnit report as <skipped/> test cases (doctest's JUnit
// reporter leaves skipped ones out).
void ReportSkipped();

#ifdef DOCTEST_CONFIG_IMPLEMENT
namespace internal {

// doctest's own selection in Context::run(): the skip decorator and the
// file, suite and name filters, through doctest's matcher.
ITR_NO_COVERAGE inline bool PassesFilters(
    const ::doctest::detail::TestCase& test,
    const ::doctest::detail::ContextState& state) {
  const auto& f = state.filters;
  bool cs = state.case_sensitive;
  return !(test.m_skip && !state.no_skip) &&
         ::doctest::matchesAny(test.m_file.c_str(), f[0], true, cs) &&
         !::doctest::matchesAny(test.m_file.c_str(), f[1], false, cs) &&
         ::doctest::matchesAny(test.m_test_suite, f[2], true, cs) &&
         !::doctest::matchesAny(test.m_test_suite, f[3], false, cs) &&
         ::doctest::matchesAny(test.m_name, f[4], true, cs) &&
         !::doctest::matchesAny(test.m_name, f[5], false, cs);
}

ITR_NO_COVERAGE inline void Install(::doctest::Context& context,
                                    const char* compiler) {
  context.setAsDefaultForAssertsOutOfTestCases();  // its state: detail::g_cs
  const ::doctest::detail::ContextState& state = *::doctest::detail::g_cs;
  // Queries (listing, counting, help) must show every test, run nothing.
  if (state.exit || state.no_run || state.count || state.list_test_cases ||
      state.list_test_suites || state.list_reporters || state.help ||
      state.version) {
    return;
  }
  Selection selection;
  std::vector<::doctest::detail::TestCase*> cases;
  for (const ::doctest::detail::TestCase& test :
       ::doctest::detail::getRegisteredTests()) {
    // std::set elements are const for ordering; m_skip is not part of it.
    cases.push_back(const_cast<::doctest::detail::TestCase*>(&test));
    RegisteredTest registered;  // not an aggregate in C++11
    registered.test = &test;
    registered.considered = PassesFilters(test, state);
    selection.tests.push_back(registered);
  }
  selection.partial = !state.filters[6].empty() || !state.filters[7].empty();
  // Skipping shifts --first/--last (they count the tests passing filters);
  // --no-skip ignores the skip flag ITR sets.
  if (state.no_skip) selection.cannot_skip = "--no-skip";
  if (state.first > 1 || state.last != UINT_MAX) {
    selection.cannot_skip = "--first/--last";
  }
  const auto& reporters = state.filters[8];
  if (reporters.size() == 1 && reporters[0].compare("junit", true) == 0) {
    selection.junit_path = state.out.c_str();
  }
  InstallItr(selection, compiler);
  for (size_t i = 0; i < cases.size(); ++i) {
    if (selection.tests[i].skip) cases[i]->m_skip = true;
  }
}

}  // namespace internal

// doctest::Context under the Intelligent Test Runner.
ITR_NO_COVERAGE inline int Run(int argc, char** argv) {
  int status;
  {
    ::doctest::Context context;
    context.applyCommandLine(argc, argv);
    internal::Install(context, ::itr::BuildConfiguration().c_str());
    status = context.run();
  }  // closes the reporter's output
  ReportSkipped();
  return status;
}
#endif  // DOCTEST_CONFIG_IMPLEMENT

}  // namespace doctest
}  // namespace itr

#endif  // ITR_DOCTEST_ITR_H_
