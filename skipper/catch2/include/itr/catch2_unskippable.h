// itr/catch2_unskippable.h — `datadog_itr_unskippable` markers for Catch2.
//
//   TEST_CASE("ledger balance never negative",
//   "[ledger][datadog_itr_unskippable]") TEST_CASE("boots", "[smoke]"
//   DATADOG_ITR_UNSKIPPABLE_TAG)   // same tag DATADOG_ITR_UNSKIPPABLE_FILE();
//   // every test case of this source file
//
// A group of test cases: give each the tag, or put them in one file with
// DATADOG_ITR_UNSKIPPABLE_FILE(). (Catch2 tag aliases only expand in test
// specs, not in a test case's tags.) A name containing
// datadog_itr_unskippable and ITR_UNSKIPPABLE='<file>.<name pattern>' work
// too. The tag needs no include; the macros need this header.
#ifndef ITR_CATCH2_UNSKIPPABLE_H_
#define ITR_CATCH2_UNSKIPPABLE_H_

#include "skipper/markers/unskippable.h"

#define DATADOG_ITR_UNSKIPPABLE_TAG "[datadog_itr_unskippable]"

#endif  // ITR_CATCH2_UNSKIPPABLE_H_
