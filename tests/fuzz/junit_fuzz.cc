// CTest's JUnit report, as itr ctest reads its results.
#include "fuzz_input.h"
#include "skipper/ctest/junit_results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  itr::skipper::ctest::ParseJunit(std::string(itr::fuzz::Text(data, size)))
      .IgnoreError();
  return 0;
}
