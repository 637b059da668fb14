// itr/gtest_coverage.h — per-test coverage for GoogleTest, through its
// listener API (no fork of GoogleTest, no change to the tests).
//
//   int main(int argc, char** argv) {
//     testing::InitGoogleTest(&argc, argv);
//     itr::gtest::InstallCoverageListener();
//     return RUN_ALL_TESTS();
//   }
//
// Every test case is bracketed by itr_test_begin()/itr_test_end(), so its
// coverage lands in ITR_COVERAGE_EXPORT (and, later, in the skipper). With
// ITR_COVERAGE_PRINT=1 each test's files and lines are printed after it.
#ifndef ITR_GTEST_COVERAGE_H_
#define ITR_GTEST_COVERAGE_H_

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "itr/coverage.hpp"

namespace itr {
namespace gtest {

// "<suite>.<name>", GoogleTest's own full name: it already carries the
// instantiation prefix and index of TEST_P ("Inst/Suite.Name/2") and the
// type index of TYPED_TEST ("Suite/0.Name"), which are stable across runs.
ITR_NO_COVERAGE inline std::string TestId(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

using ::itr::FormatLines;

class CoverageListener : public testing::EmptyTestEventListener {
 public:
  ITR_NO_COVERAGE explicit CoverageListener(bool print) : print_(print) {}

  ITR_NO_COVERAGE void OnTestStart(const testing::TestInfo& info) override {
    itr_test_begin(TestId(info).c_str());
  }

  ITR_NO_COVERAGE void OnTestEnd(const testing::TestInfo& info) override {
    TestCoverage coverage = EndTest();
    ++recorded_;
    if (coverage.complete()) ++complete_;
    if (print_) Print(info, coverage);
  }

  ITR_NO_COVERAGE void OnTestProgramEnd(const testing::UnitTest&) override {
    if (!print_) return;
    TestCoverage session = SessionCoverage();
    size_t internal = 0;
    for (const CoveredFile& file : session.files) internal += !file.external;
    printf(
        "[ itr cov  ] %zu test(s) recorded, %zu with complete coverage "
        "(%s mode); session coverage: %zu repository file(s)\n",
        recorded_, complete_, itr_coverage_mode(), internal);
    fflush(stdout);
  }

  // One test's files and lines, as ITR_COVERAGE_PRINT shows them.
  ITR_NO_COVERAGE static void Print(const testing::TestInfo& info,
                                    const TestCoverage& coverage) {
    PrintTestCoverage(TestId(info), coverage);
  }

 private:
  bool print_;
  size_t recorded_ = 0;
  size_t complete_ = 0;
};

// Appends the listener to GoogleTest's listeners (which take ownership).
ITR_NO_COVERAGE inline void InstallCoverageListener() {
  testing::UnitTest::GetInstance()->listeners().Append(
      new CoverageListener(CoveragePrintRequested()));
}

}  // namespace gtest
}  // namespace itr

#endif  // ITR_GTEST_COVERAGE_H_
