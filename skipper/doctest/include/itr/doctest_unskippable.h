// itr/doctest_unskippable.h — `datadog_itr_unskippable` markers for doctest.
//
//   TEST_CASE("ledger invariant" * itr::doctest::unskippable()) { … }
//   TEST_SUITE("database" * itr::doctest::unskippable()) { … }  // the suite
//   DATADOG_ITR_UNSKIPPABLE_FILE();        // every test case of this file
// or, with no include, doctest's own decorator naming the marker suite:
//   TEST_CASE("boots" * doctest::test_suite("datadog_itr_unskippable")) { … }
// (a suite or test name containing datadog_itr_unskippable is unskippable).
// ITR_UNSKIPPABLE='<suite>.<name pattern>' marks tests you cannot edit.
#ifndef ITR_DOCTEST_UNSKIPPABLE_H_
#define ITR_DOCTEST_UNSKIPPABLE_H_

#include <doctest/doctest.h>

#include "skipper/markers/unskippable.h"

namespace itr {
namespace doctest {

// Recorded from the decorators (static initialization).
void MarkUnskippableTestCase(const char* file, unsigned line);
void MarkUnskippableTestSuite(const char* suite);

// A doctest decorator: `* itr::doctest::unskippable()` on a TEST_CASE,
// TEST_SUITE or TEST_SUITE_BEGIN, after the name.
struct unskippable {
  void fill(::doctest::detail::TestCase& test) const {
    MarkUnskippableTestCase(test.m_file.c_str(), test.m_line);
  }
  void fill(::doctest::detail::TestSuite& suite) const {
    MarkUnskippableTestSuite(suite.m_test_suite);
  }
};

}  // namespace doctest
}  // namespace itr

#endif  // ITR_DOCTEST_UNSKIPPABLE_H_
