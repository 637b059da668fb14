// Marks tests that must never be skipped ("datadog_itr_unskippable").
//
// In a GoogleTest source file, at namespace scope:
//   DATADOG_ITR_UNSKIPPABLE(Suite, Name);    one test (all its TEST_P
//                                            instances / TYPED_TEST types)
//   DATADOG_ITR_UNSKIPPABLE_SUITE(Suite);    every test of a suite or fixture
//   DATADOG_ITR_UNSKIPPABLE_FILE();          every test defined in this file
// or, without any include, put `datadog_itr_unskippable` in a test or suite
// name: TEST(Ledger, BalanceInvariant_datadog_itr_unskippable).
// For tests you cannot edit: ITR_UNSKIPPABLE="Suite.*:Other.Name" (GoogleTest
// filter syntax) or ITR_UNSKIPPABLE_FILE=<file with one pattern per line>.
//
// A public header (C++11, like every header users include); a
// dependency-free library: the registrations happen in the test binary
// (static initializers), where the framework adapters read them
// (RegisteredUnskippableReason); the session checks the markers every
// framework shares (UnskippableBy).
#ifndef ITR_SKIPPER_MARKERS_UNSKIPPABLE_H_
#define ITR_SKIPPER_MARKERS_UNSKIPPABLE_H_

#include <string>
#include <vector>

namespace itr {
namespace skipper {

constexpr char kUnskippableMarker[] = "datadog_itr_unskippable";

// Registers a marker from a static initializer. `suite`/`name` may be "*".
struct UnskippableRegistration {
  UnskippableRegistration(const char* suite, const char* name,
                          const char* file);
};

struct TestForMarkers {
  std::string suite;        // GoogleTest's: "Inst/Suite", "Suite/0"
  std::string name;         // "Case/3" for TEST_P
  std::string source_file;  // as the framework reports it (registry only)
};

// The registered marker that makes the test unskippable ("" when none):
// "DATADOG_ITR_UNSKIPPABLE", "..._SUITE" or "..._FILE".
std::string RegisteredUnskippableReason(const TestForMarkers& test);

// The markers every framework shares ("" when none): "name contains
// datadog_itr_unskippable" (suite or name), or "ITR_UNSKIPPABLE filter
// '<f>'" for the first of `patterns` (GoogleTest filters on Suite.Name)
// that matches.
std::string UnskippableBy(const TestForMarkers& test,
                          const std::vector<std::string>& patterns);

// GoogleTest filter wildcard match ('*' any string, '?' one character).
bool WildcardMatch(const std::string& pattern, const std::string& text);

// A whole --gtest_filter expression: "POSITIVE[-NEGATIVE]", ':'-separated
// wildcard patterns; an empty positive part means "*".
bool MatchesGtestFilter(const std::string& filter, const std::string& name);

// "Inst/Suite" -> "Suite", "Suite/0" -> "Suite", "Case/3" -> "Case".
std::string BaseSuiteName(const std::string& suite);
std::string BaseTestName(const std::string& name);

}  // namespace skipper
}  // namespace itr

#define ITR_UNSKIPPABLE_CONCAT_(a, b) a##b
#define ITR_UNSKIPPABLE_CONCAT(a, b) ITR_UNSKIPPABLE_CONCAT_(a, b)
#define ITR_UNSKIPPABLE_REGISTER_(suite, name, file)                           \
  static const ::itr::skipper::UnskippableRegistration ITR_UNSKIPPABLE_CONCAT( \
      itr_unskippable_registration_, __LINE__)(suite, name, file)

#define DATADOG_ITR_UNSKIPPABLE(suite, name) \
  ITR_UNSKIPPABLE_REGISTER_(#suite, #name, nullptr)
#define DATADOG_ITR_UNSKIPPABLE_SUITE(suite) \
  ITR_UNSKIPPABLE_REGISTER_(#suite, "*", nullptr)
#define DATADOG_ITR_UNSKIPPABLE_FILE() \
  ITR_UNSKIPPABLE_REGISTER_("*", "*", __FILE__)

#endif  // ITR_SKIPPER_MARKERS_UNSKIPPABLE_H_
