// Who a test is, stably across runs and rebuilds.
#ifndef ITR_SKIPPER_MODEL_TEST_IDENTITY_H_
#define ITR_SKIPPER_MODEL_TEST_IDENTITY_H_

#include <string>

#include "absl/strings/string_view.h"

namespace itr::skipper {

// "Suite.Name": the key a test's records are stored under within a module.
// GoogleTest suites ("Inst/Suite", "Suite/0") and names ("Case/2") hold '/'
// but never '.', so the first '.' splits a key back (cli: IdentityFromKey).
std::string TestKey(absl::string_view suite, absl::string_view name);
// The same into `*key` (reused storage: no allocation per test when planning).
void AssignTestKey(absl::string_view suite, absl::string_view name,
                   std::string* key);

struct TestIdentity {
  std::string module;       // the test binary's file name ("calc_tests")
  std::string suite;        // "Inst/Suite" or "Suite/0" for TEST_P/TYPED_TEST
  std::string name;         // "Case/2" for TEST_P instances
  std::string parameters;   // readable GetParam()/type name; part of identity
                            // for Datadog's matching only
  std::string source_file;  // repo-relative file declaring the test, if known
  int source_line = 0;      // its line, 0 when unknown

  std::string Key() const { return TestKey(suite, name); }
};

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_MODEL_TEST_IDENTITY_H_
