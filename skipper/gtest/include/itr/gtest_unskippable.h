// itr/gtest_unskippable.h — `datadog_itr_unskippable` markers for GoogleTest.
//
//   DATADOG_ITR_UNSKIPPABLE(LedgerInvariants, BalanceNeverNegative);
//   DATADOG_ITR_UNSKIPPABLE_SUITE(Database);   // a suite or fixture
//   DATADOG_ITR_UNSKIPPABLE_FILE();            // every test of this file
//
// Place them at namespace scope in the test's source file. See
// skipper/markers/unskippable.h for name-based and pattern-list markers.
#ifndef ITR_GTEST_UNSKIPPABLE_H_
#define ITR_GTEST_UNSKIPPABLE_H_

#include "skipper/markers/unskippable.h"

#endif  // ITR_GTEST_UNSKIPPABLE_H_
