// `ctest --show-only=json-v1` output, as itr ctest lists the tests, and
// each listed test's definition.
#include "fuzz_input.h"
#include "skipper/ctest/ctest_listing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace itr::skipper::ctest;
  auto tests = ParseCtestListing(std::string(itr::fuzz::Text(data, size)));
  if (!tests.ok()) return 0;
  for (const CtestTest& test : *tests) {
    TestDefinition(test, "/build", "/source");
    EnvironmentNames(test);
  }
  return 0;
}
